"""The copy-number TSV: its columns, reader and writer.

Contract v1 (what `actionable match --cna` reads): a header with at least `gene` and `call`
(`amplification` or `deletion`); optional `copy_number`; other columns are ignored. Lines
starting with '#' before the header are comments.

The workflow writes `results/cnv/{patient}.cna.tsv` with the columns `COLUMNS` (amplified
and deleted genes only) and `results/cnv/{patient}.genes.tsv` with `GENES_COLUMNS` (every
gene, also `neutral` and `nocall`, with the depths behind the estimate).
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from actionable.io.atomic import atomic_path
from actionable.io.tables import read_table

AMPLIFICATION, DELETION = "amplification", "deletion"
CALLS = (AMPLIFICATION, DELETION)
REQUIRED = ("gene", "call")
OPTIONAL = ("copy_number",)
COLUMNS = (*REQUIRED, *OPTIONAL, "chrom", "start", "end", "ratio")
GENES_COLUMNS = (*COLUMNS, "tumour_depth", "expected_depth")
_GENE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass(frozen=True)
class CopyNumberCall:
    """One gene-level copy-number call."""

    gene: str
    call: str
    copy_number: float | None = None


def read_cna(path: Path) -> list[CopyNumberCall]:
    """Parse `path`; FormatError/InputFileError name the file, line and column."""
    table = read_table(path, REQUIRED, OPTIONAL, what="CNA TSV")
    out: list[CopyNumberCall] = []
    for row in table.rows:
        gene = row.text("gene")
        if not _GENE.match(gene):
            row.fail("gene", f"{gene!r} is not a gene symbol")
        call = row.text("call").lower()
        if call not in CALLS:
            row.fail("call", f"{row.text('call')!r} is not one of {', '.join(CALLS)}")
        out.append(CopyNumberCall(gene.upper(), call, row.optional_float("copy_number")))
    return out


def write_cna(
    rows: Iterable[Mapping[str, object]],
    path: str | os.PathLike[str],
    columns: Sequence[str] = COLUMNS,
) -> None:
    """Write rows (column -> value; other keys are left out) as a copy-number TSV, atomically."""
    with atomic_path(path) as tmp, tmp.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(
            handle,
            fieldnames=list(columns),
            delimiter="\t",
            lineterminator="\n",
            extrasaction="ignore",
        )
        writer.writeheader()
        writer.writerows(rows)
