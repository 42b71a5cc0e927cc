"""VAF and depth from every common caller dialect, on real published records."""

from __future__ import annotations

from pathlib import Path

import pytest
from cyvcf2 import VCF

from actionable.matching.allele_fraction import allele_fraction
from actionable.matching.vcf import quiet_htslib

DIALECTS = Path(__file__).resolve().parents[2] / "data" / "vcf-dialects"


def fractions(name: str, sample: str | None) -> list[tuple[str, float | None, int | None]]:
    """(CHROM:POS REF>ALT, VAF, depth) of every ALT of every record of a fixture."""
    with quiet_htslib():
        vcf = VCF(str(DIALECTS / name))
        si = list(vcf.samples).index(sample) if sample is not None else None
        out = []
        for record in vcf:
            for ai, alt in enumerate(record.ALT):
                vaf, depth = allele_fraction(record, si, ai, len(record.ALT))
                out.append((f"{record.CHROM}:{record.POS} {record.REF}>{alt}", vaf, depth))
        vcf.close()
    return out


@pytest.mark.parametrize(
    ("name", "sample", "expected"),
    [
        # Mutect2: FORMAT AF wins over AD (63,39 would give 0.3824)
        (
            "mutect2_af.vcf",
            "H_NJ-HCC1395-HCC1395",
            [("chr1:15943396 G>T", 0.39, None), ("chr1:2591128 C>G", 0.981, None)],
        ),
        # AD with REF first; depth from DP
        ("format_ad.vcf", "TUMOR", [("1:11290178 TA>T", 0.5, 20), ("1:146728217 G>A", 0.525, 40)]),
        # one VAF per ALT of a multi-allelic record (AD 12,0,8)
        (
            "format_ad_multiallelic.vcf",
            "TUMOR",
            [("5:112174757 GAAGA>G", 0.0, 20), ("5:112174757 GAAGA>GGA", 0.4, 20)],
        ),
        # PCGR: ADT 112,32 and DPT 144 (INFO TVAF says the same, 0.2222)
        (
            "pcgr_adt_tvaf.vcf",
            "TCGA-A2-A04W-01A-31D-A10Y-09_TCGA-A2-A04W-10A-01D-A110-09",
            [("1:1968826 C>T", 0.2222, 144), ("1:9245294 G>A", 0.1026, 39)],
        ),
        # PCGR INFO TVAF/TDP without any sample column
        (
            "pcgr_tvaf_sites_only.vcf",
            None,
            [("1:1968826 C>T", 0.2222, 144), ("1:9245294 G>A", 0.1026, 39)],
        ),
        # VarScan 2: AD is the ALT count, RD the REF count (FREQ 30.77% / 29.41% agrees)
        ("varscan.vcf", "TUMOR", [("1:2584408 C>A", 0.3077, 13), ("1:43803633 C>A", 0.2941, 17)]),
        # Strelka SNV: tier-1 ALT / (ALT + REF) base counts (AU 25, CU 39; AU 56, GU 2)
        (
            "strelka_snv.vcf",
            "TUMOR",
            [("1:118166116 C>A", 0.3906, 66), ("1:35944648 G>A", 0.9655, 58)],
        ),
        # Strelka indel: tier-1 TIR / (TIR + TAR) (57 / 76; 32 / 98)
        (
            "strelka_indel.vcf",
            "TUMOR",
            [("2:102626146 CG>C", 0.75, 89), ("2:105977764 G>GCCCC", 0.3265, 112)],
        ),
    ],
)
def test_dialect(name: str, sample: str | None, expected: list[tuple[str, float, int]]) -> None:
    assert fractions(name, sample) == expected


def test_normal_column_is_read_when_chosen() -> None:
    # the same VarScan records, normal column: FREQ 0% (RD 11, AD 0)
    assert [v for _, v, _ in fractions("varscan.vcf", "NORMAL")] == [0.0, 0.0]
