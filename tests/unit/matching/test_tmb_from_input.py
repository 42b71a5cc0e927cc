"""`--tmb-from-vcf --callable-mb X`: TMB counted in the variant input itself."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from actionable.cli import main

VCF2MAF = Path(__file__).resolve().parents[2] / "data" / "vcf2maf"
ANN = (
    "##INFO=<ID=ANN,Number=.,Type=String,Description=\"Functional annotations: 'Allele | "
    "Annotation | Annotation_Impact | Gene_Name | Gene_ID | Feature_Type | Feature_ID | "
    "Transcript_BioType | Rank | HGVS.c | HGVS.p | cDNA.pos / cDNA.length | CDS.pos / "
    "CDS.length | AA.pos / AA.length | Distance | ERRORS / WARNINGS / INFO'\">"
)


def ann(allele: str, effect: str, gene: str = "TTN") -> str:
    return f"ANN={allele}|{effect}|MODERATE|{gene}|G|transcript|T1|protein_coding|1/2||||||"


def run(
    argv: list[str], out: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, dict | None]:  # type: ignore[type-arg]
    rc = main([*argv, "--out", str(out)])
    doc = out / "findings.json"
    err = capsys.readouterr().err
    return rc, err, json.loads(doc.read_text()) if doc.exists() else None


def write_vcf(path: Path, records: list[str], somatic_flag: bool = False) -> Path:
    header = [
        "##fileformat=VCFv4.2",
        "##contig=<ID=chr2,length=242193529>",
        ANN,
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">',
    ]
    if somatic_flag:
        header.append('##INFO=<ID=SOMATIC,Number=0,Type=Flag,Description="Somatic call">')
    header.append("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tTUMOR")
    path.write_text("\n".join(header + records) + "\n")
    return path


RECORDS = [
    f"chr2\t1000\t.\tC\tT\t50\tPASS\t{ann('T', 'missense_variant')}\tGT:AD\t0/1:70,30",  # counted
    f"chr2\t2000\t.\tC\tT\t50\tPASS\t{ann('T', 'missense_variant')}\tGT:AD\t0/1:98,2",  # VAF 2 %
    f"chr2\t3000\t.\tC\tT\t50\tPASS\t{ann('T', 'synonymous_variant')}\tGT:AD\t0/1:50,50",
    f"chr2\t4000\t.\tC\tT\t50\tLowQual\t{ann('T', 'stop_gained')}\tGT:AD\t0/1:50,50",
    f"chr2\t5000\t.\tCA\tC\t50\t.\t{ann('C', 'frameshift_variant')}\tGT:AD\t0/1:60,40",  # counted
    f"chr2\t6000\t.\tG\tA,T\t50\tPASS\t{ann('A', 'intron_variant')},{ann('T', 'stop_gained')[4:]}"
    "\tGT:AD\t0/2:60,0,40",  # the carried ALT T is a stop: counted
]


def test_counts_pass_protein_changing_variants_at_5_percent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vcf = write_vcf(tmp_path / "in.vcf", RECORDS)
    argv = ["match", "--vcf", str(vcf), "--tumor-type", "LUAD", "--genome", "GRCh38"]
    rc, err, doc = run([*argv, "--tmb-from-vcf", "--callable-mb", "0.3"], tmp_path / "o", capsys)
    assert rc == 0 and doc is not None, err
    assert doc["inputs"]["tmb"] == 10.0 and doc["inputs"]["callable_mb"] == 0.3
    assert doc["inputs"]["tmb_method"].startswith("3 PASS ")
    (tmb,) = doc["findings"]
    assert tmb["alteration"] == "TMB-H (10 mut/Mb)"
    assert {e["therapy"] for e in tmb["evidence"]} == {"pembrolizumab"}


def test_somatic_flag_is_required_when_the_caller_writes_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = [RECORDS[0].replace("\tPASS\tANN", "\tPASS\tSOMATIC;ANN"), RECORDS[4]]
    vcf = write_vcf(tmp_path / "in.vcf", records, somatic_flag=True)
    argv = ["match", "--vcf", str(vcf), "--tumor-type", "LUAD", "--genome", "GRCh38"]
    rc, err, doc = run([*argv, "--tmb-from-vcf", "--callable-mb", "1"], tmp_path / "o", capsys)
    assert rc == 0 and doc is not None and doc["inputs"]["tmb"] == 1.0, err


def test_maf_consequences_count_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # vcf2maf's chr21 MAF: 19 of its 25 rows change the protein (15 missense, 2 frameshift,
    # 1 start lost, 1 stop gained, all at VAF >= 6 %; counted by hand from its Consequence,
    # t_alt_count and t_depth columns); synonymous, splice and intronic rows do not count
    maf = VCF2MAF / "test_b38_output.maf"
    argv = ["match", "--maf", str(maf), "--tumor-type", "SOLID", "--genome", "GRCh38"]
    rc, err, doc = run([*argv, "--tmb-from-vcf", "--callable-mb", "1.5"], tmp_path / "o", capsys)
    assert rc == 0 and doc is not None, err
    assert doc["inputs"]["tmb"] == 12.67 and doc["inputs"]["tmb_method"].startswith("19 PASS")
    assert [f["gene"] for f in doc["findings"]] == ["TMB"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--tmb-from-vcf"], "--callable-mb None must be a positive number"),
        (["--tmb-from-vcf", "--callable-mb", "0"], "--callable-mb '0' must be a positive number"),
        (["--tmb-from-vcf", "--callable-mb", "1", "--tmb", "12"], "give --tmb or --tmb-from-vcf"),
        (["--callable-mb", "1"], "--callable-mb is only used with --tmb-from-vcf"),
    ],
)
def test_option_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    vcf = write_vcf(tmp_path / "in.vcf", RECORDS)
    argv = ["match", "--vcf", str(vcf), "--tumor-type", "LUAD", "--genome", "GRCh38", *extra]
    rc, err, doc = run(argv, tmp_path / "o", capsys)
    assert rc == 2 and doc is None and message in err


def test_unannotated_vcf_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    vcf = tmp_path / "plain.vcf"
    vcf.write_text("##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n")
    argv = ["match", "--vcf", str(vcf), "--tumor-type", "LUAD", "--genome", "GRCh38"]
    rc, err, _ = run([*argv, "--tmb-from-vcf", "--callable-mb", "1"], tmp_path / "o", capsys)
    assert rc == 2 and "--tmb-from-vcf needs the consequence of every variant" in err
