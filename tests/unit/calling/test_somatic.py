"""Somatic classification (paired and tumour-only), its VCF output, and the sample sheet."""

from __future__ import annotations

import json
from pathlib import Path

import pysam
import pytest

from actionable.calling.somatic import (
    TUMOUR_ONLY_LIMITS,
    SomaticEvidence,
    SomaticSettings,
    binomial_two_sided,
    classify,
    classify_vcf,
    looks_germline,
    write_summary,
)
from actionable.errors import FormatError, UsageError
from actionable.workflow.sheets import CancerPatient, cancer_patients, load_sheets
from tests.support.workflow import REPO

S = SomaticSettings()


def paired(t_ref: int, t_alt: int, n_ref: int, n_alt: int, **extra) -> SomaticEvidence:
    return SomaticEvidence(t_ref, t_alt, t_ref + t_alt, n_ref, n_alt, n_ref + n_alt, **extra)


def test_binomial_two_sided() -> None:
    assert binomial_two_sided(5, 10) == pytest.approx(1.0)
    assert binomial_two_sided(0, 10) == pytest.approx(2 / 1024)
    assert binomial_two_sided(10, 10) == pytest.approx(2 / 1024)
    # P(X <= 2) for n = 10: (1 + 10 + 45) / 1024, doubled
    assert binomial_two_sided(2, 10) == pytest.approx(2 * 56 / 1024)
    assert binomial_two_sided(400, 1000) < 1e-9
    assert binomial_two_sided(0, 0) == 1.0


def test_paired_somatic_passes() -> None:
    assert classify(paired(60, 20, 40, 0), S, paired=True) == []
    # one normal read is tolerated when the tumour VAF is far higher
    assert classify(paired(60, 20, 59, 1), S, paired=True) == []


@pytest.mark.parametrize(
    ("evidence", "reason"),
    [
        (paired(3, 4, 40, 0), "LowDepth"),
        (paired(98, 2, 40, 0), "LowAltReads"),
        (paired(196, 4, 40, 0), "LowVAF"),
        (paired(60, 20, 5, 0), "LowNormalDepth"),
        (paired(60, 20, 38, 2), "NormalSupport"),  # two normal reads
        (paired(60, 20, 20, 20), "NormalSupport"),  # germline heterozygous
        (paired(90, 10, 9, 1), "NormalSupport"),  # tumour VAF 0.10 < 5 x normal VAF 0.10
        (
            paired(60, 20, 40, 0, alt_forward=20, alt_reverse=0, ref_forward=30, ref_reverse=30),
            "StrandBias",
        ),
        (paired(60, 20, 40, 0, end_placement_phred=80.0), "ReadEnd"),
        (paired(60, 20, 40, 0, alt_mapping_quality=5.0), "LowMappingQuality"),
        (paired(60, 20, 40, 0, in_panel_of_normals=True), "PanelOfNormals"),
        (paired(60, 20, 40, 0, population_af=0.02), "Population"),
    ],
)
def test_paired_filters(evidence: SomaticEvidence, reason: str) -> None:
    assert reason in classify(evidence, S, paired=True)


def test_strand_filter_spares_one_stranded_libraries() -> None:
    # amplicon-like: reference reads are one-stranded too, so the alt strand says nothing
    evidence = paired(60, 20, 40, 0, alt_forward=20, alt_reverse=0, ref_forward=60, ref_reverse=0)
    assert classify(evidence, S, paired=True) == []
    # too few alt reads to judge
    evidence = paired(60, 5, 40, 0, alt_forward=5, alt_reverse=0, ref_forward=30, ref_reverse=30)
    assert classify(evidence, S, paired=True) == []


@pytest.mark.parametrize(
    ("ref", "alt", "germline"),
    [
        (20, 20, True),  # VAF 0.50 at 40x
        (25, 15, True),  # VAF 0.375 at 40x: inside the window, not different from 0.5
        (0, 40, True),  # homozygous
        (2, 38, True),  # VAF 0.95
        (32, 8, False),  # VAF 0.20
        (150, 50, False),  # VAF 0.25 at 200x
        (230, 170, False),  # VAF 0.425 at 400x: different from 0.5 at this depth
        (5, 5, False),  # VAF 0.5 but too shallow to judge (10 < germline_min_depth)
    ],
)
def test_tumour_only_germline_filter(ref: int, alt: int, germline: bool) -> None:
    evidence = SomaticEvidence(ref, alt, ref + alt)
    assert looks_germline(evidence, S) is germline
    assert ("Germline" in classify(evidence, S, paired=False)) is germline


