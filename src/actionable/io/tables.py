"""Small strict reader for the tab-separated inputs (fusions, copy number, MAF) and their
dialects, plain or gzipped."""

from __future__ import annotations

import math
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from actionable.errors import FormatError, InputFileError
from actionable.io.text import open_text

_MISSING = ("", ".", "NA", "NaN", "nan", "-")


@dataclass
class Row:
    """One data line with its position, for error messages."""

    source: str
    lineno: int
    values: dict[str, str]

    def fail(self, column: str, message: str) -> NoReturn:
        raise FormatError(f"{self.source}:{self.lineno}: column '{column}': {message}")

    def text(self, column: str) -> str:
        value = self.values.get(column, "").strip()
        if not value:
            self.fail(column, "must not be empty")
        return value

    def optional_text(self, column: str) -> str | None:
        value = self.values.get(column, "").strip()
        return None if value in _MISSING else value

    def optional_int(self, column: str) -> int | None:
        value = self.optional_text(column)
        if value is None:
            return None
        try:
            number = int(value)
        except ValueError:
            self.fail(column, f"{value!r} is not an integer")
        if number < 0:
            self.fail(column, f"{value!r} is negative")
        return number

    def optional_float(self, column: str) -> float | None:
        value = self.optional_text(column)
        if value is None:
            return None
        try:
            number = float(value)
        except ValueError:
            self.fail(column, f"{value!r} is not a number")
        if math.isnan(number) or number < 0:
            self.fail(column, f"{value!r} is not a non-negative number")
        return number


@dataclass
class Table:
    source: str
    header: list[str]
    rows: list[Row]


def read_text(path: Path, what: str) -> str:
    """The whole UTF-8 text of `path`; InputFileError/FormatError name the file."""
    source = str(path)
    if not path.exists():
        raise InputFileError(f"{source}: no such file")
    if not path.is_file():
        raise InputFileError(f"{source}: not a regular file")
    try:
        with open_text(path) as handle:
            return handle.read()
    except UnicodeDecodeError:
        raise FormatError(f"{source}: not a UTF-8 text {what}") from None
    except (OSError, EOFError, zlib.error) as exc:
        reason = getattr(exc, "strerror", None) or exc
        raise InputFileError(f"{source}: cannot read ({reason})") from None


def read_table(
    path: Path, required: tuple[str, ...], optional: tuple[str, ...], what: str
) -> Table:
    """Read a TSV with a header line; '#' lines before the header are comments."""
    del optional  # accepted columns are documented; unknown extra columns are ignored
    return read_dialect(path, {what: required}, what)[1]


def read_dialect(
    path: Path, dialects: Mapping[str, tuple[str, ...]], what: str
) -> tuple[str, Table]:
    """Read a TSV whose header names the columns of one of `dialects` (name -> required
    columns, tried in order); returns the first dialect the header fits and the table.

    Lines before the header starting with '#' (unless they hold a dialect's columns, as
    STAR-Fusion's and Arriba's headers do) or '@' (SAM-style headers of GATK) are comments.
    """
    source = str(path)
    header: list[str] | None = None
    dialect = ""
    rows: list[Row] = []
    for lineno, raw in enumerate(read_text(path, what).splitlines(), start=1):
        line = raw.rstrip("\r")
        if not line.strip():
            continue
        if header is None:
            if line.startswith("@") or (
                line.startswith("#") and _fitting(_columns(line), dialects) is None
            ):
                continue
            header = _columns(line)
            found = _fitting(header, dialects)
            if found is None:
                raise FormatError(f"{source}:{lineno}: {_header_problem(header, dialects, what)}")
            dialect = found
            dupes = sorted({h for h in header if header.count(h) > 1})
            if dupes:
                raise FormatError(
                    f"{source}:{lineno}: repeated header column(s) {', '.join(dupes)}"
                )
            continue
        fields = line.split("\t")
        if len(fields) != len(header):
            raise FormatError(
                f"{source}:{lineno}: expected {len(header)} tab-separated columns, "
                f"found {len(fields)}"
            )
        rows.append(Row(source, lineno, dict(zip(header, fields, strict=True))))
    if header is None:
        first = ", ".join(next(iter(dialects.values())))
        raise FormatError(f"{source}: empty {what}; expected a header with {first}")
    return dialect, Table(source, header, rows)


def _columns(line: str) -> list[str]:
    return [c.strip() for c in line.lstrip("#").split("\t")]


def _fitting(header: list[str], dialects: Mapping[str, tuple[str, ...]]) -> str | None:
    return next((name for name, cols in dialects.items() if set(cols) <= set(header)), None)


def _header_problem(header: list[str], dialects: Mapping[str, tuple[str, ...]], what: str) -> str:
    (_, columns), *others = dialects.items()
    missing = ", ".join(c for c in columns if c not in header)
    text = f"{what} header must have columns {', '.join(columns)} (tab-separated)"
    if others:
        alternatives = "; ".join(f"{name}: {', '.join(cols)}" for name, cols in others)
        return f"{text}, or those of another recognised format ({alternatives})"
    return f"{text}; missing {missing}"
