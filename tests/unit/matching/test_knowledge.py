"""The shipped knowledge base: schema checks, coverage of KNOWLEDGE.md, coordinates."""

from __future__ import annotations

import shutil
from datetime import date
from importlib import resources
from pathlib import Path

import pytest

from actionable.errors import KnowledgeBaseError
from actionable.matching.cascade import annotation_kind
from actionable.matching.knowledge import (
    GENOMES,
    allele_keys,
    load_knowledge_base,
    load_knowledge_base_from,
)
from actionable.matching.vcf import Annotation

SHARED = Path(__file__).resolve().parents[3] / ".." / "shared"
KB_DIR = Path(str(resources.files("actionable").joinpath("data", "knowledge")))


@pytest.fixture(scope="module")
def kb():  # type: ignore[no-untyped-def]
    return load_knowledge_base()


def rows_for(kb, gene: str, key: str, disease: str, direction: str) -> set[str]:  # type: ignore[no-untyped-def]
    return {
        r.therapy
        for r in kb.evidence
        if r.gene == gene
        and r.alteration_key == key
        and disease in r.disease
        and r.direction == direction
    }


#: RET MEN2 cysteine codons and variants of the selpercatinib RET-mutant medullary thyroid
#: cancer rows that Cancer Hotspots v2 does not list (M918T is listed)
RET_MEN2 = (
    *(("RET", "codon", c) for c in ("C609", "C611", "C618", "C620", "C630", "C634")),
    *(("RET", "variant", v) for v in ("E768D", "L790F", "V804L", "V804M", "A883F", "S891A")),
)

# A row not reviewed within this many months before the release month is stale.
MAX_REVIEW_AGE_MONTHS = 24


def _months(day: date) -> int:
    return day.year * 12 + day.month - 1


def test_version_and_sources(kb) -> None:  # type: ignore[no-untyped-def]
    assert kb.version == (KB_DIR / "VERSION").read_text().strip()
    assert any("FDA" in s for s in kb.sources)
    assert any("Cancer Hotspots" in s for s in kb.sources)


def test_review_dates_fit_the_release(kb) -> None:  # type: ignore[no-untyped-def]
    """VERSION is YYYY.MM.N: no row is reviewed after the release month (or after today),
    none longer ago than MAX_REVIEW_AGE_MONTHS before it."""
    year, month, _n = (int(part) for part in kb.version.split("."))
    release = date(year, month, 1)
    assert release <= date.today(), f"VERSION {kb.version} is in the future"
    problems = []
    for row in kb.evidence:
        reviewed = date.fromisoformat(row.last_reviewed)
        if reviewed > date.today() or _months(reviewed) > _months(release):
            problems.append(f"{row.evidence_id}: reviewed {reviewed}, after release {kb.version}")
        elif _months(release) - _months(reviewed) > MAX_REVIEW_AGE_MONTHS:
            problems.append(f"{row.evidence_id}: last reviewed {reviewed}, stale for {kb.version}")
    assert not problems, "\n".join(problems)


