"""`actionable pgx` end to end: pgx.json content, schema, determinism and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from actionable.cli import main
from tests.support.pgx_vcfs import write_vcf

SCHEMA = (
    Path(__file__).resolve().parents[3]
    / "src"
    / "actionable"
    / "data"
    / "schemas"
    / "pgx.schema.json"
)
ALL = ("CYP2C19", "CYP2D6", "DPYD", "NUDT15", "TPMT", "UGT1A1")
GTS = {
    94842866: "1/1",  # CYP2C19 rs3758581
    94775367: "0/1",  # CYP2C19 *2 (rs12769205)
    94781859: "0/1",  # CYP2C19 *2 (rs4244285)
    97450058: "0/1",  # DPYD *2A
}


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["pgx", *args])
    return code, capsys.readouterr().err


def test_pgx_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    vcf = write_vcf(tmp_path / "germline.vcf", genes=ALL, overrides=GTS, samples=("NORMAL",))
    out = tmp_path / "out"
    code, err = run(capsys, "--vcf", str(vcf), "--genome", "GRCh38", "--out", str(out))
    assert code == 0, err
    text = (out / "pgx.json").read_text()
    assert text.endswith("}\n")
    doc = json.loads(text)
    jsonschema.validate(doc, json.loads(SCHEMA.read_text()))
    assert doc["schema_version"] == "1"
    assert doc["sample"] == "NORMAL"
    assert doc["genome"] == "GRCh38"
    assert doc["definitions"]["version"] == "2025-11-05-00-25"
    assert [g["gene"] for g in doc["genes"]] == sorted(ALL)
    genes = {g["gene"]: g for g in doc["genes"]}
    assert genes["CYP2C19"]["diplotype"] == "*1/*2"
    clopidogrel = [r for r in genes["CYP2C19"]["recommendations"] if r["drug"] == "clopidogrel"]
    assert {r["population"]: r["strength"] for r in clopidogrel} == {
        "ACS and/or PCI": "Strong",
        "neurovascular indication": "Moderate",
    }
    assert genes["DPYD"]["activity_score"] == 1.0
    assert genes["UGT1A1"]["diplotype"] == "*1/*1"  # the repeat position is in the VCF as 0/0
    assert genes["CYP2D6"]["copy_number_assessed"] is False
    # deterministic: a second run writes identical bytes, keys sorted
    run(capsys, "--vcf", str(vcf), "--genome", "GRCh38", "--out", str(out))
    assert (out / "pgx.json").read_text() == text
    assert text == json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert sorted(p.name for p in out.iterdir()) == ["pgx.json"]


def test_gene_subset_and_chr_less(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    vcf = write_vcf(tmp_path / "g.vcf", genes=("CYP2C19",), overrides=GTS, bare_contigs=True)
    out = tmp_path / "out"
    code, err = run(
        capsys,
        "--vcf",
        str(vcf),
        "--genome",
        "GRCh38",
        "--out",
        str(out),
        "--genes",
        "CYP2C19,TPMT",
    )
    assert code == 0, err
    doc = json.loads((out / "pgx.json").read_text())
    assert [(g["gene"], g["status"]) for g in doc["genes"]] == [
        ("CYP2C19", "called"),
        ("TPMT", "not_called"),
    ]


def one_line_error(capsys: pytest.CaptureFixture[str], out: Path, *args: str) -> str:
    code, err = run(capsys, *args, "--out", str(out))
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("actionable pgx: error: ")
    assert not out.exists() or not any(out.iterdir())  # nothing half-written
    return lines[0]


def test_errors_exit_2_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    good = write_vcf(tmp_path / "good.vcf", genes=("CYP2C19",), overrides=GTS)
    line = one_line_error(capsys, out, "--vcf", str(good), "--genome", "GRCh37")
    assert "GRCh37" in line and "lift over to GRCh38 first" in line

    old = write_vcf(tmp_path / "old.vcf", genes=("CYP2C19",), contig_lengths={"chr10": 135534747})
    line = one_line_error(capsys, out, "--vcf", str(old), "--genome", "GRCh38")
    assert "GRCh37" in line and "lift over to GRCh38 first" in line

    bad = tmp_path / "bad.vcf"
    bad.write_text(good.read_text().replace("\t94842866\t", "\t94842866x\t"))
    line = one_line_error(capsys, out, "--vcf", str(bad), "--genome", "GRCh38")
    assert "bad.vcf line" in line and "malformed data line" in line

    two = write_vcf(tmp_path / "two.vcf", genes=("CYP2C19",), samples=("T", "N"))
    line = one_line_error(capsys, out, "--vcf", str(two), "--genome", "GRCh38", "--sample", "X")
    assert line.endswith("available: T, N")
    line = one_line_error(capsys, out, "--vcf", str(two), "--genome", "GRCh38")
    assert "--sample" in line

    line = one_line_error(capsys, out, "--vcf", str(tmp_path / "nope.vcf"), "--genome", "GRCh38")
    assert "nope.vcf: VCF file not found" in line
