"""MAF input: vcf2maf's own VCF↔MAF pairs, anchors from a FASTA, samples, bad rows."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from cyvcf2 import VCF

from actionable.cli import main
from actionable.errors import FormatError, UsageError
from actionable.io.tables import read_table
from actionable.matching.fasta import Reference
from actionable.matching.knowledge import allele_keys, load_knowledge_base
from actionable.matching.maf import OPTIONAL, REQUIRED, MafReader, _variant, to_vcf
from actionable.matching.vcf import ReadStats

DATA = Path(__file__).resolve().parents[2] / "data"
VCF2MAF = DATA / "vcf2maf"
TINY_FASTA = DATA / "na12878-chr22-tiny" / "q.fa"
MINIMAL_COLUMNS = (
    "Chromosome\tStart_Position\tReference_Allele\tTumor_Seq_Allele2\tTumor_Sample_Barcode\n"
)


class VcfBases:
    """The reference bases a VCF's REF alleles spell out, as a stand-in FASTA."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.bases: dict[tuple[str, int], str] = {}
        for record in VCF(str(path)):
            for i, base in enumerate(record.REF):
                self.bases[(record.CHROM, record.POS + i)] = base

    def sequence(self, chrom: str, pos: int, length: int) -> str:
        found = [self.bases.get((chrom, pos + i), "") for i in range(length)]
        return "".join(found) if all(found) else ""


def pairs(vcf_name: str, maf_name: str) -> list[tuple[tuple[str, int, str, list[str]], object]]:
    """(VCF record as chrom/pos/ref/alts, MAF variant) in file order (vcf2maf keeps it)."""
    records = [(r.CHROM, r.POS, r.REF, list(r.ALT)) for r in VCF(str(VCF2MAF / vcf_name))]
    table = read_table(VCF2MAF / maf_name, REQUIRED, OPTIONAL, "MAF")
    variants = [_variant(row) for row in table.rows]
    assert len(records) == len(variants)
    return list(zip(records, variants, strict=True))


@pytest.mark.parametrize(
    ("vcf_name", "maf_name", "exact"),
    [("test.vcf", "test.maf", 17), ("test_b38.vcf", "test_b38_output.maf", 25)],
)
def test_vcf2maf_pairs_convert_back(vcf_name: str, maf_name: str, exact: int) -> None:
    bases = VcfBases(VCF2MAF / vcf_name)
    same_record = 0
    for (chrom, pos, ref, alts), variant in pairs(vcf_name, maf_name):
        assert variant is not None
        anchored = to_vcf(variant, bases, maf_name)  # type: ignore[arg-type]
        anchor_free = to_vcf(variant, None, maf_name)
        if anchored in {(pos, ref, alt) for alt in alts}:
            same_record += 1
        # the MAF allele is one of the record's ALT alleles, with or without the anchor
        vcf_keys = {k for alt in alts for k in allele_keys(chrom, pos, ref, alt)}
        assert vcf_keys & set(allele_keys(chrom, *anchored)), (variant, anchored)
        assert vcf_keys & set(allele_keys(chrom, *anchor_free)), (variant, anchor_free)
    # every row is the VCF record itself except vcf2maf's trimmed multi-allelic APC rows
    assert same_record == exact


def test_insertion_and_deletion_anchor_from_fasta(tmp_path: Path) -> None:
    fasta = tmp_path / "q.fa"
    shutil.copy(TINY_FASTA, fasta)  # q.fa: positions 100-103 read C C A G
    maf = tmp_path / "in.maf"
    maf.write_text(
        MINIMAL_COLUMNS + "q\t101\tCAG\t-\tT1\n" + "q\t100\t-\tTT\tT1\n" + "q\t102\tA\tG\tT1\n"
    )
    reference = Reference(fasta, "none")
    table = read_table(maf, REQUIRED, OPTIONAL, "MAF")
    converted = [to_vcf(_variant(row), reference, str(maf)) for row in table.rows]  # type: ignore[arg-type]
    assert converted == [(100, "CCAG", "C"), (100, "C", "CTT"), (102, "A", "G")]
    assert [to_vcf(_variant(row), None, str(maf)) for row in table.rows] == [  # type: ignore[arg-type]
        (101, "CAG", "-"),
        (101, "-", "TT"),
        (102, "A", "G"),
    ]
    maf.write_text(MINIMAL_COLUMNS + "q\t101\tGGG\t-\tT1\n")
    (row,) = read_table(maf, REQUIRED, OPTIONAL, "MAF").rows
    with pytest.raises(FormatError, match=r"in.maf:2: Reference_Allele GGG at q:101 is CAG"):
        to_vcf(_variant(row), reference, str(maf))  # type: ignore[arg-type]


