"""Comparison of called variants with a truth set (alleles normalised by bcftools norm)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pysam

Key = tuple[str, int, str, str]


def variant_keys(path: Path, pass_only: bool = True, sample: str | None = None) -> set[Key]:
    """(chrom, pos, ref, alt) of every alternate allele present (non-ref genotype)."""
    keys: set[Key] = set()
    with pysam.VariantFile(str(path)) as vcf:
        name = sample or (next(iter(vcf.header.samples)) if vcf.header.samples else None)
        for record in vcf:
            if pass_only and "PASS" not in record.filter and len(record.filter):
                continue
            gt = record.samples[name]["GT"] if name else None
            for index, alt in enumerate(record.alts or (), start=1):
                if gt is not None and index not in gt:
                    continue
                keys.add((record.chrom, record.pos, record.ref, alt))
    return keys


def is_snv(key: Key) -> bool:
    return len(key[2]) == 1 and len(key[3]) == 1


@dataclass
class Score:
    kind: str
    tp: int
    fp: int
    fn: int

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    def __str__(self) -> str:
        return (
            f"{self.kind}: recall {self.recall:.4f} ({self.tp}/{self.tp + self.fn}), "
            f"precision {self.precision:.4f} ({self.tp}/{self.tp + self.fp})"
        )


def score(truth: set[Key], calls: set[Key]) -> dict[str, Score]:
    result = {}
    for kind, keep in (("SNV", is_snv), ("indel", lambda k: not is_snv(k))):
        t = {k for k in truth if keep(k)}
        c = {k for k in calls if keep(k)}
        result[kind] = Score(kind, len(t & c), len(c - t), len(t - c))
    return result
