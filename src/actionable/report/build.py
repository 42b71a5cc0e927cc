"""Load every input of a report once, then write the HTML and the FHIR bundle atomically."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from actionable.errors import KnowledgeBaseError, UsageError
from actionable.formats.findings import load_findings
from actionable.io.atomic import write_atomic
from actionable.matching.oncotree import load_oncotree
from actionable.report.fhir import build_bundle, validate_bundle
from actionable.report.figures import vcf_vafs
from actionable.report.html import render_html
from actionable.report.model import ReportData, findings_doc, load_pgx, load_signatures
from actionable.report.qc import load_qc


def report_date(text: str | None) -> dt.date:
    """--date YYYY-MM-DD, else SOURCE_DATE_EPOCH (reproducible builds), else today."""
    if text:
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise UsageError(f"--date {text!r}: expected YYYY-MM-DD") from None
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    return dt.date.today()


def tumour_type_name(code: str | None) -> str | None:
    """OncoTree name of a code from the embedded tree, or None when unknown."""
    if not code:
        return None
    try:
        tree = load_oncotree()
    except (OSError, UnicodeDecodeError, KnowledgeBaseError):
        # the embedded tree is missing, undecodable or malformed (a broken installation):
        # the name is a nicety here, the report shows the code alone
        return None
    node = tree.nodes.get(tree.canonical(code.strip().upper()))
    return node.name if node is not None else None


def load_report_data(
    findings: Path,
    pgx: Path | None = None,
    qc_dirs: list[Path] | None = None,
    qc_samples: list[str] | None = None,
    signatures: Path | None = None,
    vcf: Path | None = None,
    vcf_sample: str | None = None,
    date: str | None = None,
    workflow_version: str | None = None,
    patient: str | None = None,
    qc_files: list[Path] | None = None,
    pgx_unavailable: str | None = None,
) -> ReportData:
    doc = findings_doc(load_findings(findings))
    data = ReportData(
        findings=doc, date=report_date(date), patient=patient, pgx_unavailable=pgx_unavailable
    )
    if workflow_version:
        data.workflow_version = workflow_version
    data.tumor_type_name = doc.tumor_type_name or tumour_type_name(doc.tumor_type)
    if pgx is not None:
        data.pgx = load_pgx(pgx)
    if qc_dirs or qc_files:
        data.qc = load_qc(qc_dirs or [], qc_samples or None, qc_files)
    data.signatures = doc.signatures
    if signatures is not None:
        data.signatures = load_signatures(signatures)
    if vcf is not None:
        values, chosen = vcf_vafs(vcf, vcf_sample or doc.sample)
        data.vafs, data.vaf_source = values, f"{vcf.name}, sample {chosen}"
    return data


def write_report(data: ReportData, html_out: Path, fhir_out: Path | None = None) -> None:
    """Render both outputs in memory first, so a failure leaves no file behind."""
    html = render_html(data)
    fhir_text = None
    if fhir_out is not None:
        bundle = build_bundle(data)
        validate_bundle(bundle)
        fhir_text = json.dumps(bundle, indent=2, ensure_ascii=False) + "\n"
    write_atomic(html_out, html)
    if fhir_out is not None and fhir_text is not None:
        write_atomic(fhir_out, fhir_text)