def test_settings_from_config_ignore_other_keys() -> None:
    settings = SomaticSettings.from_mapping(
        {"min_vaf": 0.1, "freebayes_extra": "-m 20", "panel_of_normals": ""}
    )
    assert settings.min_vaf == 0.1 and settings.min_depth == S.min_depth


# --- the VCF in, VCF out -------------------------------------------------------------------

HEADER = """##fileformat=VCFv4.2
##contig=<ID=chr1,length=10000>
##INFO=<ID=SAF,Number=A,Type=Integer,Description="alt forward">
##INFO=<ID=SAR,Number=A,Type=Integer,Description="alt reverse">
##INFO=<ID=SRF,Number=1,Type=Integer,Description="ref forward">
##INFO=<ID=SRR,Number=1,Type=Integer,Description="ref reverse">
##INFO=<ID=EPP,Number=A,Type=Float,Description="end placement">
##INFO=<ID=MQM,Number=A,Type=Float,Description="alt mapping quality">
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">
##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allele depths">
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tN1\tT1
"""

INFO = "SAF=10;SAR=10;SRF=50;SRR=50;EPP=3.0;MQM=60"
RECORDS = [
    # somatic SNV, VAF 0.25
    ("chr1", 100, "A", "G", "0/0:40:40,0", "0/1:80:60,20"),
    # germline heterozygous
    ("chr1", 200, "C", "T", "0/1:40:20,20", "0/1:80:40,40"),
    # somatic deletion, VAF 0.2
    ("chr1", 300, "GA", "G", "0/0:50:50,0", "0/1:100:80,20"),
    # low VAF
    ("chr1", 400, "T", "C", "0/0:40:40,0", "0/0:100:97,3"),
    # no reads in the normal at all
    ("chr1", 500, "G", "A", ".", "0/1:30:20,10"),
    # germline homozygous
    ("chr1", 600, "T", "A", "1/1:30:0,30", "1/1:60:0,60"),
]


def write_vcf(path: Path, records=RECORDS, header: str = HEADER, info: str = INFO) -> Path:
    lines = [
        f"{c}\t{p}\t.\t{r}\t{a}\t50\t.\t{info}\tGT:DP:AD\t{n}\t{t}" for c, p, r, a, n, t in records
    ]
    path.write_text(header + "\n".join(lines) + "\n")
    return path


def read(path: Path) -> list[pysam.VariantRecord]:
    with pysam.VariantFile(str(path)) as vcf:
        return list(vcf)


def test_paired_vcf_output(tmp_path: Path) -> None:
    vcf = write_vcf(tmp_path / "in.vcf")
    all_out, somatic_out = tmp_path / "all.vcf.gz", tmp_path / "somatic.vcf.gz"
    summary = classify_vcf(vcf, "T1", "N1", all_out, somatic_out, S)
    assert summary.mode == "paired" and summary.candidates == 6 and summary.somatic == 2
    assert (tmp_path / "somatic.vcf.gz.tbi").is_file() and (tmp_path / "all.vcf.gz.tbi").is_file()
    records = read(somatic_out)
    assert [(r.pos, r.ref, r.alts[0]) for r in records] == [(100, "A", "G"), (300, "GA", "G")]
    with pysam.VariantFile(str(somatic_out)) as handle:
        assert list(handle.header.samples) == ["T1", "N1"]  # tumour first
        assert "##somaticMode=paired" in str(handle.header)
    first = records[0]
    assert first.samples["T1"]["AD"] == (60, 20)
    assert first.samples["T1"]["DP"] == 80
    assert first.samples["T1"]["AF"] == (pytest.approx(0.25),)
    assert first.samples["T1"]["GT"] == (0, 1)
    assert first.samples["N1"]["AF"] == (0.0,)
    assert list(first.filter) == ["PASS"]
    filters = {r.pos: list(r.filter) for r in read(all_out)}
    assert filters[200] == ["NormalSupport"]
    assert filters[400] == ["LowVAF"]
    assert filters[500] == ["LowNormalDepth"]
    assert filters[600] == ["NormalSupport"]
    assert not list(tmp_path.glob(".*"))  # no temporary files left


