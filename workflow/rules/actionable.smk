rule actionable_match:
    input:
        unpack(match_inputs),
    output:
        json="results/actionable/{name}/findings.json",
        tsv=report(
            "results/actionable/{name}/findings.tsv",
            caption="../report/findings.rst",
            category="Findings",
            labels={"name": "{name}", "file": "findings table (TSV)"},
        ),
    log:
        "logs/actionable/{name}.log",
    group:
        "report"
    conda:
        "../../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=lambda wildcards, attempt: 2000 * attempt,
        runtime=60,
    params:
        genome=match_genome(),
        tumour_type=match_tumour_type,
        sample=match_sample,
    script:
        "../scripts/actionable_match.py"
