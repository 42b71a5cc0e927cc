"""Golden-file cases for `actionable match` (tests/golden/cases/<name>/).

Each case folder holds its inputs, a `case.yaml` (description, `vcf` or `maf`, genome, tumour
type, optional sample/fusions/cna/tmb/msi/args, and the intent: `must_include` rows
[gene, therapy, direction, tier], `must_exclude` therapies, `must_exclude_rows`
[gene, therapy, direction] (in any tier), `must_state` [gene, therapy, field, text] (the
field of every such evidence item for this tumour type contains the text, in findings.json
and findings.tsv), `must_alterations` (finding alterations), `must_copy_number` [gene, copy
number], `must_note` [gene, text in the reason], `expect_no_findings`,
`expect_genome_check`, or
`expect_exit`/`expect_error` for bad input) and `expected.json`, a stable projection of
findings.json (with its notes, when there are any). Set ACTIONABLE_UPDATE_GOLDEN=1 to rewrite
`expected.json` after a reviewed change.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from actionable.cli import main
from actionable.formats.findings import load_schema

CASES = Path(__file__).resolve().parent / "cases"
UPDATE = os.environ.get("ACTIONABLE_UPDATE_GOLDEN") == "1"


def _schema() -> dict[str, Any]:
    return load_schema()


def _case_dirs() -> list[Path]:
    return sorted(p for p in CASES.iterdir() if (p / "case.yaml").is_file())


def _argv(case_dir: Path, spec: dict[str, Any], out: Path) -> list[str]:
    variants = "maf" if "maf" in spec else "vcf"
    argv = [
        "match",
        f"--{variants}",
        str(case_dir / spec[variants]),
        "--tumor-type",
        spec["tumor_type"],
        "--genome",
        spec["genome"],
        "--out",
        str(out),
    ]
    for key, flag in (("fusions", "--fusions"), ("cna", "--cna")):
        if key in spec:
            argv += [flag, str(case_dir / spec[key])]
    for key, flag in (("tmb", "--tmb"), ("msi", "--msi"), ("sample", "--sample")):
        if key in spec:
            argv += [flag, str(spec[key])]
    return argv + list(spec.get("args", []))


def project(doc: dict[str, Any]) -> dict[str, Any]:
    """The stable part of findings.json compared against expected.json."""
    findings = sorted(
        [f["gene"], f["alteration"], f["match_kind"], f["tier"], f["canonical"]]
        for f in doc["findings"]
    )
    evidence = sorted(
        [
            f["gene"],
            f["alteration"],
            e["therapy"],
            e["direction"],
            e["disease"],
            e["tier"],
            e["match_kind"],
        ]
        for f in doc["findings"]
        for e in f["evidence"]
    )
    projection: dict[str, Any] = {"findings": findings, "evidence": evidence}
    if doc.get("notes"):
        projection["notes"] = [[n["gene"], n["alteration"], n["reason"]] for n in doc["notes"]]
    return projection


def test_there_are_at_least_30_cases() -> None:
    assert len(_case_dirs()) >= 30


@pytest.mark.parametrize("case_dir", _case_dirs(), ids=lambda p: p.name)
def test_case(case_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = yaml.safe_load((case_dir / "case.yaml").read_text())
    out = tmp_path / "out"
    rc = main(_argv(case_dir, spec, out))
    captured = capsys.readouterr()
    expected_exit = spec.get("expect_exit", 0)
    assert rc == expected_exit, captured.err
    if expected_exit != 0:
        lines = captured.err.strip().splitlines()
        assert len(lines) == 1, captured.err
        assert lines[0].startswith("actionable match: error: ")
        assert spec["expect_error"] in lines[0]
        assert not (out / "findings.json").exists()
        return
    doc = json.loads((out / "findings.json").read_text())
    jsonschema.validate(doc, _schema())
    assert doc["tumor_type"] == spec["tumor_type"]
    assert doc["genome"] == spec["genome"]
    if "expect_genome_check" in spec:
        assert doc["genome_check"] == spec["expect_genome_check"]
    warnings = [line for line in captured.err.splitlines() if "warning: " in line]
    silent_doubt = doc["genome_check"] == "unverified" and doc["genome"] != "none"
    assert len(warnings) == (1 if silent_doubt else 0), captured.err

    rows = {
        (f["gene"], e["therapy"], e["direction"], e["tier"])
        for f in doc["findings"]
        for e in f["evidence"]
    }
    for gene, therapy, direction, tier in spec.get("must_include", []):
        assert (gene, therapy, direction, tier) in rows, (gene, therapy, direction, tier)
    for gene, therapy, direction in spec.get("must_exclude_rows", []):
        assert not {r for r in rows if r[:3] == (gene, therapy, direction)}, (gene, therapy)
    therapies = {e["therapy"] for f in doc["findings"] for e in f["evidence"]}
    for therapy in spec.get("must_exclude", []):
        assert therapy not in therapies, therapy
    if spec.get("expect_no_findings"):
        assert doc["findings"] == []
    alterations = {f["alteration"] for f in doc["findings"]}
    for alteration in spec.get("must_alterations", []):
        assert alteration in alterations, (alteration, alterations)
    copy_numbers = {f["gene"]: f.get("copy_number") for f in doc["findings"]}
    for gene, copy_number in spec.get("must_copy_number", []):
        assert copy_numbers.get(gene) == pytest.approx(copy_number, abs=0.01), gene
    for gene, text in spec.get("must_note", []):
        reasons = [n["reason"] for n in doc.get("notes", []) if n["gene"] == gene]
        assert any(text in reason for reason in reasons), (gene, reasons)

    tsv = (out / "findings.tsv").read_text().splitlines()
    assert len(tsv) == 1 + sum(len(f["evidence"]) for f in doc["findings"])
    tsv_rows = list(csv.DictReader(tsv, delimiter="\t"))
    for gene, therapy, field, text in spec.get("must_state", []):
        stated = [
            e[field]
            for f in doc["findings"]
            for e in f["evidence"]
            if (f["gene"], e["therapy"], e["on_label"]) == (gene, therapy, True)
        ]
        stated_tsv = [
            r[field]
            for r in tsv_rows
            if (r["gene"], r["therapy"], r["on_label"]) == (gene, therapy, "true")
        ]
        assert stated and all(text in (value or "") for value in stated), (therapy, field, stated)
        assert stated_tsv and all(text in value for value in stated_tsv), (therapy, stated_tsv)

    projection = project(doc)
    expected_path = case_dir / "expected.json"
    if UPDATE:
        expected_path.write_text(json.dumps(projection, indent=1) + "\n")
    expected = json.loads(expected_path.read_text())
    assert projection == expected
