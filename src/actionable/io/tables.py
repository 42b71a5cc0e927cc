"""Small strict reader for the tab-separated inputs (fusions, CNA, MAF), plain or gzipped."""

from __future__ import annotations

import math
import zlib
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


def read_table(
    path: Path, required: tuple[str, ...], optional: tuple[str, ...], what: str
) -> Table:
    """Read a TSV with a header line; '#' lines before the header are comments."""
    source = str(path)
    if not path.exists():
        raise InputFileError(f"{source}: no such file")
    if not path.is_file():
        raise InputFileError(f"{source}: not a regular file")
    try:
        with open_text(path) as handle:
            text = handle.read()
    except UnicodeDecodeError:
        raise FormatError(f"{source}: not a UTF-8 text {what}") from None
    except (OSError, EOFError, zlib.error) as exc:
        reason = getattr(exc, "strerror", None) or exc
        raise InputFileError(f"{source}: cannot read ({reason})") from None
    header: list[str] | None = None
    rows: list[Row] = []
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\r")
        if not line.strip():
            continue
        if header is None:
            if line.startswith("#") and not _looks_like_header(line, required):
                continue
            header = [h.strip() for h in line.lstrip("#").split("\t")]
            missing = [c for c in required if c not in header]
            if missing:
                raise FormatError(
                    f"{source}:{lineno}: {what} header must have columns "
                    f"{', '.join(required)} (tab-separated); missing {', '.join(missing)}"
                )
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
        raise FormatError(f"{source}: empty {what}; expected a header with {', '.join(required)}")
    del optional  # accepted columns are documented; unknown extra columns are ignored
    return Table(source, header, rows)


def _looks_like_header(line: str, required: tuple[str, ...]) -> bool:
    cols = [c.strip() for c in line.lstrip("#").split("\t")]
    return all(r in cols for r in required)
