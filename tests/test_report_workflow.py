"""The report rule in the demo workflow, and `snakemake --report` producing its zip."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import snakemake
from test_report import FIXTURES

pytestmark = pytest.mark.workflow

NAME = "DEMO_G1"  # the demo's germline sample (a report is made per patient or germline sample)


@pytest.fixture(scope="module")
def report_run(demo_run: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo run with the report built (findings from the fixture if no rule
    of the workflow produces them yet)."""
    workdir = tmp_path_factory.mktemp("report_run") / "demo"
    shutil.copytree(demo_run, workdir, symlinks=True)
    findings = workdir / "results" / "actionable" / NAME / "findings.json"
    if not findings.exists():
        plan = snakemake(workdir, "--dry-run", str(findings.relative_to(workdir)), check=False)
        if plan.returncode != 0:  # no producer of findings.json wired yet: use the fixture
            doc = json.loads((FIXTURES / "findings.json").read_text())
            doc["sample"] = NAME
            findings.parent.mkdir(parents=True, exist_ok=True)
            findings.write_text(json.dumps(doc, indent=2))
    snakemake(
        workdir,
        "--rerun-triggers=mtime",
        f"results/report/{NAME}.html",
        f"results/report/{NAME}.fhir.json",
    )
    return workdir


def test_report_rule_builds_html_and_fhir(report_run: Path) -> None:
    html = (report_run / f"results/report/{NAME}.html").read_text(encoding="utf-8")
    assert f'<dd id="sample-name">{NAME}</dd>' in html
    # every therapy with sensitivity evidence in findings.json is in the summary
    findings = json.loads((report_run / f"results/actionable/{NAME}/findings.json").read_text())
    therapies = {
        e["therapy"]
        for f in findings["findings"]
        for e in f["evidence"]
        if e["direction"] == "sensitivity"
    }
    summary = html[html.index('<section id="summary"') : html.index('<section id="findings"')]
    for therapy in therapies:
        assert f'<td class="therapy">{therapy}</td>' in summary, therapy
    # QC of the demo sample from its mosdepth and samtools stats files
    qc = html[html.index('<section id="qc"') :]
    assert f"<tr><td>{NAME}</td>" in qc
    assert '<td class="gene">EGFR</td>' in qc and '<td class="gene">CYP2C19</td>' in qc
    pgx = report_run / f"results/pgx/{NAME}/pgx.json"
    if pgx.exists():  # PGx ran in the demo: its genes are in the report
        genes = [g["gene"] for g in json.loads(pgx.read_text())["genes"]]
        section = html[html.index('<section id="pgx"') : html.index('<section id="qc"')]
        for gene in genes:
            assert f'<span class="gene">{gene}</span>' in section or (
                '<td class="gene" rowspan=' in section and f">{gene}</td>" in section
            ), gene
    bundle = json.loads((report_run / f"results/report/{NAME}.fhir.json").read_text())
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "collection"


def test_snakemake_report_zip_holds_report_multiqc_and_captions(report_run: Path) -> None:
    snakemake(
        report_run,
        "--rerun-triggers=mtime",
        "--report",
        "report.zip",
        "all",
        f"results/report/{NAME}.html",
    )
    with zipfile.ZipFile(report_run / "report.zip") as archive:
        names = archive.namelist()
        assert any(n.endswith("report.html") and "/" in n for n in names), names[:20]
        assert any(n.endswith(f"{NAME}.html") for n in names), names
        assert any(n.endswith("multiqc_report.html") for n in names), names
        text = "\n".join(
            archive.read(n).decode("utf-8", errors="replace")
            for n in names
            if n.endswith((".html", ".js", ".json")) and "multiqc" not in n and NAME not in n
        )
    assert "Therapy report of" in text  # caption of the HTML report
    assert "MultiQC summary" in text  # caption of MultiQC
