rule actionable_match:
    input:
        unpack(match_inputs),
    output:
        json="results/actionable/{name}/findings.json",
        tsv="results/actionable/{name}/findings.tsv",
    log:
        "logs/actionable/{name}.log",
    conda:
        "../../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=lambda wildcards, attempt: 2000 * attempt,
        runtime=60,
    params:
        python=PYTHON,
        args=match_arguments,
    shell:
        "{params.python} -m actionable match --vcf {input.vcf} {params.args} "
        "--out results/actionable/{wildcards.name} 2> {log}"
