"""The fusions TSV: its columns, reader and writer.

Contract v1 (what `actionable match --fusions` reads): a header with at least `gene5p` and
`gene3p`; optional `chrom5p`, `pos5p`, `chrom3p`, `pos3p`, `split_reads`, `paired_reads`;
other columns are ignored. Lines starting with '#' before the header are comments.

The workflow writes `results/fusions/{patient}.fusions.tsv` with every column of `COLUMNS`:

- `gene5p`, `gene3p`: the partner transcribed into the junction (5') and out of it (3');
- `chrom5p`, `pos5p`, `chrom3p`, `pos3p`: the breakends (1-based);
- `strand5p`, `strand3p`, `transcript5p`, `transcript3p`: the transcript used for each partner
  (the one with the longest coding sequence);
- `site5p`, `site3p`: where the breakpoint falls in it, `exon N` or `intron N` (intron N
  follows exon N in transcript order);
- `exons5p`, `exons3p`: the exons each partner keeps in the fusion transcript, in transcript
  order, written by `exon_range` (`1-14` for a 5' partner, `2-11` for a 3' partner, `1` or
  `11` for a single exon);
- `in_frame`: `yes`, `no` or `unknown`;
- `split_reads`, `paired_reads`, `sv_type`, `connection`, `filter`, `sv_id`: the SV call.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from actionable.io.atomic import atomic_path
from actionable.io.tables import read_table

REQUIRED = ("gene5p", "gene3p")
OPTIONAL = ("chrom5p", "pos5p", "chrom3p", "pos3p", "split_reads", "paired_reads")
COLUMNS = (
    "gene5p",
    "gene3p",
    "chrom5p",
    "pos5p",
    "chrom3p",
    "pos3p",
    "strand5p",
    "strand3p",
    "transcript5p",
    "transcript3p",
    "site5p",
    "site3p",
    "exons5p",
    "exons3p",
    "in_frame",
    "split_reads",
    "paired_reads",
    "sv_type",
    "connection",
    "filter",
    "sv_id",
)
_GENE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass(frozen=True)
class FusionCall:
    """One fusion: 5' partner gene, 3' partner gene and optional breakpoints/support."""

    gene5p: str
    gene3p: str
    chrom5p: str | None = None
    pos5p: int | None = None
    chrom3p: str | None = None
    pos3p: int | None = None
    split_reads: int | None = None
    paired_reads: int | None = None

    @property
    def name(self) -> str:
        return f"{self.gene5p}::{self.gene3p}"


def read_fusions(path: Path) -> list[FusionCall]:
    """Parse `path`; FormatError/InputFileError name the file, line and column."""
    table = read_table(path, REQUIRED, OPTIONAL, what="fusions TSV")
    out: list[FusionCall] = []
    for row in table.rows:
        genes = []
        for col in REQUIRED:
            value = row.text(col)
            if not _GENE.match(value):
                row.fail(col, f"{value!r} is not a gene symbol")
            genes.append(value.upper())
        out.append(
            FusionCall(
                gene5p=genes[0],
                gene3p=genes[1],
                chrom5p=row.optional_text("chrom5p"),
                pos5p=row.optional_int("pos5p"),
                chrom3p=row.optional_text("chrom3p"),
                pos3p=row.optional_int("pos3p"),
                split_reads=row.optional_int("split_reads"),
                paired_reads=row.optional_int("paired_reads"),
            )
        )
    return out


def exon_range(first: int, last: int) -> str:
    """The `exons5p`/`exons3p` value of the exons `first`..`last` (transcript order)."""
    return f"{first}-{last}" if first < last else str(last)


def fusions_tsv_text(rows: Iterable[Mapping[str, object]], columns: Sequence[str] = COLUMNS) -> str:
    """The fusions TSV of `rows` (column -> value, exactly the keys of `columns`)."""
    if unknown := [c for c in columns if c not in COLUMNS]:
        raise ValueError(f"not fusions TSV columns: {', '.join(unknown)}")
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=list(columns), delimiter="\t", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return text.getvalue()


def write_fusions(
    rows: Iterable[Mapping[str, object]],
    path: str | os.PathLike[str],
    columns: Sequence[str] = COLUMNS,
) -> None:
    """Write the fusions TSV atomically (a temporary file renamed onto `path`)."""
    with atomic_path(path) as tmp:
        tmp.write_text(fusions_tsv_text(rows, columns), encoding="utf-8", newline="")