def test_every_knowledge_md_fact_is_present(kb) -> None:  # type: ignore[no-untyped-def]
    expect = [
        (
            "EGFR",
            "L858R",
            "NSCLC",
            "sensitivity",
            {
                "osimertinib",
                "erlotinib",
                "gefitinib",
                "afatinib",
                "dacomitinib",
                "amivantamab + lazertinib",
            },
        ),
        (
            "EGFR",
            "19",
            "NSCLC",
            "sensitivity",
            {"osimertinib", "erlotinib", "gefitinib", "afatinib"},
        ),
        ("EGFR", "T790M", "NSCLC", "sensitivity", {"osimertinib"}),
        ("EGFR", "T790M", "NSCLC", "resistance", {"erlotinib", "gefitinib", "afatinib"}),
        ("EGFR", "G719", "NSCLC", "sensitivity", {"afatinib", "osimertinib"}),
        ("EGFR", "L861Q", "NSCLC", "sensitivity", {"afatinib", "osimertinib"}),
        ("EGFR", "S768I", "NSCLC", "sensitivity", {"afatinib", "osimertinib"}),
        ("EGFR", "20", "NSCLC", "sensitivity", {"amivantamab", "sunvozertinib"}),
        ("EGFR", "20", "NSCLC", "resistance", {"erlotinib", "gefitinib", "afatinib"}),
        ("EGFR", "C797S", "NSCLC", "resistance", {"osimertinib"}),
        (
            "ALK",
            "*::ALK",
            "NSCLC",
            "sensitivity",
            {"alectinib", "brigatinib", "lorlatinib", "crizotinib", "ceritinib", "ensartinib"},
        ),
        ("ALK", "G1202R", "NSCLC", "resistance", {"crizotinib", "alectinib", "ceritinib"}),
        (
            "ROS1",
            "*::ROS1",
            "NSCLC",
            "sensitivity",
            {"crizotinib", "entrectinib", "repotrectinib", "taletrectinib"},
        ),
        ("RET", "*::RET", "NSCLC", "sensitivity", {"selpercatinib", "pralsetinib"}),
        ("RET", "*::RET", "THYROID", "sensitivity", {"selpercatinib", "pralsetinib"}),
        ("RET", "M918T", "THME", "sensitivity", {"selpercatinib", "pralsetinib"}),
        (
            "NTRK1",
            "*::NTRK1",
            "SOLID",
            "sensitivity",
            {"larotrectinib", "entrectinib", "repotrectinib"},
        ),
        (
            "NTRK3",
            "*::NTRK3",
            "SOLID",
            "sensitivity",
            {"larotrectinib", "entrectinib", "repotrectinib"},
        ),
        ("MET", "14", "NSCLC", "sensitivity", {"capmatinib", "tepotinib"}),
        ("MET", "amplification", "NSCLC", "resistance", {"gefitinib"}),
        (
            "BRAF",
            "V600E",
            "MEL",
            "sensitivity",
            {
                "dabrafenib + trametinib",
                "vemurafenib",
                "vemurafenib + cobimetinib",
                "encorafenib + binimetinib",
            },
        ),
        (
            "BRAF",
            "V600K",
            "MEL",
            "sensitivity",
            {"dabrafenib + trametinib", "encorafenib + binimetinib"},
        ),
        (
            "BRAF",
            "V600E",
            "NSCLC",
            "sensitivity",
            {"dabrafenib + trametinib", "encorafenib + binimetinib"},
        ),
        ("BRAF", "V600E", "COADREAD", "sensitivity", {"encorafenib + cetuximab"}),
        ("BRAF", "V600E", "COADREAD", "resistance", {"cetuximab", "panitumumab"}),
        ("BRAF", "V600E", "SOLID", "sensitivity", {"dabrafenib + trametinib"}),
        ("KRAS", "G12C", "NSCLC", "sensitivity", {"sotorasib", "adagrasib"}),
        (
            "KRAS",
            "G12C",
            "COADREAD",
            "sensitivity",
            {"adagrasib + cetuximab", "sotorasib + panitumumab"},
        ),
        ("KRAS", "A146", "COADREAD", "resistance", {"cetuximab", "panitumumab"}),
        ("NRAS", "Q61", "COADREAD", "resistance", {"cetuximab", "panitumumab"}),
        (
            "ERBB2",
            "amplification",
            "BRCA",
            "sensitivity",
            {
                "trastuzumab",
                "trastuzumab + pertuzumab",
                "trastuzumab emtansine",
                "trastuzumab deruxtecan",
            },
        ),
        ("ERBB2", "amplification", "STAD", "sensitivity", {"trastuzumab deruxtecan"}),
        ("ERBB2", "20", "NSCLC", "sensitivity", {"trastuzumab deruxtecan"}),
        (
            "PIK3CA",
            "H1047R",
            "BRCA",
            "sensitivity",
            {
                "alpelisib + fulvestrant",
                "capivasertib + fulvestrant",
                "inavolisib + palbociclib + fulvestrant",
            },
        ),
        ("PIK3CA", "E545K", "BRCA", "sensitivity", {"alpelisib + fulvestrant"}),
        ("PIK3CA", "E542K", "BRCA", "sensitivity", {"alpelisib + fulvestrant"}),
        ("AKT1", "E17K", "BRCA", "sensitivity", {"capivasertib + fulvestrant"}),
        ("ESR1", "536-538", "BRCA", "sensitivity", {"elacestrant"}),
        ("BRCA1", "truncating", "OV", "sensitivity", {"olaparib", "niraparib", "rucaparib"}),
        ("BRCA2", "truncating", "BRCA", "sensitivity", {"olaparib", "talazoparib"}),
        (
            "BRCA2",
            "truncating",
            "PRAD",
            "sensitivity",
            {"olaparib", "niraparib + abiraterone", "talazoparib + enzalutamide", "rucaparib"},
        ),
        ("BRCA1", "truncating", "PAAD", "sensitivity", {"olaparib"}),
        (
            "ABL1",
            "BCR::ABL1",
            "CML",
            "sensitivity",
            {"imatinib", "dasatinib", "nilotinib", "bosutinib", "asciminib", "ponatinib"},
        ),
        ("ABL1", "BCR::ABL1", "ALL", "sensitivity", {"imatinib", "dasatinib", "ponatinib"}),
        ("ABL1", "T315I", "CML", "sensitivity", {"ponatinib", "asciminib"}),
        ("ABL1", "T315I", "CML", "resistance", {"imatinib", "dasatinib", "nilotinib", "bosutinib"}),
        ("ABL1", "Y253H", "CML", "resistance", {"nilotinib"}),
        ("ABL1", "F359C", "CML", "resistance", {"nilotinib"}),
        ("ABL1", "V299L", "CML", "resistance", {"dasatinib"}),
        ("ABL1", "F317L", "CML", "resistance", {"dasatinib"}),
        ("KIT", "11", "GIST", "sensitivity", {"imatinib"}),
        ("KIT", "9", "GIST", "sensitivity", {"imatinib"}),
        ("KIT", "D816V", "SM", "sensitivity", {"avapritinib", "midostaurin"}),
        ("KIT", "D816V", "SM", "resistance", {"imatinib"}),
        ("PDGFRA", "18", "GIST", "sensitivity", {"avapritinib"}),
        (
            "FLT3",
            "14",
            "AML",
            "sensitivity",
            {"gilteritinib", "quizartinib + cytarabine + daunorubicin"},
        ),
        (
            "FLT3",
            "D835",
            "AML",
            "sensitivity",
            {"gilteritinib", "midostaurin + cytarabine + daunorubicin"},
        ),
        ("IDH1", "R132", "AML", "sensitivity", {"ivosidenib", "olutasidenib"}),
        ("IDH1", "R132", "CHOL", "sensitivity", {"ivosidenib"}),
        ("IDH1", "R132", "ASTR", "sensitivity", {"vorasidenib"}),
        ("IDH2", "R140", "AML", "sensitivity", {"enasidenib"}),
        ("IDH2", "R172", "AML", "sensitivity", {"enasidenib"}),
        ("FGFR2", "FGFR2::*", "CHOL", "sensitivity", {"pemigatinib", "futibatinib"}),
        ("FGFR3", "S249C", "BLCA", "sensitivity", {"erdafitinib"}),
        ("FGFR3", "FGFR3::TACC3", "BLCA", "sensitivity", {"erdafitinib"}),
        ("MSI", "MSI-H", "SOLID", "sensitivity", {"pembrolizumab"}),
        ("MSI", "MSI-H", "UCEC", "sensitivity", {"dostarlimab"}),
        ("MSI", "MSI-H", "COADREAD", "sensitivity", {"nivolumab", "nivolumab + ipilimumab"}),
        ("TMB", "TMB-H", "SOLID", "sensitivity", {"pembrolizumab"}),
    ]
    for gene, key, disease, direction, therapies in expect:
        found = rows_for(kb, gene, key, disease, direction)
        assert therapies <= found, (gene, key, disease, direction, therapies - found)


