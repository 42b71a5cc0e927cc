rule data_check:
    input:
        stats=lambda wildcards: expand(
            "results/qc/samtools_stats/{s}.txt", s=patient_samples(wildcards.name)
        ),
        summary=lambda wildcards: expand(
            "results/qc/mosdepth/{s}.mosdepth.summary.txt",
            s=patient_samples(wildcards.name),
        ),
    output:
        "results/qc/data/{name}.json",
    log:
        "logs/data_check/{name}.log",
    group:
        "report"
    conda:
        "../../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=500,
        runtime=10,
    params:
        python=PYTHON,
        samples=lambda wildcards: patient_samples(wildcards.name),
        min_reads=config["qc"]["min_reads"],
        min_depth=config["qc"]["min_mean_depth"],
        allow=["--allow-low-data"] if config["qc"]["allow_low_data"] else [],
    shell:
        # mapped reads and mean target depth of the report's samples (qc.* settings)
        "{params.python:q} -m actionable.workflow.data_check assess "
        "--samples {params.samples:q} --stats {input.stats:q} --summary {input.summary:q} "
        "--min-reads {params.min_reads:q} --min-mean-depth {params.min_depth:q} "
        "{params.allow:q} --out {output:q} 2> {log:q}"


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


rule data_gate:
    input:
        checks=expand("results/qc/data/{name}.json", name=match_names()),
        reports=expand("results/report/{name}.html", name=match_names()),
    output:
        "results/qc/data_check.tsv",
    log:
        "logs/data_check/gate.log",
    conda:
        "../../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=500,
        runtime=10,
    params:
        python=PYTHON,
    shell:
        # after every report: a report whose findings were withheld for too little data
        # fails the run (reports stay, saying why)
        "{params.python:q} -m actionable.workflow.data_check gate {input.checks:q} "
        "--out {output:q} 2> {log:q}"
