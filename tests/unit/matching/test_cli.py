"""`actionable match` command line: errors, determinism, schema, TSV."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from actionable.cli import main
from actionable.formats.findings import TSV_COLUMNS, load_schema

CASES = Path(__file__).resolve().parents[2] / "golden" / "cases"
T790M_VCF = CASES / "genomic_resistance_l858r_t790m_grch38" / "input.vcf"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    rc = main(argv)
    return rc, capsys.readouterr().err


def base_args(vcf: Path, out: Path, tumour: str = "LUAD", genome: str = "GRCh38") -> list[str]:
    return [
        "match",
        "--vcf",
        str(vcf),
        "--tumor-type",
        tumour,
        "--genome",
        genome,
        "--out",
        str(out),
    ]


def assert_one_line_error(rc: int, err: str, *fragments: str) -> None:
    assert rc == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("actionable match: error: ")
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in lines[0]


def test_outputs_are_deterministic_and_valid(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fusions = tmp_path / "f.tsv"
    fusions.write_text("gene5p\tgene3p\nEML4\tALK\n")
    outs = []
    for name in ("a", "b"):
        out = tmp_path / name
        argv = [
            *base_args(T790M_VCF, out),
            "--fusions",
            str(fusions),
            "--tmb",
            "11",
            "--msi",
            "MSI-H",
        ]
        assert run(argv, capsys)[0] == 0
        outs.append(out)
    for fname in ("findings.json", "findings.tsv"):
        assert (outs[0] / fname).read_bytes() == (outs[1] / fname).read_bytes()
    doc = json.loads((outs[0] / "findings.json").read_text())
    schema = load_schema()
    jsonschema.validate(doc, schema)
    assert doc["schema_version"] == "1"
    assert doc["knowledge_base"]["version"]
    assert [f["gene"] for f in doc["findings"]] == ["ALK", "EGFR", "EGFR", "MSI", "TMB"]
    text = (outs[0] / "findings.json").read_text()
    assert text == json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    rows = (outs[0] / "findings.tsv").read_text().splitlines()
    assert rows[0].split("\t") == list(TSV_COLUMNS)
    assert len(rows) - 1 == sum(len(f["evidence"]) for f in doc["findings"])
    assert all(r.split("\t")[3] == doc["knowledge_base"]["version"] for r in rows[1:])
    assert list(outs[0].iterdir()) and not [p for p in outs[0].iterdir() if p.name.startswith(".")]


def test_schema_rejects_a_broken_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(base_args(T790M_VCF, tmp_path), capsys)[0] == 0
    doc = json.loads((tmp_path / "findings.json").read_text())
    doc["findings"][0]["evidence"][0]["direction"] = "sensitive"
    schema = load_schema()
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, schema)


@pytest.mark.parametrize(
    ("extra", "fragments"),
    [
        (["--genome", "hg42"], ["unknown genome 'hg42'"]),
        (["--tumor-type", "LUNGCA"], ["unknown tumour type 'LUNGCA'", "nearest codes"]),
        (["--tmb", "high"], ["--tmb 'high' is not a number"]),
        (["--tmb", "-3"], ["non-negative"]),
        (["--msi", "unstable"], ["--msi 'unstable' is not MSI-H or MSS"]),
        (["--sample", "TUMOUR9"], ["--sample 'TUMOUR9' is not a sample"]),
        (["--purity", "1.5"], ["copy-number options: purity 1.5 must be in (0, 1]"]),
        (["--amplification-cn", "0.2"], ["deletion copy number 0.5 must be below"]),
    ],
)
def test_bad_options(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], fragments: list[str]
) -> None:
    out = tmp_path / "out"
    rc, err = run(base_args(T790M_VCF, out) + extra, capsys)
    assert_one_line_error(rc, err, *fragments)
    assert not out.exists() or not any(out.iterdir())


def test_missing_and_malformed_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    rc, err = run(base_args(tmp_path / "missing.vcf", out), capsys)
    assert_one_line_error(rc, err, "missing.vcf: no such file")

    bad = tmp_path / "bad.vcf"
    bad.write_text("this is not a vcf\n")
    rc, err = run(base_args(bad, out), capsys)
    assert_one_line_error(rc, err, "bad.vcf: not a VCF")

    broken = tmp_path / "broken.vcf"
    broken.write_text(
        "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n7\tX\t.\n"
    )
    rc, err = run(base_args(broken, out), capsys)
    assert_one_line_error(rc, err, "broken.vcf:3: VCF record has 3 tab-separated columns")

    fusions = tmp_path / "fusions.tsv"
    fusions.write_text("five\tthree\nEML4\tALK\n")
    rc, err = run([*base_args(T790M_VCF, out), "--fusions", str(fusions)], capsys)
    assert_one_line_error(rc, err, "fusions.tsv:1:", "gene5p, gene3p")

    cna = tmp_path / "cna.tsv"
    cna.write_text("gene\tcall\nERBB2\tgain\n")
    rc, err = run([*base_args(T790M_VCF, out), "--cna", str(cna)], capsys)
    assert_one_line_error(rc, err, "cna.tsv:2: column 'call'", "amplification, deletion")

    cna.write_text("gene\tcall\tcopy_number\nERBB2\tamplification\tmany\n")
    rc, err = run([*base_args(T790M_VCF, out), "--cna", str(cna)], capsys)
    assert_one_line_error(rc, err, "column 'copy_number'")
    assert not out.exists() or not any(out.iterdir())


def test_out_is_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "file"
    out.write_text("x")
    rc, err = run(base_args(T790M_VCF, out), capsys)
    assert_one_line_error(rc, err, "is not a directory")


def test_missing_required_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["match", "--vcf", "x.vcf"])
    assert exc.value.code == 2
    assert "required" in capsys.readouterr().err


def test_module_entry_point(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "actionable", *base_args(T790M_VCF, tmp_path, tumour="NSCLC")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads((tmp_path / "findings.json").read_text())
    assert {f["alteration"] for f in doc["findings"]} == {"L858R", "T790M"}
    proc = subprocess.run(
        [sys.executable, "-m", "actionable", *base_args(T790M_VCF, tmp_path, genome="GRCh36")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        "actionable match: error: unknown genome 'GRCh36'; use GRCh38 or GRCh37 "
        "('none': other coordinates, match by annotation only)"
    )