def test_tumour_only_vcf_output(tmp_path: Path) -> None:
    vcf = write_vcf(tmp_path / "in.vcf")
    summary = classify_vcf(vcf, "T1", None, tmp_path / "a.vcf.gz", tmp_path / "s.vcf.gz", S)
    assert summary.mode == "tumour-only" and summary.limits == TUMOUR_ONLY_LIMITS
    filters = {r.pos: list(r.filter) for r in read(tmp_path / "a.vcf.gz")}
    assert filters[100] == ["PASS"] and filters[300] == ["PASS"] and filters[500] == ["PASS"]
    assert filters[200] == ["Germline"] and filters[600] == ["Germline"]
    with pysam.VariantFile(str(tmp_path / "s.vcf.gz")) as handle:
        assert list(handle.header.samples) == ["T1"]
        assert "tumourOnlyLimits" in str(handle.header)
    write_summary(summary, tmp_path / "summary.json")
    data = json.loads((tmp_path / "summary.json").read_text())
    assert data["filters"] == {"Germline": 2, "LowVAF": 1, "PASS": 3}
    assert data["settings"]["germline_vaf_window"] == S.germline_vaf_window


def test_panel_of_normals_and_population(tmp_path: Path) -> None:
    vcf = write_vcf(tmp_path / "in.vcf")
    pon = tmp_path / "pon.vcf"
    pon.write_text(
        "##fileformat=VCFv4.2\n##contig=<ID=chr1,length=10000>\n"
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\nchr1\t100\t.\tA\tG\t.\t.\t.\n"
    )
    population = tmp_path / "population.vcf"
    population.write_text(
        "##fileformat=VCFv4.2\n##contig=<ID=chr1,length=10000>\n"
        '##INFO=<ID=AF,Number=A,Type=Float,Description="frequency">\n'
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
        "chr1\t300\t.\tGA\tG\t.\t.\tAF=0.01\nchr1\t500\t.\tG\tA,T\t.\t.\tAF=0.5,0.0001\n"
    )
    pysam.tabix_index(str(population), preset="vcf", force=True)  # indexed: looked up by site
    summary = classify_vcf(
        vcf,
        "T1",
        None,
        tmp_path / "a.vcf.gz",
        tmp_path / "s.vcf.gz",
        S,
        panel_of_normals=pon,
        population=tmp_path / "population.vcf.gz",
    )
    filters = {r.pos: list(r.filter) for r in read(tmp_path / "a.vcf.gz")}
    assert filters[100] == ["PanelOfNormals"]
    assert filters[300] == ["Population"]
    assert filters[500] == ["Population"]  # G>A has AF 0.5
    assert summary.somatic == 0


def test_artefact_fields_come_from_info(tmp_path: Path) -> None:
    vcf = write_vcf(
        tmp_path / "in.vcf", records=RECORDS[:1], info="SAF=20;SAR=0;SRF=30;SRR=30;EPP=90;MQM=12"
    )
    classify_vcf(vcf, "T1", "N1", tmp_path / "a.vcf.gz", tmp_path / "s.vcf.gz", S)
    assert list(read(tmp_path / "a.vcf.gz")[0].filter) == [
        "StrandBias",
        "ReadEnd",
        "LowMappingQuality",
    ]


def test_unknown_sample_is_a_usage_error(tmp_path: Path) -> None:
    vcf = write_vcf(tmp_path / "in.vcf")
    with pytest.raises(UsageError, match="tumour sample TX not in the VCF"):
        classify_vcf(vcf, "TX", "N1", tmp_path / "a.vcf.gz", tmp_path / "s.vcf.gz", S)


