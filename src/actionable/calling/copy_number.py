"""Gene-level copy number from read depth (mosdepth per-gene means).

Paired (tumour + normal)
    For every gene, the tumour's mean depth over the gene is divided by the normal's; the
    ratios are divided by their median over all assessed genes, which removes the difference
    in library size (and assumes most genes are not changed). Copy number = 2 x ratio for a
    pure tumour; with a tumour purity p below 1 the normal cells' two copies are taken out:
    CN = (2 x ratio - 2 x (1 - p)) / p. A gene is amplified at CN >= `amplification_cn` and
    deleted at CN <= `deletion_cn`. Genes whose normal depth is below `min_normal_depth` are
    not assessed.

Tumour-only
    Without a normal, the expected depth of each gene comes from a reference (per-gene mean
    depths of a normal sample processed the same way, a mosdepth `regions.bed.gz`) when one
    is configured, else from a flat model: every gene is expected at the tumour's median
    depth. See `TUMOUR_ONLY_LIMITS`.

Input files are mosdepth `--by` outputs (`*.regions.bed.gz`: contig, start, end, name, mean).

Segments of other callers (`actionable match --cna`)
    Each knowledge-base gene (`data/knowledge/gene_spans.tsv`, GRCh38 or GRCh37) takes the
    copy number of the segments overlapping it: absolute copy numbers as written, log2 ratios
    converted with the normal cells' `ploidy` and the tumour `purity` by the same formula,
    CN = (ploidy x 2^log2 - ploidy x (1 - p)) / p. The thresholds are those above; a gene
    whose overlapping segments are called differently is reported as split, not called.
"""

from __future__ import annotations

import csv
import os
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from actionable.errors import UsageError
from actionable.formats.cna import (
    ABSOLUTE,
    AMPLIFICATION,
    CALLS,
    DELETION,
    GENES_COLUMNS,
    SPLIT,
    CopyNumberCall,
    Segment,
    Segments,
    read_copy_number,
    write_cna,
)
from actionable.formats.mosdepth import GeneRegion, read_regions

TUMOUR_ONLY_LIMITS = (
    "Copy number without a matched normal: each gene's depth is compared with a flat model "
    "(every gene expected at the tumour's median depth) or a reference normal; differences "
    "in capture efficiency and GC content between genes are not corrected. Only high-level "
    "amplifications are reliable; single-copy changes and deletions are not."
)

NEUTRAL, NOT_ASSESSED = "neutral", "nocall"  # in the genes table only


@dataclass(frozen=True)
class CnvSettings:
    """Thresholds of the copy-number calls (config section `cnv`)."""

    amplification_cn: float = 5.0
    deletion_cn: float = 0.5
    purity: float = 1.0
    min_normal_depth: float = 10.0
    ploidy: float = 2.0  # of the normal cells, for log2 segment ratios

    def __post_init__(self) -> None:
        if not 0.0 < self.purity <= 1.0:
            raise ValueError(f"purity {self.purity} must be in (0, 1]")
        if not self.ploidy > 0.0:
            raise ValueError(f"ploidy {self.ploidy} must be positive")
        if not self.deletion_cn < self.amplification_cn:
            raise ValueError(
                f"deletion copy number {self.deletion_cn} must be below the amplification "
                f"copy number {self.amplification_cn}"
            )

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> CnvSettings:
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in values.items() if k in known})


@dataclass(frozen=True)
class GeneCopyNumber:
    """The copy-number estimate of one gene."""

    gene: str
    chrom: str
    start: int
    end: int
    tumour_depth: float
    expected_depth: float | None
    ratio: float | None
    copy_number: float | None
    call: str

    def row(self) -> dict[str, str | int | float]:
        return {
            "gene": self.gene,
            "call": self.call,
            "copy_number": "" if self.copy_number is None else round(self.copy_number, 2),
            "chrom": self.chrom,
            "start": self.start,
            "end": self.end,
            "ratio": "" if self.ratio is None else round(self.ratio, 3),
            "tumour_depth": round(self.tumour_depth, 2),
            "expected_depth": "" if self.expected_depth is None else round(self.expected_depth, 2),
        }


def absolute_copy_number(ratio: float, purity: float = 1.0, ploidy: float = 2.0) -> float:
    """Tumour copy number of a copy ratio measured in a sample of tumour `purity` whose
    normal cells have `ploidy` copies: (ploidy x ratio - ploidy x (1 - purity)) / purity,
    never below 0."""
    return max(0.0, (ploidy * ratio - ploidy * (1.0 - purity)) / purity)


def classify(copy_number: float, settings: CnvSettings) -> str:
    """amplification, deletion or neutral by the thresholds of `settings`."""
    if copy_number >= settings.amplification_cn:
        return AMPLIFICATION
    if copy_number <= settings.deletion_cn:
        return DELETION
    return NEUTRAL


