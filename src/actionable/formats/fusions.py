"""Reading the fusions TSV of contract v1.

Header with at least `gene5p` and `gene3p`; optional `chrom5p`, `pos5p`, `chrom3p`, `pos3p`,
`split_reads`, `paired_reads`. Lines starting with '#' before the header are comments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from actionable.io.tables import read_table

REQUIRED = ("gene5p", "gene3p")
OPTIONAL = ("chrom5p", "pos5p", "chrom3p", "pos3p", "split_reads", "paired_reads")
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
