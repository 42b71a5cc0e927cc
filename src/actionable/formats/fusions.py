"""The fusions TSV: its columns, reader and writer, and the other callers' tables it reads.

Contract v1 (what `actionable match --fusions` reads): a header with at least `gene5p` and
`gene3p`; optional `chrom5p`, `pos5p`, `chrom3p`, `pos3p`, `split_reads`, `paired_reads`;
other columns are ignored. Lines starting with '#' before the header are comments. An empty,
`.`, `NA` or `?` partner means "partner unknown" (panel reports often name only the kinase).

Other dialects, told apart by their header (`DIALECTS`), the 5' partner first as each tool
writes it:

- PCGR: `FusionGene` (`A--B`, either side may be empty), `LeftBreakpoint`/`RightBreakpoint`
  (`chr:pos`), optional `SplitReads`;
- Arriba `fusions.tsv`: `gene1` (5'), `gene2` (3'), `breakpoint1`/`breakpoint2`,
  `split_reads1` + `split_reads2`, `discordant_mates`; an intergenic breakpoint (`A(12),B(34)`)
  has no partner gene;
- STAR-Fusion `star-fusion.fusion_predictions(.abridged).tsv`: `LeftGene`/`RightGene`
  (`SYMBOL^ENSG…`), `LeftBreakpoint`/`RightBreakpoint` (`chr:pos:strand`),
  `JunctionReadCount` (split), `SpanningFragCount` (paired);
- a one-column list of `A::B` or `A--B`, with or without a header line.

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
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from actionable.formats.findings import UNKNOWN_PARTNER
from actionable.io.atomic import atomic_path
from actionable.io.tables import Row, read_dialect, read_text

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
#: what each recognised dialect must have in its header (tried in this order)
OWN_FORMAT = "actionable"
DIALECTS: dict[str, tuple[str, ...]] = {
    OWN_FORMAT: REQUIRED,
    "PCGR": ("FusionGene", "LeftBreakpoint", "RightBreakpoint"),
    "Arriba": ("gene1", "gene2", "breakpoint1", "breakpoint2"),
    "STAR-Fusion": ("FusionName", "LeftGene", "LeftBreakpoint", "RightGene", "RightBreakpoint"),
}
LIST = "list"  # one `A::B` or `A--B` per line, with or without a header line
_PAIR = re.compile(r"^([^\s:]*)(?:::|--)([^\s:]*)$")
_UNKNOWN = frozenset({"", ".", "NA", "N/A", "?", "-", "NONE"})


@dataclass(frozen=True)
class FusionCall:
    """One fusion: 5' and 3' partner genes as the caller wrote them (None: partner unknown)
    and optional breakpoints/support; `source` names the dialect it was read from."""

    gene5p: str | None
    gene3p: str | None
    chrom5p: str | None = None
    pos5p: int | None = None
    chrom3p: str | None = None
    pos3p: int | None = None
    split_reads: int | None = None
    paired_reads: int | None = None
    source: str = OWN_FORMAT

    @property
    def name(self) -> str:
        return f"{self.gene5p or UNKNOWN_PARTNER}::{self.gene3p or UNKNOWN_PARTNER}"


def read_fusions(path: Path) -> list[FusionCall]:
    """Parse `path` in any recognised dialect (its header tells which); FormatError and
    InputFileError name the file, line and column."""
    text = read_text(path, "fusions TSV")
    if _is_list(text):
        return _read_list(str(path), text)
    dialect, table = read_dialect(path, DIALECTS, "fusions TSV")
    reader = _READERS[dialect]
    return [reader(row) for row in table.rows]


def _gene(row: Row, column: str, value: str | None = None) -> str | None:
    """The gene symbol of `column` (or `value`), None when the partner is unknown."""
    text = (row.values.get(column, "") if value is None else value).strip()
    if text.upper() in _UNKNOWN:
        return None
    if not _GENE.match(text):
        row.fail(column, f"{text!r} is not a gene symbol (leave it empty or NA if unknown)")
    return text.upper()


def _genes(row: Row, genes: tuple[str | None, str | None], column: str) -> None:
    if genes == (None, None):
        row.fail(column, "both partner genes are missing")


def _breakpoint(row: Row, column: str) -> tuple[str | None, int | None]:
    """`chr:pos` or `chr:pos:strand` (PCGR, Arriba, STAR-Fusion) as (chrom, pos)."""
    value = row.optional_text(column)
    if value is None:
        return None, None
    parts = value.split(":")
    if len(parts) not in (2, 3) or not parts[1].isdigit() or not parts[0]:
        row.fail(column, f"{value!r} is not a breakpoint chrom:pos")
    return parts[0], int(parts[1])


def _sum(*values: int | None) -> int | None:
    present = [v for v in values if v is not None]
    return sum(present) if present else None


def _read_own(row: Row) -> FusionCall:
    genes = (_gene(row, "gene5p"), _gene(row, "gene3p"))
    _genes(row, genes, "gene5p")
    return FusionCall(
        *genes,
        chrom5p=row.optional_text("chrom5p"),
        pos5p=row.optional_int("pos5p"),
        chrom3p=row.optional_text("chrom3p"),
        pos3p=row.optional_int("pos3p"),
        split_reads=row.optional_int("split_reads"),
        paired_reads=row.optional_int("paired_reads"),
    )


def _read_pcgr(row: Row) -> FusionCall:
    value = row.values["FusionGene"].strip()
    pair = _PAIR.match(value)
    if pair is None:
        row.fail("FusionGene", f"{value!r} is not GENE5--GENE3")
    genes = (_gene(row, "FusionGene", pair[1]), _gene(row, "FusionGene", pair[2]))
    _genes(row, genes, "FusionGene")
    return FusionCall(
        *genes,
        *_breakpoint(row, "LeftBreakpoint"),
        *_breakpoint(row, "RightBreakpoint"),
        split_reads=row.optional_int("SplitReads"),
        source="PCGR",
    )


def _arriba_gene(row: Row, column: str) -> str | None:
    """Arriba names the neighbours of an intergenic breakpoint `A(123),B(456)`: no gene."""
    value = row.values[column].strip()
    return None if "(" in value or "," in value else _gene(row, column)


def _read_arriba(row: Row) -> FusionCall:
    genes = (_arriba_gene(row, "gene1"), _arriba_gene(row, "gene2"))
    _genes(row, genes, "gene1")
    return FusionCall(
        *genes,
        *_breakpoint(row, "breakpoint1"),
        *_breakpoint(row, "breakpoint2"),
        split_reads=_sum(row.optional_int("split_reads1"), row.optional_int("split_reads2")),
        paired_reads=row.optional_int("discordant_mates"),
        source="Arriba",
    )


def _star_gene(row: Row, column: str) -> str | None:
    """STAR-Fusion writes `SYMBOL^ENSG...`."""
    return _gene(row, column, row.values[column].split("^", 1)[0])


def _read_star_fusion(row: Row) -> FusionCall:
    genes = (_star_gene(row, "LeftGene"), _star_gene(row, "RightGene"))
    _genes(row, genes, "LeftGene")
    return FusionCall(
        *genes,
        *_breakpoint(row, "LeftBreakpoint"),
        *_breakpoint(row, "RightBreakpoint"),
        split_reads=row.optional_int("JunctionReadCount"),
        paired_reads=row.optional_int("SpanningFragCount"),
        source="STAR-Fusion",
    )


_READERS: dict[str, Callable[[Row], FusionCall]] = {
    OWN_FORMAT: _read_own,
    "PCGR": _read_pcgr,
    "Arriba": _read_arriba,
    "STAR-Fusion": _read_star_fusion,
}


def _data_lines(text: str) -> list[tuple[int, str]]:
    return [
        (n, line.strip())
        for n, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.startswith("#")
    ]


def _is_list(text: str) -> bool:
    """One column, every line after an optional header line a `A::B`/`A--B` pair."""
    lines = [line for _, line in _data_lines(text)]
    if lines and "\t" not in lines[0] and not _PAIR.match(lines[0]):
        lines = lines[1:]
    return bool(lines) and all("\t" not in line and _PAIR.match(line) for line in lines)


def _read_list(source: str, text: str) -> list[FusionCall]:
    out = []
    for lineno, line in _data_lines(text):
        pair = _PAIR.match(line)
        if pair is None:
            continue  # the header line
        row = Row(source, lineno, {"fusion": line})
        genes = (_gene(row, "fusion", pair[1]), _gene(row, "fusion", pair[2]))
        _genes(row, genes, "fusion")
        out.append(FusionCall(*genes, source=LIST))
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
