# The clinician's report and the FHIR bundle per cancer patient or germline sample ({name});
# input functions in common_report.smk.


rule report:
    input:
        unpack(report_inputs),
    output:
        html=report(
            "results/report/{name}.html",
            caption="../report/report.rst",
            category="Therapy report",
            labels={"name": "{name}", "file": "clinician report (HTML)"},
        ),
        fhir="results/report/{name}.fhir.json",
    log:
        "logs/report/{name}.log",
    group:
        "report"
    conda:
        "../../envs/report.yaml"
    threads: 1
    resources:
        mem_mb=lambda wildcards, attempt: 2000 * attempt,
        runtime=30,
    params:
        patient=lambda wildcards: wildcards.name,
        qc_samples=lambda wildcards: patient_samples(wildcards.name),
        vcf_sample=lambda wildcards: (
            CANCER_PATIENTS[wildcards.name].tumour
            if wildcards.name in CANCER_PATIENTS
            else ""
        ),
        pgx_unavailable=lambda wildcards: report_pgx_unavailable(wildcards.name),
    script:
        "../scripts/report.py"
