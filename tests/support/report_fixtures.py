"""The report's fixture inputs (tests/golden/report_fixtures) and reports rendered from them."""

from __future__ import annotations

import json
from pathlib import Path

from actionable.cli import main
from tests.support.workflow import REPO

FIXTURES = REPO / "tests" / "golden" / "report_fixtures"
DATE = "2025-01-15"
INJECTED_SAMPLE = "<script>alert(1)</script>"
INJECTED_GENE = '"><img src=x onerror=alert(1)>'


def fixture_args(out: Path, **extra: str) -> list[str]:
    args = [
        "report",
        "--findings",
        str(extra.pop("findings", FIXTURES / "findings.json")),
        "--pgx",
        str(FIXTURES / "pgx.json"),
        "--qc",
        str(FIXTURES / "qc"),
        "--vcf",
        str(FIXTURES / "match_inputs" / "tumour.vcf"),
        "--date",
        DATE,
        "--out",
        str(out),
    ]
    for key, value in extra.items():
        args += [f"--{key.replace('_', '-')}", value]
    return args


def fixture_report(tmp_path: Path, name: str = "report.html", **extra: str) -> Path:
    out = tmp_path / name
    assert main(fixture_args(out, **extra)) == 0
    return out


def xss_findings(tmp_path: Path) -> Path:
    """A report whose sample, gene, HGVS, therapy and citation fields carry markup."""
    doc = json.loads((FIXTURES / "findings.json").read_text())
    doc["sample"] = INJECTED_SAMPLE
    for finding in doc["findings"]:
        finding["gene"] = INJECTED_GENE
        finding["match_detail"] = INJECTED_SAMPLE
        if finding["variant"]:
            finding["variant"]["hgvsp"] = INJECTED_GENE
            finding["variant"]["consequence"] = INJECTED_SAMPLE
        for e in finding["evidence"]:
            e["citation"] = "javascript:alert(1)"
            e["disease"] = INJECTED_GENE
    doc["findings"][0]["evidence"][0]["therapy"] = INJECTED_SAMPLE
    path = tmp_path / "xss.findings.json"
    path.write_text(json.dumps(doc))
    return fixture_report(tmp_path, "xss.html", findings=str(path))