def test_weak_rows_are_level_d_literature(kb) -> None:  # type: ignore[no-untyped-def]
    weak = [r for r in kb.evidence if r.condition.startswith("WEAK")]
    assert {(r.gene, r.alteration_key) for r in weak} == {("EGFR", "C797S"), ("ALK", "G1202R")}
    assert all(r.level == "D" and r.source == "literature" for r in weak)


def test_both_directions_and_lower_case_therapies(kb) -> None:  # type: ignore[no-untyped-def]
    assert {r.direction for r in kb.evidence} == {"sensitivity", "resistance"}
    assert all(r.therapy == r.therapy.lower() for r in kb.evidence)
    assert any(" + " in r.therapy for r in kb.evidence)


def test_variant_rows_carry_coordinates_in_both_builds(kb) -> None:  # type: ignore[no-untyped-def]
    with_coords = {kv.biomarker for kv in kb.variants}
    named = {r.biomarker for r in kb.evidence if r.match_kind in ("variant", "codon")}
    # no coordinates established from public data (matched by annotation only): the ABL1
    # resistance mutations below, NRAS codons 59/117/146, which Cancer Hotspots v2 does not
    # list for NRAS, and the RET MEN2/MTC codons (mostly germline, absent from its tables)
    assert named - with_coords == {
        *(("ABL1", "variant", v) for v in ("V299L", "G250E", "M244V", "A337T", "P465S")),
        ("NRAS", "codon", "A59"),
        ("NRAS", "codon", "K117"),
        ("NRAS", "codon", "A146"),
        *RET_MEN2,
    }
    for kv in kb.variants:
        assert set(kv.alleles) == set(GENOMES)
        a38, a37 = kv.alleles["GRCh38"], kv.alleles["GRCh37"]
        assert a38.chrom == a37.chrom
        assert (a38.ref, a38.alt) == (a37.ref, a37.alt)
        assert kv.coordinate_source
    # the individual variants behind codon and exon rows
    exon19 = [kv for kv in kb.variants if kv.biomarker == ("EGFR", "exon", "19")]
    assert len(exon19) >= 8 and all(kv.consequence == "inframe_deletion" for kv in exon19)
    g12 = {kv.variant for kv in kb.variants if kv.biomarker == ("KRAS", "codon", "G12")}
    assert {"G12C", "G12D", "G12V", "G12A", "G12S", "G12R"} <= g12
    g719 = {kv.variant for kv in kb.variants if kv.biomarker == ("EGFR", "codon", "G719")}
    assert g719 == {"G719S", "G719C", "G719A", "G719D"}
    q61 = {kv.variant for kv in kb.variants if kv.biomarker == ("NRAS", "codon", "Q61")}
    assert {"Q61K", "Q61R", "Q61L", "Q61H"} <= q61


