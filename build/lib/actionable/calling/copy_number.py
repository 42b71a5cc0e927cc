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
"""

from __future__ import annotations

import os
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from actionable.formats.cna import AMPLIFICATION, CALLS, DELETION, GENES_COLUMNS, write_cna
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

    def __post_init__(self) -> None:
        if not 0.0 < self.purity <= 1.0:
            raise ValueError(f"purity {self.purity} must be in (0, 1]")

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


def _call(copy_number: float, settings: CnvSettings) -> str:
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
    p = settings.purity
    for gene in sorted(tumour, key=lambda g: (tumour[g].chrom, tumour[g].start, g)):
        region = tumour[gene]
        if gene not in raw or centre <= 0:
            ratio = copy_number = None
            call = NOT_ASSESSED
        else:
            ratio = raw[gene] / centre
            copy_number = max(0.0, (2.0 * ratio - 2.0 * (1.0 - p)) / p)
            call = _call(copy_number, settings)
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
