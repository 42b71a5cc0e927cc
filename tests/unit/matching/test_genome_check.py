"""The genome-build check: contig lengths, ##reference/##assembly, REF at known positions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from actionable.cli import main

HEADER = "##fileformat=VCFv4.2\n{extra}#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
#: BRAF V600E: 7:140453136 A>T on GRCh37, 7:140753336 A>T on GRCh38; PIK3CA H1047R
#: 3:179234297 A>G on GRCh38, 3:178952085 A>G on GRCh37 (knowledge-base coordinates)
BRAF_37 = "7\t140453136\t.\tA\tT\t50\tPASS\t.\n"
BRAF_38 = "7\t140753336\t.\tA\tT\t50\tPASS\t.\n"
PIK3CA_37 = "3\t178952085\t.\tA\tG\t50\tPASS\t.\n"


def vcf(tmp_path: Path, extra: str = "", records: str = "") -> Path:
    path = tmp_path / "in.vcf"
    path.write_text(HEADER.format(extra=extra) + records)
    return path


def run(
    path: Path, genome: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str | None]:
    out = tmp_path / "out"
    rc = main(["match", "--vcf", str(path), "--tumor-type", "MEL", "--genome", genome,
               "--out", str(out)])  # fmt: skip
    err = capsys.readouterr().err
    doc = out / "findings.json"
    return rc, err, json.loads(doc.read_text())["genome_check"] if doc.exists() else None


def test_every_contig_is_checked_not_only_chr1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # chr1 says GRCh38, chr7 says GRCh37: the disagreeing contig is named
    extra = "##contig=<ID=chr1,length=248956422>\n##contig=<ID=chr7,length=159138663>\n"
    rc, err, status = run(vcf(tmp_path, extra), "GRCh38", tmp_path, capsys)
    assert rc == 2 and status is None
    assert err.strip().splitlines() == [
        f"actionable match: error: {tmp_path / 'in.vcf'}: contig chr7 has length 159138663, "
        "which is GRCh37, but --genome GRCh38 was given; rerun with --genome GRCh37 (or lift "
        "the input over to GRCh38)"
    ]


def test_contig_lengths_verify(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    extra = "##contig=<ID=7,length=159345973>\n##contig=<ID=MT,length=16569>\n"
    rc, err, status = run(vcf(tmp_path, extra, BRAF_38), "GRCh38", tmp_path, capsys)
    assert (rc, err, status) == (0, "", "verified")


@pytest.mark.parametrize(
    ("line", "genome", "status", "named"),
    [
        ("##reference=file:///refs/Homo_sapiens.GRCh37.75.dna.primary_assembly.fa", "GRCh37",
         "verified", None),
        ("##reference=HG19", "GRCh38", None, "GRCh37"),
        ("##assembly=GRCh38DH", "GRCh37", None, "GRCh38"),
        ("##reference=file:///refs/human_g1k_v37_decoy.fa", "GRCh38", None, "GRCh37"),
    ],
)  # fmt: skip
def test_reference_and_assembly_lines(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    line: str,
    genome: str,
    status: str | None,
    named: str | None,
) -> None:
    rc, err, found = run(vcf(tmp_path, line + "\n"), genome, tmp_path, capsys)
    assert found == status
    if named is not None:
        assert rc == 2 and f"which is {named}, but --genome {genome}" in err


def test_ref_alleles_at_known_positions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # two GRCh37 hotspots given as GRCh38: REF agrees with GRCh37 twice, never with GRCh38
    rc, err, status = run(vcf(tmp_path, "", BRAF_37 + PIK3CA_37), "GRCh38", tmp_path, capsys)
    assert rc == 2 and status is None
    assert "REF alleles agree with GRCh37 at 2 knowledge-base positions" in err
    # the same records with the right build: verified, BRAF V600E found
    rc, err, status = run(vcf(tmp_path, "", BRAF_37 + PIK3CA_37), "GRCh37", tmp_path, capsys)
    assert (rc, err, status) == (0, "", "verified")


def test_undecidable_is_stated_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # one GRCh37 hotspot under --genome GRCh38: not enough to call a mismatch, never silent
    rc, err, status = run(vcf(tmp_path, "", BRAF_37), "GRCh38", tmp_path, capsys)
    assert rc == 0 and status == "unverified"
    (line,) = err.strip().splitlines()
    assert line.startswith("actionable match: warning: ")
    assert "genome build unverified" in line and "--genome GRCh38" in line


def test_no_genome_is_unverified_without_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rc, err, status = run(vcf(tmp_path, "", BRAF_37), "none", tmp_path, capsys)
    assert (rc, err, status) == (0, "", "unverified")