@pytest.mark.parametrize(
    ("build", "chrom", "pos", "ref", "alt", "variant"),
    [
        ("GRCh38", "7", 55191822, "T", "G", "L858R"),
        ("GRCh38", "7", 55181378, "C", "T", "T790M"),
        ("GRCh38", "7", 140753336, "A", "T", "V600E"),
        ("GRCh38", "12", 25245351, "C", "A", "G12C"),
        ("GRCh38", "12", 25245350, "C", "T", "G12D"),
        ("GRCh38", "3", 179234297, "A", "G", "H1047R"),
        ("GRCh37", "7", 55259515, "T", "G", "L858R"),
        ("GRCh37", "7", 140453136, "A", "T", "V600E"),
        ("GRCh37", "12", 25398285, "C", "A", "G12C"),
        ("GRCh37", "3", 178952085, "A", "G", "H1047R"),
        ("GRCh38", "9", 130872896, "C", "T", "T315I"),
        ("GRCh37", "9", 133748283, "C", "T", "T315I"),
    ],
)
def test_knowledge_md_coordinates(kb, build, chrom, pos, ref, alt, variant) -> None:  # type: ignore[no-untyped-def]
    found = kb.lookup(build, chrom, pos, ref, alt)
    assert variant in {kv.variant for kv in found}


def test_deletion_with_and_without_anchor_share_a_key() -> None:
    anchored = set(allele_keys("7", 55174771, "AGGAATTAAGAGAAGC", "A"))
    bare = set(allele_keys("7", 55174772, "GGAATTAAGAGAAGC", "-"))
    right = set(allele_keys("7", 55174772, "GGAATTAAGAGAAGCA", "A"))
    assert anchored & bare and bare & right


def _copy_kb(tmp_path: Path) -> Path:
    dest = tmp_path / "kb"
    shutil.copytree(KB_DIR, dest)
    return dest


def _corrupt(path: Path, line_startswith: str, column: int, value: str) -> int:
    lines = path.read_text().splitlines()
    for i, line in enumerate(lines):
        if line.startswith(line_startswith):
            fields = line.split("\t")
            fields[column] = value
            lines[i] = "\t".join(fields)
            path.write_text("\n".join(lines) + "\n")
            return i + 1
    raise AssertionError(line_startswith)


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        (8, "sensitive", "column 'direction'"),
        (7, "Osimertinib", "column 'therapy'"),
        (6, "LUNGX", "column 'disease': unknown OncoTree code(s) LUNGX"),
        (9, "E", "column 'level'"),
        (2, "hotspot", "column 'match_kind'"),
        (3, "L858", "column 'alteration_key'"),
        (14, "21-11-2026", "column 'last_reviewed'"),
    ],
)
def test_bad_evidence_row_names_file_line_column(
    tmp_path: Path, column: int, value: str, message: str
) -> None:
    kb_dir = _copy_kb(tmp_path)
    lineno = _corrupt(kb_dir / "evidence.tsv", "AK0001\t", column, value)
    with pytest.raises(KnowledgeBaseError) as err:
        load_knowledge_base_from(kb_dir)
    text = str(err.value)
    assert f"evidence.tsv:{lineno}:" in text
    assert message in text


