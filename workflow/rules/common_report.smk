# The clinician's report and the FHIR bundle, per cancer patient or germline sample ({name}).
# Inputs: findings.json of `actionable match`, the germline sample's pgx.json (when PGx runs),
# QC of the name's samples (mosdepth, samtools stats) and, for cancer patients, the tumour
# signatures and the annotated somatic VCF (VAF figure).


def report_germline_sample(name):
    if name in CANCER_PATIENTS:
        return CANCER_PATIENTS[name].normal
    return name


def report_pgx_unavailable(name):
    """Why PGx did not run for the name's germline sample (said at start-up too), or ""."""
    germline = report_germline_sample(name)
    return PGX_UNAVAILABLE if germline in pgx_samples() else ""


def report_inputs(wildcards):
    name = wildcards.name
    qc_samples = patient_samples(name)
    germline = report_germline_sample(name)
    inputs = {
        "findings": f"results/actionable/{name}/findings.json",
        "regions": expand("results/qc/mosdepth/{s}.regions.bed.gz", s=qc_samples),
        "thresholds": expand("results/qc/mosdepth/{s}.thresholds.bed.gz", s=qc_samples),
        "summary": expand("results/qc/mosdepth/{s}.mosdepth.summary.txt", s=qc_samples),
        "stats": expand("results/qc/samtools_stats/{s}.txt", s=qc_samples),
        "pgx": [],
        "signatures": [],
        "vcf": [],
    }
    if RUN_PGX and germline in pgx_samples():
        inputs["pgx"] = f"results/pgx/{germline}/pgx.json"
    if name in CANCER_PATIENTS:
        inputs["signatures"] = f"results/signatures/{name}.json"
        inputs["vcf"] = f"results/annotated/{name}.somatic.vcf.gz"
    return inputs
