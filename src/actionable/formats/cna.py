"""Reading the copy-number TSV of contract v1.

Header with at least `gene` and `call` (`amplification` or `deletion`); optional
`copy_number`. Lines starting with '#' before the header are comments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from actionable.io.tables import read_table

REQUIRED = ("gene", "call")
OPTIONAL = ("copy_number",)
CALLS = ("amplification", "deletion")
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