def test_minimal_maf_needs_a_sample_when_several(tmp_path: Path) -> None:
    maf = VCF2MAF / "minimalist_test_maf.tsv"
    with pytest.raises(UsageError, match=r"holds 10 tumour samples \(TCGA-A1-A0SB-01A-11D-A142-09"):
        MafReader(maf, "GRCh37")
    with pytest.raises(UsageError, match="'T9' is not a Tumor_Sample_Barcode"):
        MafReader(maf, "GRCh37", sample="T9")
    reader = MafReader(maf, "GRCh37", sample="TCGA-A1-A0SI-01A-11D-A142-09")
    stats = ReadStats()
    (call,) = reader.calls(load_knowledge_base(), stats)
    assert (call.chrom, call.pos, call.ref, call.alt, call.annotations) == (
        "3",
        178952085,
        "A",
        "G",
        (),
    )
    assert stats.records == 195 and reader.genome_check.finish() == "verified"


def test_annotation_columns_are_read_as_csq() -> None:
    reader = MafReader(VCF2MAF / "test_output.vep_isoforms.maf", "GRCh37")
    calls = {c.pos: c for c in reader.calls(load_knowledge_base(), ReadStats())}
    pik3ca = calls[178936091]
    (ann,) = pik3ca.annotations
    assert (ann.gene, ann.consequences, ann.hgvsp, ann.transcript, ann.exon) == (
        "PIK3CA",
        ("missense_variant",),
        "p.Glu545Lys",
        "ENST00000263967",
        10,
    )
    assert pik3ca.vaf == 0.5116 and pik3ca.depth == 43


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "7\tx55191822\tT\tG\tT1\n",
            "in.maf:2: column 'Start_Position': 'x55191822' is not a position",
        ),
        (
            "7\t55191822\tT\t<DEL>\tT1\n",
            "in.maf:2: column 'Tumor_Seq_Allele2': '<DEL>' is not an allele",
        ),
        ("7\t55191822\tT\tG\n", "in.maf:2: expected 5 tab-separated columns, found 4"),
    ],
)
def test_bad_rows_are_one_line_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], row: str, message: str
) -> None:
    maf = tmp_path / "in.maf"
    maf.write_text(MINIMAL_COLUMNS + row)
    out = tmp_path / "out"
    rc = main(
        [
            "match",
            "--maf",
            str(maf),
            "--tumor-type",
            "LUAD",
            "--genome",
            "GRCh38",
            "--out",
            str(out),
        ]
    )
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and len(err) == 1 and message in err[0], err
    assert not out.exists()


def test_missing_columns_are_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    maf = tmp_path / "in.maf"
    maf.write_text("Chromosome\tStart_Position\tReference_Allele\n7\t1\tA\n")
    rc = main(
        [
            "match",
            "--maf",
            str(maf),
            "--tumor-type",
            "LUAD",
            "--genome",
            "GRCh38",
            "--out",
            str(tmp_path),
        ]
    )
    err = capsys.readouterr().err
    assert rc == 2 and "missing Tumor_Seq_Allele2, Tumor_Sample_Barcode" in err


def test_vcf_and_maf_are_exclusive(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(
            [
                "match",
                "--vcf",
                "a.vcf",
                "--maf",
                "b.maf",
                "--tumor-type",
                "LUAD",
                "--genome",
                "GRCh38",
                "--out",
                "o",
            ]
        )
    assert exc.value.code == 2 and "not allowed with argument" in capsys.readouterr().err


def test_maf_and_its_vcf_give_the_same_findings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    docs = []
    for flag, name in (("--vcf", "test.vcf"), ("--maf", "test.maf")):
        out = tmp_path / name
        argv = [
            "match",
            flag,
            str(VCF2MAF / name),
            "--tumor-type",
            "BRCA",
            "--genome",
            "GRCh37",
            "--out",
            str(out),
        ]
        argv += ["--sample", "TUMOR"]
        assert main(argv) == 0, capsys.readouterr().err
        docs.append(json.loads((out / "findings.json").read_text()))
    vcf_doc, maf_doc = docs

    def therapies(doc: dict) -> set[tuple[str, str, str, str]]:  # type: ignore[type-arg]
        return {
            (f["gene"], e["therapy"], e["direction"], e["tier"])
            for f in doc["findings"]
            for e in f["evidence"]
        }

    assert therapies(maf_doc) == therapies(vcf_doc)
    assert ("PIK3CA", "alpelisib + fulvestrant", "sensitivity", "I-A") in therapies(maf_doc)
    assert maf_doc["inputs"]["maf"] == "test.maf" and maf_doc["inputs"]["vcf"] is None


def test_ncbi_build_is_checked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    maf = VCF2MAF / "test.maf"
    argv = ["match", "--maf", str(maf), "--tumor-type", "BRCA", "--genome", "GRCh38"]
    assert main([*argv, "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "column NCBI_Build says 'GRCh37', which is GRCh37, but --genome GRCh38" in err