def test_missing_allele_depths_leave_no_output(tmp_path: Path) -> None:
    header = HEADER.replace(
        '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allele depths">\n', ""
    )
    lines = "chr1\t100\t.\tA\tG\t50\t.\t.\tGT:DP\t0/0:40\t0/1:80\n"
    (tmp_path / "in.vcf").write_text(header + lines)
    with pytest.raises(FormatError, match="no FORMAT/AD"):
        classify_vcf(
            tmp_path / "in.vcf", "T1", "N1", tmp_path / "a.vcf.gz", tmp_path / "s.vcf.gz", S
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.vcf"]


def test_multiallelic_records_must_be_split(tmp_path: Path) -> None:
    records = [("chr1", 100, "A", "G,T", "0/0:40:40,0,0", "0/1:80:60,10,10")]
    vcf = write_vcf(tmp_path / "in.vcf", records=records, info=".")
    with pytest.raises(FormatError, match="bcftools norm -m -any"):
        classify_vcf(vcf, "T1", "N1", tmp_path / "a.vcf.gz", tmp_path / "s.vcf.gz", S)


# --- sample sheet ---------------------------------------------------------------------------

SCHEMAS = REPO / "workflow" / "schemas"


def sheets(tmp_path: Path, rows: list[str]) -> tuple[list[CancerPatient], list[str]]:
    fastq = tmp_path / "r.fastq.gz"
    fastq.write_bytes(b"")
    (tmp_path / "samples.tsv").write_text(
        "sample\tpatient\ttype\ttumor_type\n" + "\n".join(rows) + "\n"
    )
    names = [row.split("\t")[0] for row in rows]
    (tmp_path / "units.tsv").write_text(
        "sample\tunit\tfq1\tfq2\n" + "".join(f"{n}\tL1\t{fastq}\t{fastq}\n" for n in names)
    )
    samples, _units, problems = load_sheets(
        tmp_path / "samples.tsv",
        tmp_path / "units.tsv",
        SCHEMAS / "samples.schema.yaml",
        SCHEMAS / "units.schema.yaml",
    )
    return (cancer_patients(samples) if not problems else []), problems


def test_sheet_pairs_tumours_with_their_normal(tmp_path: Path) -> None:
    patients, problems = sheets(
        tmp_path,
        [
            "P1_T\tP1\ttumor\tLUAD",
            "P1_N\tP1\tnormal\t",
            "P2_T\tP2\ttumor\tBRCA",
            "P3_N\tP3\tnormal\t",  # a normal alone is fine: germline analysis only
            "G1\tP4\tgermline\t",
        ],
    )
    assert problems == []
    assert patients == [
        CancerPatient("P1", "P1_T", "P1_N", "LUAD"),
        CancerPatient("P2", "P2_T", None, "BRCA"),
    ]
    assert patients[0].paired and not patients[1].paired


def test_sheet_errors_name_file_and_line(tmp_path: Path) -> None:
    _, problems = sheets(
        tmp_path,
        [
            "P1_T\tP1\ttumor\tLUAD",
            "P1_N\tP1\tnormal\t",
            "P1_N2\tP1\tnormal\t",
            "P1_T2\tP1\ttumor\tLUAD",
            "P2_T\tP2\ttumor\t",
        ],
    )
    sheet = tmp_path / "samples.tsv"
    assert problems == [
        f"{sheet} line 4: patient P1 has a second normal sample P1_N2 (P1_N on line 3); "
        "give each normal its own patient name or remove one",
        f"{sheet} line 5: patient P1 has a second tumour sample P1_T2 (P1_T on line 2); "
        "give each tumour its own patient name or remove one",
        f"{sheet} line 6, column tumor_type: tumour sample P2_T needs the OncoTree code of the "
        "cancer (e.g. LUAD, BRCA)",
    ]


def test_sheet_unknown_type(tmp_path: Path) -> None:
    _, problems = sheets(tmp_path, ["S1\tP1\tsomatic\tLUAD"])
    assert len(problems) == 1
    assert problems[0].startswith(f"{tmp_path / 'samples.tsv'} line 2, column type:")
    assert "'somatic' is not one of" in problems[0]


# --- tumour-only: cancer hotspots are not removed as germline ---------------------------------


@pytest.fixture
def hotspot_genome(tmp_path: Path) -> tuple[Path, Path]:
    # HOT (+): CDS 11-40 = ATG GCT CTG AAA GGC TTT CAA GTT CCG TAA, residue 3 = CTG (Leu)
    # REV (-): CDS on the minus strand of 61-90, the same codons reverse-complemented
    cds = "ATGGCTCTGAAAGGCTTTCAAGTTCCGTAA"
    from actionable.calling.gtf import reverse_complement

    contig = "N" * 10 + cds + "N" * 20 + reverse_complement(cds) + "N" * 10
    fasta = tmp_path / "g.fa"
    fasta.write_text(f">c1\n{contig}\n")
    pysam.faidx(str(fasta))
    gtf = tmp_path / "g.gtf"
    rows = [("HOT", "+", 11, 40), ("REV", "-", 61, 90)]
    gtf.write_text(
        "".join(
            f'c1\tt\t{kind}\t{start}\t{end}\t.\t{strand}\t{frame}\tgene_id "{g}"; '
            f'transcript_id "{g}.1"; gene_name "{g}";\n'
            for g, strand, start, end in rows
            for kind, frame in (("exon", "."), ("CDS", "0"))
        )
    )
    residues = tmp_path / "residues.tsv"
    residues.write_text("gene\tresidue\nHOT\t3\nREV\t3\n")
    return gtf, fasta, residues


def test_hotspot_index(hotspot_genome) -> None:
    from actionable.calling.somatic import HotspotIndex

    index = HotspotIndex.load(*hotspot_genome)
    # HOT codon 3 = c.7-9 = positions 17-19 (CTG)
    assert index.hit("c1", 18, "T", "G") == "HOT:3"  # CTG>CGG Leu>Arg
    assert index.hit("c1", 19, "G", "A") is None  # CTG>CTA still Leu
    assert index.hit("c1", 20, "A", "G") is None  # codon 4
    assert index.hit("c1", 16, "TC", "T") == "HOT:3"  # deletes the codon's first base
    assert index.hit("c1", 14, "GC", "G") is None
    # REV (-): codon 3 = c.7-9 = positions 84-82; c.8 (T of CTG) sits at 83 as A on + strand
    assert index.hit("c1", 83, "A", "C") == "REV:3"  # CTG>CGG
    assert index.hit("c1", 82, "C", "T") is None  # CTG>CTA


def test_tumour_only_hotspot_escapes_germline_filter(tmp_path: Path, hotspot_genome) -> None:
    from actionable.calling.somatic import HotspotIndex

    header = HEADER.replace("##contig=<ID=chr1,length=10000>", "##contig=<ID=c1,length=100>")
    records = [
        ("c1", 18, "T", "G", ".", "0/1:60:30,30"),  # hotspot, VAF 0.5
        ("c1", 20, "A", "G", ".", "0/1:60:30,30"),  # not a hotspot, VAF 0.5
    ]
    vcf = write_vcf(tmp_path / "in.vcf", records=records, header=header)
    summary = classify_vcf(
        vcf,
        "T1",
        None,
        tmp_path / "a.vcf.gz",
        tmp_path / "s.vcf.gz",
        S,
        hotspots=HotspotIndex.load(*hotspot_genome),
    )
    result = {r.pos: (list(r.filter), r.info.get("HOTSPOT")) for r in read(tmp_path / "a.vcf.gz")}
    assert result == {18: (["PASS"], "HOT:3"), 20: (["Germline"], None)}
    assert summary.hotspots == ["c1:18 T>G HOT:3 PASS"]
    off = SomaticSettings(protect_hotspots=False)
    classify_vcf(
        vcf,
        "T1",
        None,
        tmp_path / "b.vcf.gz",
        tmp_path / "t.vcf.gz",
        off,
        hotspots=HotspotIndex.load(*hotspot_genome),
    )
    assert [list(r.filter) for r in read(tmp_path / "b.vcf.gz")] == [["Germline"], ["Germline"]]


def test_bundled_hotspots_hold_the_lung_drivers() -> None:
    from actionable.calling.somatic import read_hotspot_residues

    residues = read_hotspot_residues()
    assert {790, 858, 719, 746, 750} <= residues["EGFR"]
    assert 600 in residues["BRAF"] and 12 in residues["KRAS"]
