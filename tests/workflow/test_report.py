"""The report rule in the demo workflow, and `snakemake --report` producing its zip."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from tests.support.workflow import snakemake

NAME = "DEMO_G1"  # the demo's germline sample (a report is made per patient or germline sample)
PATIENT = "DEMO_P2"  # the demo's tumour/normal patient


@pytest.fixture(scope="module")
def report_run(demo_run: Path) -> Path:
    """The demo run: reports are among the workflow's default targets."""
    return demo_run


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


def test_demo_patient_fhir_bundle(report_run: Path) -> None:
    from fhir.resources.R4B.bundle import Bundle

    from actionable.report.fhir import TBD, validate_bundle

    bundle = json.loads((report_run / f"results/report/{PATIENT}.fhir.json").read_text())
    Bundle.model_validate(bundle)
    validate_bundle(bundle)
    by_url = {e["fullUrl"]: e["resource"] for e in bundle["entry"]}
    codes = {r["code"]["coding"][0].get("code") for r in by_url.values() if r.get("code")}
    assert {"69548-6", "81247-9"} <= codes  # variant assessment, genetic analysis report
    implications = [
        r
        for r in by_url.values()
        if r.get("code", {}).get("coding", [{}])[0]
        == {"system": TBD, "code": "therapeutic-implication"}
    ]
    findings = json.loads((report_run / f"results/actionable/{PATIENT}/findings.json").read_text())
    assert len(implications) >= sum(len(f["evidence"]) for f in findings["findings"])
    variants = set()
    for implication in implications:
        (reference,) = implication["derivedFrom"]
        target = by_url[reference["reference"]]
        assert target["resourceType"] == "Observation"
        variants.add(reference["reference"])
    # one variant observation per SNV/indel, fusion and copy-number finding
    assert len(variants) >= len(findings["findings"])


def test_patient_report_names_patient_and_tumour_sample(report_run: Path) -> None:
    html = (report_run / f"results/report/{PATIENT}.html").read_text(encoding="utf-8")
    assert f'<dd id="sample-name">{PATIENT} (sample {PATIENT}_T)</dd>' in html
