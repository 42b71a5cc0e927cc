"""The copy-number TSV: its columns, reader and writer, and the segment files it reads.

Contract v1 (what `actionable match --cna` reads): a header with at least `gene` and `call`
(`amplification` or `deletion`); optional `copy_number`; other columns are ignored. Lines
starting with '#' before the header are comments.

Segment files of other callers are told apart by their header (`SEGMENT_DIALECTS`):

- absolute copy numbers: PCGR (`Chromosome Start End nMajor nMinor`), ASCAT (`chr startpos
  endpos nMajor nMinor`, optional `sample`), PURPLE (`chromosome start end copyNumber`); the
  total copy number is nMajor + nMinor or copyNumber;
- log2 copy ratios: CNVkit `.cns` (`chromosome start end log2`; a `.call.cns` also has the
  absolute `cn`, which is used when present), GATK `CallCopyRatioSegments`/`ModelSegments`
  `.seg` (`CONTIG START END MEAN_LOG2_COPY_RATIO`, after `@` header lines), DNAcopy/IGV `.seg`
  (`ID chrom loc.start loc.end num.mark seg.mean`).

Mapping segments to genes and calling them is `actionable.calling.copy_number`.

The workflow writes `results/cnv/{patient}.cna.tsv` with the columns `COLUMNS` (amplified
and deleted genes only) and `results/cnv/{patient}.genes.tsv` with `GENES_COLUMNS` (every
gene, also `neutral` and `nocall`, with the depths behind the estimate).
"""

from __future__ import annotations

import csv
import math
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from actionable.errors import FormatError
from actionable.io.atomic import atomic_path
from actionable.io.tables import Row, Table, read_dialect

AMPLIFICATION, DELETION = "amplification", "deletion"
CALLS = (AMPLIFICATION, DELETION)
#: a gene with a segment breakpoint inside it (copy number differs along the gene)
SPLIT = "split"
REQUIRED = ("gene", "call")
OPTIONAL = ("copy_number",)
COLUMNS = (*REQUIRED, *OPTIONAL, "chrom", "start", "end", "ratio")
GENES_COLUMNS = (*COLUMNS, "tumour_depth", "expected_depth")
_GENE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")

#: what a segment's value is: an absolute (total) copy number or a log2 copy ratio
ABSOLUTE, LOG2 = "absolute", "log2"


@dataclass(frozen=True)
class SegmentDialect:
    """Where one tool's segment table keeps each field."""

    chrom: str
    start: str
    end: str
    values: tuple[str, ...]  # absolute: summed (nMajor + nMinor) or one total; log2: one
    kind: str
    sample: str | None = None
    copy_number: str | None = None  # an absolute copy number preferred when present

    @property
    def required(self) -> tuple[str, ...]:
        return (self.chrom, self.start, self.end, *self.values)


SEGMENT_DIALECTS: dict[str, SegmentDialect] = {
    "PCGR": SegmentDialect("Chromosome", "Start", "End", ("nMajor", "nMinor"), ABSOLUTE),
    "ASCAT": SegmentDialect("chr", "startpos", "endpos", ("nMajor", "nMinor"), ABSOLUTE, "sample"),
    "PURPLE": SegmentDialect("chromosome", "start", "end", ("copyNumber",), ABSOLUTE),
    "CNVkit": SegmentDialect("chromosome", "start", "end", ("log2",), LOG2, copy_number="cn"),
    "GATK": SegmentDialect("CONTIG", "START", "END", ("MEAN_LOG2_COPY_RATIO",), LOG2),
    "DNAcopy": SegmentDialect("chrom", "loc.start", "loc.end", ("seg.mean",), LOG2, "ID"),
}
#: every recognised header, the project's gene-level table first
OWN_FORMAT = "actionable"
DIALECTS: dict[str, tuple[str, ...]] = {
    OWN_FORMAT: REQUIRED,
    **{name: d.required for name, d in SEGMENT_DIALECTS.items()},
}


@dataclass(frozen=True)
class CopyNumberCall:
    """One gene-level copy-number call; `detail` says how it was derived."""

    gene: str
    call: str
    copy_number: float | None = None
    detail: str = ""


@dataclass(frozen=True)
class Segment:
    """One segment: 1-based inclusive span and its absolute copy number or log2 ratio."""

    chrom: str
    start: int
    end: int
    value: float
    kind: str  # ABSOLUTE or LOG2


@dataclass(frozen=True)
class Segments:
    """The segments of one sample and the dialect they were read from."""

    dialect: str
    segments: list[Segment]


def read_copy_number(path: Path, sample: str | None = None) -> list[CopyNumberCall] | Segments:
    """Parse a gene-level table or a segment file (dialect told by the header). A segment
    file holding several samples needs `sample` (its sample/ID column value)."""
    dialect, table = read_dialect(path, DIALECTS, "CNA TSV")
    if dialect == OWN_FORMAT:
        return _gene_calls(table)
    return Segments(dialect, _segments(table, SEGMENT_DIALECTS[dialect], sample))


def _gene_calls(table: Table) -> list[CopyNumberCall]:
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


def _segments(table: Table, dialect: SegmentDialect, sample: str | None) -> list[Segment]:
    rows = table.rows
    if dialect.sample is not None and dialect.sample in table.header:
        names = sorted({row.values[dialect.sample].strip() for row in rows})
        if sample is not None and sample in names:
            rows = [row for row in rows if row.values[dialect.sample].strip() == sample]
        elif len(names) > 1:
            raise FormatError(
                f"{table.source}: segments of several samples ({', '.join(names)}); "
                "name the tumour with --cna-sample"
            )
    out = []
    for row in rows:
        start, end = row.optional_int(dialect.start), row.optional_int(dialect.end)
        if start is None or end is None:
            row.fail(dialect.start if start is None else dialect.end, "must not be empty")
        value, kind = _segment_value(row, dialect, table.header)
        # CNVkit writes probe-less segments whose end precedes the start: they cover nothing
        if value is not None and end >= start:
            out.append(Segment(_chrom(row.text(dialect.chrom)), start, end, value, kind))
    return out


def _segment_value(
    row: Row, dialect: SegmentDialect, header: list[str]
) -> tuple[float | None, str]:
    """The segment's absolute copy number, or its log2 ratio; None when not estimated."""
    if dialect.copy_number is not None and dialect.copy_number in header:
        return row.optional_float(dialect.copy_number), ABSOLUTE
    if dialect.kind == ABSOLUTE:
        parts = [row.optional_float(column) for column in dialect.values]
        return (None if None in parts else sum(p for p in parts if p is not None)), ABSOLUTE
    column = dialect.values[0]
    text = row.optional_text(column)
    if text is None:
        return None, LOG2
    try:
        value = float(text)
    except ValueError:
        row.fail(column, f"{text!r} is not a number")
    if math.isnan(value) or math.isinf(value):
        row.fail(column, f"{text!r} is not a finite log2 ratio")
    return value, LOG2


def _chrom(name: str) -> str:
    """Chromosome name without a `chr` prefix (`chrM`/`MT` stay apart from genes anyway)."""
    return name[3:] if name.lower().startswith("chr") else name


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