def copy_numbers(
    tumour: Mapping[str, GeneRegion],
    expected: Mapping[str, GeneRegion] | None,
    settings: CnvSettings,
) -> list[GeneCopyNumber]:
    """Copy number of every gene of the tumour; `expected` None = flat model."""
    raw: dict[str, float] = {}
    expected_depth: dict[str, float | None] = {}
    for gene, region in tumour.items():
        if expected is None:
            expected_depth[gene] = None
            raw[gene] = region.depth
            continue
        reference = expected.get(gene)
        expected_depth[gene] = reference.depth if reference else None
        if reference is None or reference.depth < settings.min_normal_depth:
            continue
        raw[gene] = region.depth / reference.depth
    positive = [value for value in raw.values() if value > 0]
    centre = statistics.median(positive) if positive else 0.0
    if expected is None:
        expected_depth = dict.fromkeys(tumour, centre)
    results = []
    for gene in sorted(tumour, key=lambda g: (tumour[g].chrom, tumour[g].start, g)):
        region = tumour[gene]
        if gene not in raw or centre <= 0:
            ratio = copy_number = None
            call = NOT_ASSESSED
        else:
            ratio = raw[gene] / centre
            copy_number = absolute_copy_number(ratio, settings.purity)
            call = classify(copy_number, settings)
        results.append(
            GeneCopyNumber(
                gene,
                region.chrom,
                region.start,
                region.end,
                region.depth,
                expected_depth.get(gene),
                ratio,
                copy_number,
                call,
            )
        )
    return results


def write_calls(
    genes: Sequence[GeneCopyNumber],
    cna_path: str | os.PathLike[str],
    genes_path: str | os.PathLike[str] | None = None,
) -> None:
    """`cna_path`: amplified and deleted genes only; `genes_path`: every gene."""
    write_cna([g.row() for g in genes if g.call in CALLS], cna_path)
    if genes_path is not None:
        write_cna([g.row() for g in genes], genes_path, GENES_COLUMNS)


def call_copy_number(
    tumour_regions: str | os.PathLike[str],
    expected_regions: str | os.PathLike[str] | None,
    cna_path: str | os.PathLike[str],
    genes_path: str | os.PathLike[str] | None,
    settings: CnvSettings,
) -> list[GeneCopyNumber]:
    """Read the mosdepth files, call every gene, write both tables."""
    tumour = read_regions(tumour_regions)
    expected = read_regions(expected_regions) if expected_regions else None
    genes = copy_numbers(tumour, expected, settings)
    write_calls(genes, cna_path, genes_path)
    return genes


# ------------------------------------------------------------------ segments -> genes


@dataclass(frozen=True)
class GeneSpan:
    """Where a gene lies in one build (1-based, inclusive)."""

    gene: str
    chrom: str
    start: int
    end: int


GENE_SPANS: tuple[str, ...] = ("data", "knowledge", "gene_spans.tsv")
GENE_BUILDS: tuple[str, ...] = ("GRCh38", "GRCh37")


def gene_spans(genome: str) -> list[GeneSpan]:
    """The shipped spans of the knowledge-base genes in `genome` (GRCh38 or GRCh37)."""
    text = resources.files("actionable").joinpath(*GENE_SPANS).read_text(encoding="utf-8")
    lines = (line for line in text.splitlines() if line and not line.startswith("#"))
    return [
        GeneSpan(row["gene"], row["chrom"], int(row["start"]), int(row["end"]))
        for row in csv.DictReader(lines, delimiter="\t")
        if row["genome"] == genome
    ]


def segment_copy_number(segment: Segment, settings: CnvSettings) -> float:
    """A segment's absolute copy number (log2 ratios through `absolute_copy_number`)."""
    if segment.kind == ABSOLUTE:
        return segment.value
    return absolute_copy_number(2.0**segment.value, settings.purity, settings.ploidy)


def genes_from_segments(
    segments: Segments, spans: Sequence[GeneSpan], settings: CnvSettings
) -> list[CopyNumberCall]:
    """Amplified and deleted genes of a segment file, and SPLIT for genes with a segment
    breakpoint inside them whose parts are called differently.

    A gene takes the copy number of the segments overlapping it; when they agree on the
    call the gene gets it, with the copy number nearest to neutral (the lowest of an
    amplification, the highest of a deletion). Genes no segment overlaps are not assessed.
    """
    by_chrom: dict[str, list[Segment]] = {}
    for segment in segments.segments:
        by_chrom.setdefault(segment.chrom, []).append(segment)
    out: list[CopyNumberCall] = []
    for span in spans:
        parts = [
            (seg, segment_copy_number(seg, settings))
            for seg in by_chrom.get(span.chrom, ())
            if seg.start <= span.end and seg.end >= span.start
        ]
        if not parts:
            continue
        calls = {classify(cn, settings) for _, cn in parts}
        pieces = ", ".join(
            f"{max(seg.start, span.start)}-{min(seg.end, span.end)} at {cn:.3g}"
            for seg, cn in sorted(parts, key=lambda p: p[0].start)
        )
        where = f"{segments.dialect} segments over {span.chrom}:{span.start}-{span.end}"
        if len(calls) > 1:
            detail = (
                f"a segment breakpoint falls inside {span.gene}: copy number {pieces} "
                f"({where}); not called"
            )
            out.append(CopyNumberCall(span.gene, SPLIT, None, detail))
            continue
        (call,) = calls
        if call not in CALLS:
            continue
        numbers = [cn for _, cn in parts]
        cn = min(numbers) if call == AMPLIFICATION else max(numbers)
        out.append(CopyNumberCall(span.gene, call, round(cn, 2), f"{where}: {pieces}"))
    return out


def gene_calls(
    path: Path, genome: str, sample: str | None, settings: CnvSettings
) -> list[CopyNumberCall]:
    """Gene-level calls of a `--cna` file: as written, or mapped from its segments."""
    found = read_copy_number(path, sample)
    if not isinstance(found, Segments):
        return found
    if genome not in GENE_BUILDS:
        raise UsageError(
            f"{path}: copy-number segments are mapped to genes by coordinates; "
            f"give --genome {' or '.join(GENE_BUILDS)}"
        )
    return genes_from_segments(found, gene_spans(genome), settings)
