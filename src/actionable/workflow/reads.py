"""Read integrity of a sequencing unit before it is trimmed and aligned.

`check` reads both FASTQ files of a unit in step: every record well formed, the gzip stream
complete, the same number of reads in R1 and R2, mates named alike (`@name`, `@name/1`,
`@name 1:N:0:...`), and at least `min_pairs` pairs. The pair count is written as JSON.
`fastp` then checks that fastp read every one of those reads (fastp stops early on
unequal files with only a warning). Each failure is one message naming sample, unit and file.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from actionable.errors import ActionableError, FormatError, InputFileError
from actionable.io.atomic import write_atomic
from actionable.io.text import open_text


@dataclass(frozen=True)
class Unit:
    """A sequencing unit of a sample, as the messages name it."""

    sample: str
    unit: str

    def __str__(self) -> str:
        return f"sample {self.sample}, unit {self.unit}"


def _mate_name(header: str) -> str:
    """The read name shared by both mates: first word, without a /1 or /2 suffix."""
    name = header[1:].split(maxsplit=1)[0] if header[1:].strip() else ""
    return name[:-2] if name.endswith(("/1", "/2")) else name


def _records(handle: IO[str], path: Path, unit: Unit) -> Iterator[str]:
    """The mate names of a FASTQ file, each record checked for the four-line layout."""
    number = 0
    while True:
        header = handle.readline()
        if not header:
            return
        number += 1
        lines = [header, handle.readline(), handle.readline(), handle.readline()]
        sequence, plus, quality = (line.rstrip("\n") for line in lines[1:])
        if not header.startswith("@") or not plus.startswith("+") or not lines[3]:
            raise FormatError(
                f"{unit}: {path}: read {number} is not a FASTQ record (@name, sequence, +, "
                "qualities); the file is damaged or not FASTQ: copy or export it again"
            )
        if len(sequence) != len(quality):
            raise FormatError(
                f"{unit}: {path}: read {number} has {len(sequence)} bases but "
                f"{len(quality)} qualities; the file is damaged: copy or export it again"
            )
        yield _mate_name(header)


def _count_rest(names: Iterator[str]) -> int:
    return sum(1 for _ in names)


def count_pairs(r1: Path, r2: Path, unit: Unit) -> int:
    """Read pairs of a unit; FormatError/InputFileError naming the unit and file otherwise."""
    current = r1  # the file being read, for the message of a broken gzip stream
    try:
        with open_text(r1) as first, open_text(r2) as second:
            reads1, reads2 = _records(first, r1, unit), _records(second, r2, unit)
            pairs = 0
            for name1 in reads1:
                current = r2
                name2 = next(reads2, None)
                if name2 is None:
                    current = r1
                    total1 = pairs + 1 + _count_rest(reads1)
                    raise FormatError(_unequal(unit, r1, total1, r2, pairs))
                if name1 != name2:
                    raise FormatError(
                        f"{unit}: read {pairs + 1} is {name1} in {r1} but {name2} in {r2}; "
                        "R1 and R2 must list the mates in the same order: give the two files "
                        "of one library, unsorted"
                    )
                pairs += 1
                current = r1
            current = r2
            rest = _count_rest(reads2)
            if rest:
                raise FormatError(_unequal(unit, r1, pairs, r2, pairs + rest))
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise InputFileError(
            f"{unit}: {current}: the gzip data is truncated or corrupt ({exc}); copy the "
            "file again from its source"
        ) from None
    except UnicodeDecodeError:
        raise FormatError(f"{unit}: {current}: not a text FASTQ file") from None
    except OSError as exc:
        where = exc.filename or current
        raise InputFileError(f"{unit}: {where}: cannot read ({exc.strerror or exc})") from None
    return pairs


def _unequal(unit: Unit, r1: Path, count1: int, r2: Path, count2: int) -> str:
    return (
        f"{unit}: {r1} has {count1} reads but {r2} has {count2}; R1 and R2 must hold the "
        "same reads: one file is incomplete or belongs to another unit"
    )


def check_unit(r1: Path, r2: Path, unit: Unit, min_pairs: int) -> int:
    """Pairs of a unit that passes every check (see the module text)."""
    pairs = count_pairs(r1, r2, unit)
    if pairs < min_pairs:
        raise FormatError(
            f"{unit}: {r1} and {r2} hold {pairs} read pairs, fewer than reads.min_pairs "
            f"({min_pairs}); sequence more, or leave the unit out of the unit sheet"
        )
    return pairs


def check_fastp(counts: Path, report: Path) -> None:
    """fastp's report counts every read the integrity check counted."""
    checked = json.loads(counts.read_text())
    unit = Unit(checked["sample"], checked["unit"])
    try:
        summary = json.loads(report.read_text())["summary"]["before_filtering"]
        seen = int(summary["total_reads"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise FormatError(f"{unit}: {report}: not a fastp JSON report ({exc!r})") from None
    if seen != 2 * checked["pairs"]:
        raise FormatError(
            f"{unit}: fastp read {seen} reads ({report}) but the FASTQ files hold "
            f"{2 * checked['pairs']}; the files changed during the run or fastp stopped "
            "early: run the unit again"
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m actionable.workflow.reads",
        description="Check the reads of a sequencing unit (check) and fastp's count (fastp).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="integrity and read count of a unit")
    check.add_argument("--sample", required=True)
    check.add_argument("--unit", required=True)
    check.add_argument("--r1", required=True, type=Path)
    check.add_argument("--r2", required=True, type=Path)
    check.add_argument("--min-pairs", required=True, type=int)
    check.add_argument("--out", required=True, type=Path, help="JSON with the pair count")
    fastp = commands.add_parser("fastp", help="fastp's report agrees with the checked count")
    fastp.add_argument("--counts", required=True, type=Path, help="JSON written by check")
    fastp.add_argument("--report", required=True, type=Path, help="fastp --json report")
    args = parser.parse_args(argv)
    try:
        if args.command == "check":
            unit = Unit(args.sample, args.unit)
            pairs = check_unit(args.r1, args.r2, unit, args.min_pairs)
            record = {"sample": unit.sample, "unit": unit.unit, "pairs": pairs}
            write_atomic(args.out, json.dumps(record, indent=2) + "\n")
        else:
            check_fastp(args.counts, args.report)
    except ActionableError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
