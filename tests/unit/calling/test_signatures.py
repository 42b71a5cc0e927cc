"""TMB and MSI: intervals, callable coding bases, counting rules, microsatellite scanning."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pysam
import pytest

from actionable.calling.signatures import (
    Microsatellite,
    SignatureSettings,
    SomaticVariant,
    callable_intervals,
    coding_intervals,
    compute_signatures,
    contains,
    intersect,
    merge,
    microsatellite_instability,
    read_somatic,
    scan_microsatellites,
    scan_reference,
    total_bases,
    tumour_mutational_burden,
)
from actionable.errors import FormatError
from actionable.formats.signatures import match_options, write_signatures


def test_interval_helpers() -> None:
    a = merge({"c": [(10, 20), (15, 30), (30, 40), (50, 60)]})
    assert a == {"c": [(10, 40), (50, 60)]}
    b = merge({"c": [(0, 12), (35, 55)], "d": [(0, 5)]})
    assert intersect(a, b) == {"c": [(10, 12), (35, 40), (50, 55)]}
    assert total_bases(intersect(a, b)) == 12
    assert contains(a, "c", 10, 40) and not contains(a, "c", 35, 45)
    assert not contains(a, "x", 10, 11)


def write_gtf(path: Path) -> Path:
    attrs = 'gene_id "G"; transcript_id "G.1"; gene_name "G";'
    rows = [
        ("exon", 101, 300, "."),
        ("CDS", 151, 300, "0"),
        ("exon", 401, 600, "."),
        ("CDS", 401, 497, "0"),
        ("stop_codon", 498, 500, "0"),
    ]
    path.write_text(
        "".join(f"c1\tt\t{f}\t{s}\t{e}\t.\t+\t{fr}\t{attrs}\n" for f, s, e, fr in rows)
        + 'c1\tt\texon\t700\t800\t.\t+\t.\tgene_id "N"; transcript_id "N.1"; gene_name "N";\n'
    )
    return path


def test_coding_intervals_include_stop_codons(tmp_path: Path) -> None:
    coding = coding_intervals(write_gtf(tmp_path / "g.gtf"))
    assert coding == {"c1": [(150, 300), (400, 500)]}


def write_quantized(path: Path, rows: list[tuple[str, int, int, str]]) -> Path:
    with gzip.open(path, "wt") as handle:
        handle.writelines(f"{c}\t{s}\t{e}\t{label}\n" for c, s, e, label in rows)
    return path


def test_callable_needs_every_sample(tmp_path: Path) -> None:
    tumour = write_quantized(
        tmp_path / "t.bed.gz", [("c1", 0, 200, "CALLABLE"), ("c1", 200, 1000, "LOW")]
    )
    normal = write_quantized(
        tmp_path / "n.bed.gz", [("c1", 0, 100, "LOW"), ("c1", 100, 1000, "CALLABLE")]
    )
    assert callable_intervals([tumour]) == {"c1": [(0, 200)]}
    assert callable_intervals([tumour, normal]) == {"c1": [(100, 200)]}


def variant(pos: int, ref: str, alt: str, terms: str, vaf: float | None = 0.3) -> SomaticVariant:
    return SomaticVariant("c1", pos, ref, alt, vaf, frozenset(terms.split("&")))


def test_tmb_counts_callable_protein_changes() -> None:
    callable_coding = {"c1": [(0, 500_000)]}  # 0.5 Mb
    variants = [
        variant(100, "A", "G", "missense_variant"),
        variant(200, "C", "T", "stop_gained"),
        variant(300, "CA", "C", "frameshift_variant"),
        variant(400, "T", "TGGC", "conservative_inframe_insertion"),
        variant(500, "G", "A", "synonymous_variant"),  # not protein-changing
        variant(600, "G", "A", "intron_variant"),
        variant(700, "G", "A", "missense_variant", vaf=0.02),  # below tmb_min_vaf
        variant(600_000, "G", "A", "missense_variant"),  # outside the callable territory
        variant(800, "G", "A", "splice_region_variant&missense_variant"),
    ]
    tmb, counted, megabases = tumour_mutational_burden(
        variants, callable_coding, SignatureSettings()
    )
    assert counted == 5 and megabases == 0.5 and tmb == pytest.approx(10.0)
    assert tumour_mutational_burden([], {}, SignatureSettings()) == (0.0, 0, 0.0)


def test_indel_counted_at_its_first_changed_base() -> None:
    # deletion anchored at the last base before a callable interval: its deleted base is in
    callable_coding = {"c1": [(100, 200)]}
    deletion = variant(100, "CA", "C", "frameshift_variant")
    assert tumour_mutational_burden([deletion], callable_coding, SignatureSettings())[1] == 1
    snv = variant(100, "C", "T", "missense_variant")
    assert tumour_mutational_burden([snv], callable_coding, SignatureSettings())[1] == 0


def loci(n: int) -> list[Microsatellite]:
    return [Microsatellite("c1", 1000 * i, 1000 * i + 12, f"MS{i}") for i in range(1, n + 1)]


def test_msi_score_and_status() -> None:
    callable_bases = {"c1": [(0, 1_000_000)]}
    settings = SignatureSettings(msi_high_score=20.0, min_msi_loci=5)
    # left-aligned deletion in a repeat is anchored on the base before it (BED start)
    unstable = [variant(1000 * i, "TA", "T", "intron_variant") for i in (1, 2, 3)]
    status, score, assessed, hits = microsatellite_instability(
        unstable, loci(10), callable_bases, settings
    )
    assert (status, score, len(assessed)) == ("MSI-H", 30.0, 10)
    assert [h.name for h in hits] == ["MS1", "MS2", "MS3"]
    status, score, _, _ = microsatellite_instability(
        unstable[:1], loci(10), callable_bases, settings
    )
    assert (status, score) == ("MSS", 10.0)
    # SNVs never count; loci outside callable bases are not assessed
    snvs = [variant(1000 * i + 3, "A", "G", "intron_variant") for i in range(1, 11)]
    assert microsatellite_instability(snvs, loci(10), callable_bases, settings)[1] == 0.0
    status, score, assessed, _ = microsatellite_instability(
        unstable, loci(10), {"c1": [(0, 3500)]}, settings
    )
    assert (status, len(assessed), score) == ("MSS", 3, 100.0)  # too few loci for MSI-H


def test_scanner() -> None:
    sequence = "GCGT" + "A" * 10 + "GCGT" + "A" * 9 + "GTCG" + "CA" * 5 + "GTCG" + "TG" * 4 + "C"
    found = scan_microsatellites(sequence, "c1", offset=100)
    assert found == [
        Microsatellite("c1", 104, 114, "Ax10"),
        Microsatellite("c1", 131, 141, "CAx5"),
    ]
    # a homopolymer is not reported again as a dinucleotide repeat
    assert scan_microsatellites("G" + "A" * 14 + "G", "c1") == [Microsatellite("c1", 1, 15, "Ax14")]


def test_scan_reference_within_regions(tmp_path: Path) -> None:
    fasta = tmp_path / "ref.fa"
    fasta.write_text(">c1\n" + "GCGA" * 10 + "T" * 12 + "GCGT" * 10 + "AC" * 6 + "GCGT" * 5 + "\n")
    pysam.faidx(str(fasta))
    out = tmp_path / "ms.bed"
    assert scan_reference(fasta, None, out) == 2
    assert out.read_text().splitlines() == ["c1\t40\t52\tc1:41_Tx12", "c1\t92\t104\tc1:93_ACx6"]
    regions = tmp_path / "regions.bed"
    regions.write_text("c1\t30\t60\tG\n")
    assert scan_reference(fasta, regions, out) == 1


ANN_HEADER = """##fileformat=VCFv4.2
##contig=<ID=c1,length=2000>
##INFO=<ID=ANN,Number=.,Type=String,Description="Functional annotations: 'Allele | Annotation'">
##FILTER=<ID=LowVAF,Description="low">
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
##FORMAT=<ID=AD,Number=R,Type=Integer,Description="depths">
##FORMAT=<ID=AF,Number=A,Type=Float,Description="fraction">
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tT\tN
"""


def record(pos: int, ref: str, alt: str, flt: str, info: str, fmt: str, tumour: str) -> str:
    normal = ":".join(["0/0", "30,0", "0"][: len(fmt.split(":"))])
    return f"c1\t{pos}\t.\t{ref}\t{alt}\t.\t{flt}\t{info}\t{fmt}\t{tumour}\t{normal}\n"


def test_read_somatic_uses_pass_records_and_tumour_af(tmp_path: Path) -> None:
    path = tmp_path / "s.vcf"
    path.write_text(
        ANN_HEADER
        + record(160, "A", "G", "PASS", "ANN=G|missense_variant", "GT:AD:AF", "0/1:30,10:0.25")
        + record(170, "A", "T", "LowVAF", "ANN=T|missense_variant", "GT:AD:AF", "0/1:99,1:0.01")
        + record(180, "C", "T", "PASS", "ANN=T|synonymous_variant", "GT:AD", "0/1:20,20")
    )
    variants = read_somatic(path)
    assert [(v.pos, v.vaf) for v in variants] == [(160, 0.25), (180, 0.5)]
    assert variants[0].is_nonsynonymous and not variants[1].is_nonsynonymous
    plain = tmp_path / "plain.vcf"
    plain.write_text(ANN_HEADER.replace("##INFO=<ID=ANN", "##INFO=<ID=XANN"))
    with pytest.raises(FormatError, match="no snpEff ANN or VEP CSQ"):
        read_somatic(plain)


def test_read_somatic_vep_csq(tmp_path: Path) -> None:
    path = tmp_path / "vep.vcf"
    path.write_text(
        ANN_HEADER.replace(
            "##INFO=<ID=ANN,Number=.,Type=String,Description=\"Functional annotations: 'Allele | "
            "Annotation'\">",
            '##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from '
            'Ensembl VEP. Format: Allele|Consequence|IMPACT|SYMBOL">',
        )
        + record(160, "A", "G", "PASS", "CSQ=G|missense_variant|MODERATE|G", "GT:AD", "0/1:30,10")
    )
    (found,) = read_somatic(path)
    assert found.consequences == {"missense_variant"} and found.vaf == 0.25


def test_compute_signatures_report(tmp_path: Path) -> None:
    gtf = write_gtf(tmp_path / "g.gtf")
    vcf = tmp_path / "s.vcf"
    vcf.write_text(
        ANN_HEADER
        + record(160, "A", "G", "PASS", "ANN=G|missense_variant", "GT:AD:AF", "0/1:30,10:0.25")
        + record(650, "TA", "T", "PASS", "ANN=T|intron_variant", "GT:AD:AF", "0/1:30,10:0.25")
    )
    quantized = [
        write_quantized(tmp_path / f"{s}.bed.gz", [("c1", 0, 2000, "CALLABLE")]) for s in "TN"
    ]
    ms = tmp_path / "ms.bed"
    ms.write_text("c1\t650\t662\tMS1\nc1\t900\t912\tMS2\n")
    report = compute_signatures(
        "P1", vcf, gtf, quantized, ms, SignatureSettings(min_msi_loci=2), paired=True
    )
    # 250 callable coding bases: 151-300 and 401-500
    assert report.callable_mb == pytest.approx(250e-6)
    assert report.tmb_variants == 1 and report.tmb == pytest.approx(4000.0)
    assert not report.tmb_assessable
    assert (report.msi_status, report.msi_score, report.msi_loci_assessed) == ("MSI-H", 50.0, 2)
    assert report.unstable_loci == ["MS1"]
    out = tmp_path / "sig.json"
    write_signatures(report, out)
    data = json.loads(out.read_text())
    for key in ("tmb", "msi_status", "msi_score", "callable_mb", "method", "notes"):
        assert key in data
    assert isinstance(data["tmb"], float) and data["msi_status"] in ("MSI-H", "MSS")
    assert any("too small a territory" in note for note in data["notes"])
    # only what could be established becomes an `actionable match` option
    assert match_options(out) == ["--msi", "MSI-H"]