def test_bad_variant_row_names_file_line_column(tmp_path: Path) -> None:
    kb_dir = _copy_kb(tmp_path)
    lineno = _corrupt(kb_dir / "variants.tsv", "ABL1\tvariant\tT315I", 8, "chr9x")
    with pytest.raises(KnowledgeBaseError, match=rf"variants.tsv:{lineno}: column 'grch38_pos'"):
        load_knowledge_base_from(kb_dir)


def test_variant_row_must_link_to_evidence(tmp_path: Path) -> None:
    kb_dir = _copy_kb(tmp_path)
    _corrupt(kb_dir / "variants.tsv", "ABL1\tvariant\tT315I", 2, "T315Q")
    with pytest.raises(KnowledgeBaseError, match="matches no evidence row"):
        load_knowledge_base_from(kb_dir)


@pytest.mark.skipif(
    not (SHARED / "data" / "knowledge" / "cancerhotspots_v2_GRCh38.tsv").exists(),
    reason="shared hotspot tables not available",
)
def test_committed_variants_table_is_the_builder_output(tmp_path: Path) -> None:
    from tools import knowledge_variants

    out = tmp_path / "variants.tsv"
    assert (
        knowledge_variants.main(
            ["--hotspots", str(SHARED / "data" / "knowledge"), "--out", str(out)]
        )
        == 0
    )
    assert out.read_text() == (KB_DIR / "variants.tsv").read_text()


def _truncation(gene: str, residue: int, length: int | None) -> Annotation:
    return Annotation(
        gene=gene,
        consequences=("stop_gained",),
        transcript="",
        biotype="protein_coding",
        exon=None,
        intron=None,
        hgvsc=None,
        hgvsp=None,
        protein=None,
        protein_pos=residue,
        protein_len=length,
        flagged_canonical=True,
    )


@pytest.mark.parametrize(
    ("gene", "residue", "counts"),
    [
        ("BRCA1", 1835, True),  # p.Arg1835*, in the second BRCT domain, last 5 % of BRCA1
        ("BRCA1", 1855, True),  # end of BRCT2
        ("BRCA1", 1856, False),
        ("BRCA2", 3325, True),
        ("BRCA2", 3326, False),  # p.Lys3326*, benign
    ],
)
def test_gene_lof_limit_replaces_the_last_5_percent_rule(
    kb, gene: str, residue: int, counts: bool
) -> None:  # type: ignore[no-untyped-def]
    bm = (gene, "gene_lof", "truncating")
    found = annotation_kind(bm, _truncation(gene, residue, None), kb, canonical=True)
    assert (found is not None) == counts
    # on another transcript the MANE numbering does not hold: the generic rule decides
    length = kb.transcripts[gene].protein_length
    generic = annotation_kind(bm, _truncation(gene, residue, length), kb, canonical=False)
    assert (generic is not None) == (residue <= 0.95 * length)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("BRCA1\t1900\tbasis\tcitation", "column 'last_residue': 1900 is beyond the 1863"),
        ("NOSUCHGENE\t10\tbasis\tcitation", "column 'gene': 'NOSUCHGENE' has no protein length"),
        ("BRCA1\t1855\t\tcitation", "column 'basis': must not be empty"),
    ],
)
def test_bad_lof_limit_names_file_line_column(tmp_path: Path, line: str, message: str) -> None:
    kb_dir = _copy_kb(tmp_path)
    path = kb_dir / "lof_limits.tsv"
    kept = [x for x in path.read_text().splitlines() if not x.startswith("BRCA1\t")]
    path.write_text("\n".join([*kept, line]) + "\n")
    with pytest.raises(KnowledgeBaseError, match=rf"lof_limits.tsv:{len(kept) + 1}: {message}"):
        load_knowledge_base_from(kb_dir)
