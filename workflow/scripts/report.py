import sys
from pathlib import Path

from actionable.report import load_report_data, write_report


def main(inputs, params, html, fhir):
    qc_files = [*inputs.regions, *inputs.thresholds, *inputs.summary, *inputs.stats]
    data = load_report_data(
        findings=Path(inputs.findings),
        pgx=Path(inputs.pgx) if inputs.pgx else None,
        qc_files=[Path(p) for p in qc_files],
        qc_samples=list(params.qc_samples),
        signatures=Path(inputs.signatures) if inputs.signatures else None,
        vcf=Path(inputs.vcf) if inputs.vcf else None,
        vcf_sample=params.vcf_sample or None,
        patient=params.patient,
        pgx_unavailable=params.pgx_unavailable or None,
    )
    write_report(data, Path(html), Path(fhir))
    print(f"{data.name}: {len(data.findings.findings)} finding(s) -> {html}, {fhir}")


sys.stdout = sys.stderr = open(snakemake.log[0], "w")
main(snakemake.input, snakemake.params, snakemake.output.html, snakemake.output.fhir)
