"""Star-allele and DPYD calls from small VCFs with known genotypes (exact diplotypes)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from actionable.pgx.definitions import load_gene
from actionable.pgx.result import build_report
from tests.support.pgx_vcfs import write_vcf

# GRCh38 positions of the variants used below (rsIDs from the CPIC definitions)
CYP2C19_RS3758581 = 94842866  # A>G: every CYP2C19 allele but the GRCh38-reference *38
CYP2C19_RS4244285 = 94781859  # *2 (c.681G>A)
CYP2C19_RS12769205 = 94775367  # also on *2
CYP2C19_RS4986893 = 94780653  # *3
CYP2C19_RS12248560 = 94761900  # *17
DPYD_2A = 97450058  # rs3918290 c.1905+1G>A
DPYD_2846 = 97082391  # rs67376798 c.2846A>T
DPYD_HAPB3 = (97573863, 97579893)  # rs56038477 c.1236G>A, rs75017182 c.1129-5923C>G
TPMT_RS1800460 = 18138997  # *3B (c.460G>A)
TPMT_RS1142345 = 18130687  # *3C (c.719A>G)
NUDT15_RS116855232 = 48045719  # *3 (c.415C>T)
UGT1A1_RS887829 = 233759924  # *80, proxy for *28
UGT1A1_REPEAT = 233760233  # rs3064744 (TA)n


def gene_result(tmp_path: Path, genes: tuple[str, ...], wanted: str, **kwargs: Any) -> dict:
    vcf = write_vcf(tmp_path / "in.vcf", genes=genes, **kwargs)
    doc = build_report(vcf)
    return next(g for g in doc["genes"] if g["gene"] == wanted)


def rec(result: dict, drug: str, population: str = "general") -> dict:
    hits = [r for r in result["recommendations"] if r["drug"] == drug]
    return next(r for r in hits if r["population"] == population)


CYP2C19_CASES = [
    ("*1/*1", {CYP2C19_RS3758581: "1/1"}, "Normal Metabolizer"),
    (
        "*1/*2",
        {CYP2C19_RS3758581: "1/1", CYP2C19_RS12769205: "0/1", CYP2C19_RS4244285: "0/1"},
        "Intermediate Metabolizer",
    ),
    (
        "*2/*2",
        {CYP2C19_RS3758581: "1/1", CYP2C19_RS12769205: "1/1", CYP2C19_RS4244285: "1/1"},
        "Poor Metabolizer",
    ),
    (
        "*2/*17",
        {
            CYP2C19_RS3758581: "1/1",
            CYP2C19_RS12769205: "0/1",
            CYP2C19_RS4244285: "0/1",
            CYP2C19_RS12248560: "0/1",
        },
        "Intermediate Metabolizer",
    ),
    ("*17/*17", {CYP2C19_RS3758581: "1/1", CYP2C19_RS12248560: "1/1"}, "Ultrarapid Metabolizer"),
    (
        "*2/*3",
        {
            CYP2C19_RS3758581: "1/1",
            CYP2C19_RS12769205: "0/1",
            CYP2C19_RS4244285: "0/1",
            CYP2C19_RS4986893: "0/1",
        },
        "Poor Metabolizer",
    ),
    ("*1/*38", {CYP2C19_RS3758581: "0/1"}, "Normal Metabolizer"),
    ("*38/*38", {}, "Normal Metabolizer"),
]


@pytest.mark.parametrize(("diplotype", "gts", "phenotype"), CYP2C19_CASES)
def test_cyp2c19_diplotypes(tmp_path: Path, diplotype: str, gts: dict, phenotype: str) -> None:
    result = gene_result(tmp_path, ("CYP2C19",), "CYP2C19", overrides=gts)
    assert result["status"] == "called"
    assert result["confidence"] == "high"
    assert result["diplotype"] == diplotype
    assert result["diplotype_ties"] == []
    assert result["phenotype"] == phenotype
    assert result["missing_count"] == 0
    assert result["positions_called"] == result["positions_total"] == 35


def test_cyp2c19_intermediate_clopidogrel(tmp_path: Path) -> None:
    gts = {CYP2C19_RS3758581: "1/1", CYP2C19_RS12769205: "0/1", CYP2C19_RS4244285: "0/1"}
    result = gene_result(tmp_path, ("CYP2C19",), "CYP2C19", overrides=gts)
    acs = rec(result, "clopidogrel", "ACS and/or PCI")
    assert acs["strength"] == "Strong"
    assert acs["text"] == (
        "Avoid standard dose (75 mg) clopidogrel if possible. Use prasugrel or ticagrelor at "
        "standard dose if no contraindication."
    )
    populations = {r["population"] for r in result["recommendations"] if r["drug"] == "clopidogrel"}
    assert populations == {"ACS and/or PCI", "neurovascular indication"}  # non-ACS: no CPIC rec
    assert acs["source"] == (
        "CPIC Guideline for CYP2C19 Genotype and Clopidogrel Therapy: 2022 Update (2022)"
    )
    assert acs["url"].startswith("https://cpicpgx.org/")
    assert rec(result, "voriconazole", "adults")["strength"] == "Moderate"
    drugs = {r["drug"] for r in result["recommendations"]}
    assert drugs == {"citalopram", "clopidogrel", "escitalopram", "sertraline", "voriconazole"}
    assert [a["function"] for a in result["alleles"]] == ["Normal function", "No function"]


def test_cyp2c19_poor_metabolizer_avoids_clopidogrel(tmp_path: Path) -> None:
    gts = {CYP2C19_RS3758581: "1/1", CYP2C19_RS12769205: "1/1", CYP2C19_RS4244285: "1/1"}
    result = gene_result(tmp_path, ("CYP2C19",), "CYP2C19", overrides=gts)
    avoid = "Avoid clopidogrel if possible. Use prasugrel or ticagrelor at standard dose if no "
    acs = rec(result, "clopidogrel", "ACS and/or PCI")
    assert (acs["strength"], acs["text"]) == ("Strong", avoid + "contraindication.")
    other = rec(result, "clopidogrel", "non-ACS, non-PCI cardiovascular indication")
    assert (other["strength"], other["text"]) == ("Moderate", avoid + "contraindication.")
    neuro = rec(result, "clopidogrel", "neurovascular indication")
    assert neuro["text"].startswith("Avoid clopidogrel if possible. Consider an alternative P2Y12")
    assert (
        "Prasugrel is contraindicated in patients with a history of stroke"
        in (neuro["considerations"])
    )
    citalopram = rec(result, "citalopram")
    assert citalopram["strength"] == "Strong"
    assert citalopram["considerations"].startswith(
        "Per the FDA warning, citalopram 20 mg/day is the maximum recommended dose"
    )
    assert citalopram["url"] == (
        "https://cpicpgx.org/guidelines/cpic-guideline-for-ssri-and-snri-antidepressants/"
    )


def test_dpyd_2a_heterozygous_half_dose(tmp_path: Path) -> None:
    result = gene_result(tmp_path, ("DPYD",), "DPYD", overrides={DPYD_2A: "0/1"})
    assert result["status"] == "called"
    assert result["activity_score"] == 1.0
    assert result["phenotype"] == "Intermediate Metabolizer"
    assert result["diplotype"] == "c.1905+1G>A (*2A)/Reference"
    found = result["variants_found"]
    assert [(v["rsid"], v["allele"], v["activity_value"]) for v in found] == [
        ("rs3918290", "c.1905+1G>A (*2A)", 0.0)
    ]
    for drug in ("fluorouracil", "capecitabine"):
        recommendation = rec(result, drug)
        assert recommendation["strength"] == "Strong"
        assert recommendation["text"].startswith("Reduce starting dose by 50% followed by")


def test_dpyd_c2846_homozygous(tmp_path: Path) -> None:
    result = gene_result(tmp_path, ("DPYD",), "DPYD", overrides={DPYD_2846: "1/1"})
    assert result["activity_score"] == 1.0
    assert result["diplotype"] == "c.2846A>T/c.2846A>T"
    assert result["phenotype"] == "Intermediate Metabolizer"
    assert result["variants_found"][0]["zygosity"] == "homozygous"
    assert (
        "Patients with the c.2846A>T/c.2846A>T genotype may require >50% reduction"
        in rec(result, "fluorouracil")["text"]
    )


def test_dpyd_hapb3_is_one_allele_of_half_activity(tmp_path: Path) -> None:
    gts = {DPYD_HAPB3[0]: "0/1", DPYD_HAPB3[1]: "0/1"}
    result = gene_result(tmp_path, ("DPYD",), "DPYD", overrides=gts)
    assert result["diplotype"] == "c.1129-5923C>G, c.1236G>A (HapB3)/Reference"
    assert result["activity_score"] == 1.5
    assert rec(result, "capecitabine")["strength"] == "Moderate"


def test_dpyd_hapb3_by_its_exonic_tag_on_exome_data(tmp_path: Path) -> None:
    # exome: the deep-intronic c.1129-5923C>G is absent from the VCF, c.1236G>A is heterozygous
    result = gene_result(
        tmp_path,
        ("DPYD",),
        "DPYD",
        overrides={DPYD_HAPB3[0]: "0/1"},
        skip=[DPYD_HAPB3[1]],
    )
    assert result["status"] == "partial"
    assert result["diplotype"] == "c.1129-5923C>G, c.1236G>A (HapB3)/Reference"
    assert result["activity_score"] == 1.5
    assert result["phenotype"] == "Intermediate Metabolizer"
    assert result["unmatched_positions"] == []
    assert result["proxy"]["proxy"] == "rs56038477 (c.1236G>A)"
    assert result["proxy"]["proxy_for"] == "rs75017182"
    assert any("assessed on its tag c.1236G>A (rs56038477)" in n for n in result["notes"])
    assert [m["rsid"] for m in result["missing_positions"]] == ["rs75017182"]
    assert [(v["rsid"], v["allele"], v["activity_value"]) for v in result["variants_found"]] == [
        ("rs56038477", "c.1129-5923C>G, c.1236G>A (HapB3)", 0.5)
    ]
    assert rec(result, "fluorouracil")["phenotype"] == "Intermediate Metabolizer"


def test_dpyd_exome_without_the_tag_keeps_the_intronic_allele_open(tmp_path: Path) -> None:
    result = gene_result(tmp_path, ("DPYD",), "DPYD", skip=[DPYD_HAPB3[1]])
    assert result["activity_score"] == 2.0
    assert result["status"] == "partial"
    assert result["proxy"]["proxy"] == "rs56038477 (c.1236G>A)"
    # c.1129-5923C>G without c.1236G>A is its own allele and stays possible
    assert any("would lower it: c.1129-5923C>G (0.5)" in n for n in result["notes"])


def test_dpyd_two_lowest_of_three_variants(tmp_path: Path) -> None:
    gts = {DPYD_2A: "0/1", DPYD_2846: "0/1", DPYD_HAPB3[1]: "0/1"}
    result = gene_result(tmp_path, ("DPYD",), "DPYD", overrides=gts)
    assert result["activity_score"] == 0.5
    assert result["phenotype"] == "Poor Metabolizer"
    assert result["diplotype"].startswith("c.1905+1G>A (*2A)/")
    assert any("two lowest-function" in n for n in result["notes"])
    assert "Avoid" in rec(result, "fluorouracil")["text"]


def test_tpmt_3a_unphased(tmp_path: Path) -> None:
    gts = {TPMT_RS1800460: "0/1", TPMT_RS1142345: "0/1"}
    result = gene_result(tmp_path, ("TPMT",), "TPMT", overrides=gts)
    assert result["diplotype"] == "*1/*3A"
    assert result["phenotype"] == "Intermediate Metabolizer"
    assert result["phased"] is False
    alternatives = {a["diplotype"]: a["phenotype"] for a in result["alternative_diplotypes"]}
    assert alternatives == {"*3B/*3C": "Poor Metabolizer"}
    assert rec(result, "mercaptopurine")["strength"] == "Strong"
    assert "(30%-80% of normal dose)" in rec(result, "azathioprine")["text"]
    assert rec(result, "thioguanine")["strength"] == "Moderate"


def test_tpmt_phased_in_trans_is_3b_3c(tmp_path: Path) -> None:
    gts = {TPMT_RS1800460: "0|1", TPMT_RS1142345: "1|0"}
    result = gene_result(tmp_path, ("TPMT",), "TPMT", overrides=gts)
    assert result["phased"] is True
    assert result["diplotype"] == "*3B/*3C"
    assert result["phenotype"] == "Poor Metabolizer"
    assert "drastically reduced" in rec(result, "mercaptopurine")["text"]


def test_tpmt_phased_in_cis_is_3a(tmp_path: Path) -> None:
    gts = {TPMT_RS1800460: "0|1", TPMT_RS1142345: "0|1"}
    result = gene_result(tmp_path, ("TPMT",), "TPMT", overrides=gts)
    assert result["diplotype"] == "*1/*3A"
    assert result["alternative_diplotypes"] == []


def test_nudt15_3(tmp_path: Path) -> None:
    result = gene_result(tmp_path, ("NUDT15",), "NUDT15", overrides={NUDT15_RS116855232: "0/1"})
    assert result["diplotype"] == "*1/*3"
    assert result["phenotype"] == "Intermediate Metabolizer"
    assert {r["drug"] for r in result["recommendations"]} == {
        "azathioprine",
        "mercaptopurine",
        "thioguanine",
    }


def test_nudt15_3_without_the_indel_is_a_tie_with_2(tmp_path: Path) -> None:
    indel = 48037782  # rs746071566, part of *2 only
    result = gene_result(
        tmp_path, ("NUDT15",), "NUDT15", overrides={NUDT15_RS116855232: "0/1"}, skip=[indel]
    )
    assert result["status"] == "partial"
    assert result["diplotype"] == "*1/*2"
    assert result["diplotype_ties"] == ["*1/*3"]
    assert result["phenotype"] == "Intermediate Metabolizer"  # both ties agree
    assert [m["rsid"] for m in result["missing_positions"]] == ["rs746071566"]


def test_missing_position_is_a_no_call_and_listed(tmp_path: Path) -> None:
    gts = {CYP2C19_RS3758581: "1/1", CYP2C19_RS12769205: "0/1", CYP2C19_RS4986893: "./."}
    result = gene_result(tmp_path, ("CYP2C19",), "CYP2C19", overrides=gts, skip=[CYP2C19_RS4244285])
    assert result["status"] == "partial"
    assert result["confidence"] == "reduced"
    assert result["missing_count"] == 2
    missing = {m["rsid"]: m for m in result["missing_positions"]}
    assert missing["rs4244285"]["reason"] == "position absent from the VCF"
    assert missing["rs4244285"]["genotype"] == "./."
    assert missing["rs4986893"]["reason"] == "no genotype (./.)"
    assert result["positions_called"] == 33
    # *2 cannot be confirmed without rs4244285: *35 fits as well, both no function
    assert result["diplotype"] == "*1/*2"
    assert result["diplotype_ties"] == ["*1/*35"]
    assert result["phenotype"] == "Intermediate Metabolizer"
    assert any("2 of 35 allele-defining positions have no call" in n for n in result["notes"])


def test_missing_reference_site_is_not_assumed_reference(tmp_path: Path) -> None:
    # only the *17 site is absent: *1/*1 and *1/*17 both fit; never silently *1/*1
    result = gene_result(
        tmp_path,
        ("CYP2C19",),
        "CYP2C19",
        overrides={CYP2C19_RS3758581: "1/1"},
        skip=[CYP2C19_RS12248560],
    )
    assert result["status"] == "partial"
    alternatives = {a["diplotype"]: a["phenotype"] for a in result["alternative_diplotypes"]}
    assert alternatives["*1/*17"] == "Rapid Metabolizer"
    assert alternatives["*17/*17"] == "Ultrarapid Metabolizer"
    assert any("*17" in n and "cannot be ruled out" in n for n in result["notes"])


def test_genotype_fitting_no_allele(tmp_path: Path) -> None:
    # the *2 splice variant without rs3758581 G, which every allele but *38 carries
    result = gene_result(tmp_path, ("CYP2C19",), "CYP2C19", overrides={CYP2C19_RS4244285: "0/1"})
    assert result["status"] == "no_match"
    assert result["diplotype"] is None
    assert result["phenotype"] is None
    assert result["recommendations"] == []
    assert [(u["rsid"], u["genotype"]) for u in result["unmatched_positions"]] == [
        ("rs4244285", "G/A")
    ]
    assert any("fits no pair of defined alleles" in n for n in result["notes"])


def test_unknown_alt_allele_fits_no_allele(tmp_path: Path) -> None:
    other_alt = f"chr13\t{NUDT15_RS116855232}\t.\tC\tG\t50\tPASS\t.\tGT\t0/1"
    vcf = write_vcf(
        tmp_path / "in.vcf", genes=("NUDT15",), skip=[NUDT15_RS116855232], extra_lines=[other_alt]
    )
    result = next(g for g in build_report(vcf)["genes"] if g["gene"] == "NUDT15")
    assert result["status"] == "no_match"
    assert result["unmatched_positions"][0]["genotype"] == "C/G"


def test_gene_with_all_positions_missing_is_not_called(tmp_path: Path) -> None:
    gts = {CYP2C19_RS3758581: "1/1"}
    doc = build_report(write_vcf(tmp_path / "in.vcf", genes=("CYP2C19",), overrides=gts))
    by_gene = {g["gene"]: g for g in doc["genes"]}
    tpmt = by_gene["TPMT"]
    assert tpmt["status"] == "not_called"
    assert tpmt["confidence"] == "none"
    assert tpmt["missing_count"] == 43 == tpmt["positions_total"]
    assert tpmt["phenotype"] is None and tpmt["diplotype"] is None
    assert tpmt["recommendations"] == []
    assert "not called: none of the 43" in tpmt["notes"][0]
    dpyd = by_gene["DPYD"]
    assert dpyd["status"] == "not_called" and dpyd["activity_score"] is None
    assert doc["summary"] == {"called": 1, "partial": 0, "no_match": 0, "not_called": 5}


def test_ugt1a1_28_by_proxy(tmp_path: Path) -> None:
    result = gene_result(
        tmp_path, ("UGT1A1",), "UGT1A1", overrides={UGT1A1_RS887829: "0/1"}, skip=[UGT1A1_REPEAT]
    )
    assert result["status"] == "called"  # the repeat is not genotyped, it is proxied
    assert result["diplotype"] == "*1/*80+*28"
    assert result["phenotype"] == "Intermediate Metabolizer"
    assert result["proxy"]["proxy"] == "rs887829"
    assert result["proxy"]["proxy_for"] == "rs3064744"
    assert [p["rsid"] for p in result["not_genotyped_positions"]] == ["rs3064744"]
    assert any("rs887829" in n and "linkage disequilibrium" in n for n in result["notes"])

    homozygous = gene_result(
        tmp_path, ("UGT1A1",), "UGT1A1", overrides={UGT1A1_RS887829: "1/1"}, skip=[UGT1A1_REPEAT]
    )
    assert homozygous["diplotype"] == "*80+*28/*80+*28"
    assert homozygous["phenotype"] == "Poor Metabolizer"
    irinotecan = rec(homozygous, "irinotecan")
    assert irinotecan["strength"] == "FDA label (no CPIC guideline)"
    assert "at least one dose level" in irinotecan["text"]


def test_ugt1a1_repeat_called_directly(tmp_path: Path) -> None:
    # TA7/TA8 (*1/*28) genotyped as an indel: no proxy needed
    result = gene_result(tmp_path, ("UGT1A1",), "UGT1A1", overrides={UGT1A1_REPEAT: "0/2"})
    assert result["diplotype"] == "*1/*28"
    assert "proxy" not in result


def _het_for(gene: str, allele_name: str) -> dict[int, str]:
    definition = load_gene(gene)
    allele = definition.allele(allele_name)
    gts = {}
    for i in allele.variant_indices:
        variant = definition.variants[i]
        expected = allele.expected[i]
        if expected in variant.alts:
            gts[variant.position] = f"0/{variant.alts.index(expected) + 1}"
    return gts


def test_cyp2d6_snv_only_with_flag(tmp_path: Path) -> None:
    result = gene_result(tmp_path, ("CYP2D6",), "CYP2D6")
    assert result["diplotype"] == "*1/*1"
    assert result["phenotype"] == "Normal Metabolizer"
    assert result["activity_score"] == 2.0
    assert result["copy_number_assessed"] is False
    assert any("copy number was not assessed" in n for n in result["notes"])

    result = gene_result(tmp_path, ("CYP2D6",), "CYP2D6", overrides=_het_for("CYP2D6", "*4"))
    assert result["diplotype"] == "*1/*4"
    assert result["activity_score"] == 1.0
    assert result["phenotype"] == "Intermediate Metabolizer"
    assert rec(result, "codeine")["strength"] == "Moderate"
    assert rec(result, "tamoxifen")["strength"] == "Optional"  # activity score 1.0
    assert rec(result, "tramadol")["strength"] == "Optional"


def test_cyp2d6_never_ultrarapid(tmp_path: Path) -> None:
    result = gene_result(tmp_path, ("CYP2D6",), "CYP2D6", overrides=_het_for("CYP2D6", "*2"))
    assert result["diplotype"] == "*1/*2"
    assert result["phenotype"] == "Normal Metabolizer"


def test_cyp2d6_normal_codeine_and_tramadol_rows_say_ultrarapid_is_not_excluded(
    tmp_path: Path,
) -> None:
    result = gene_result(tmp_path, ("CYP2D6",), "CYP2D6")
    assert result["phenotype"] == "Normal Metabolizer"
    for drug in ("codeine", "tramadol"):
        note = rec(result, drug)["note"]
        assert note.startswith("CYP2D6 copy number was not assessed, so an ultrarapid metabolizer")
        assert f"CPIC recommends avoiding {drug}" in note
    assert "note" not in rec(result, "tamoxifen")  # ultrarapid and normal rows agree

    poor = gene_result(tmp_path, ("CYP2D6",), "CYP2D6", overrides=_het_for("CYP2D6", "*4"))
    assert "note" not in rec(poor, "codeine")  # an intermediate call is not "normal"
