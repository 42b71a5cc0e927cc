"""``actionable report``: findings (+ PGx, QC, signatures) -> one self-contained HTML file.

``actionable report --findings findings.json [--pgx pgx.json] [--qc DIR] --out report.html``
``[--fhir report.fhir.json]`` also writes the HL7 FHIR R4 Genomics Reporting bundle.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from actionable.errors import UsageError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "report",
        help="write the clinician's HTML report (and the FHIR bundle)",
        description=(
            "Render findings.json (and optionally pgx.json, QC files and tumour signatures) "
            "as one self-contained HTML file that opens offline; with --fhir also write an "
            "HL7 FHIR R4 Bundle following the Genomics Reporting IG."
        ),
    )
    parser.add_argument("--findings", type=Path, required=True, help="findings.json (v1)")
    parser.add_argument("--pgx", type=Path, help="pgx.json (v1) of the germline sample")
    parser.add_argument(
        "--qc",
        type=Path,
        action="append",
        metavar="DIR",
        help="QC directory with mosdepth regions/thresholds/summary and samtools_stats/ "
        "files (repeatable)",
    )
    parser.add_argument(
        "--qc-sample",
        action="append",
        metavar="NAME",
        help="sample whose QC to show (repeatable; default: every sample found under --qc)",
    )
    parser.add_argument(
        "--signatures",
        type=Path,
        help="signatures JSON (tmb, msi_status, msi_score, callable_mb); overrides the "
        "values in findings.json",
    )
    parser.add_argument("--vcf", type=Path, help="somatic VCF for the VAF distribution figure")
    parser.add_argument("--vcf-sample", help="sample column of --vcf (default: tumour sample)")
    parser.add_argument("--patient", help="patient name shown with the sample in the header")
    parser.add_argument("--date", help="report date YYYY-MM-DD (default: today)")
    parser.add_argument("--workflow-version", help="version string shown in the header")
    parser.add_argument("--fhir", type=Path, metavar="OUT", help="also write the FHIR bundle")
    parser.add_argument("--out", type=Path, required=True, help="output HTML file")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from actionable.report.build import load_report_data, write_report

    if args.out.suffix.lower() not in (".html", ".htm"):
        raise UsageError(f"--out {args.out}: the report is HTML; name it *.html")
    if args.fhir is not None and args.fhir.resolve() == args.out.resolve():
        raise UsageError("--fhir and --out must be different files")
    data = load_report_data(
        findings=args.findings,
        pgx=args.pgx,
        qc_dirs=args.qc,
        qc_samples=args.qc_sample,
        signatures=args.signatures,
        vcf=args.vcf,
        vcf_sample=args.vcf_sample,
        date=args.date,
        workflow_version=args.workflow_version,
        patient=args.patient,
    )
    write_report(data, args.out, args.fhir)
    outputs = str(args.out) + (f" and {args.fhir}" if args.fhir else "")
    print(
        f"actionable report: {data.name}: {len(data.findings.findings)} finding(s) -> {outputs}",
        file=sys.stderr,
    )
    return 0
