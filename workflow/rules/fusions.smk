rule delly_call:
    input:
        unpack(patient_bams),
        ref="results/reference/genome.fa",
        fai="results/reference/genome.fa.fai",
        exclude=optional_path(config["fusions"]["exclude"]),
    output:
        bcf="results/fusions/{patient}.delly.bcf",
        csi="results/fusions/{patient}.delly.bcf.csi",
    log:
        "logs/fusions/{patient}.delly_call.log",
    benchmark:
        "benchmarks/fusions/{patient}.delly_call.tsv"
    conda:
        "../../envs/delly.yaml"
    threads: 2
    resources:
        mem_mb=lambda wildcards, attempt: 8000 * attempt,
        runtime=lambda wildcards, attempt: 1440 * attempt,
    params:
        exclude=lambda wildcards, input: f"-x {input.exclude}" if input.exclude else "",
    shell:
        "OMP_NUM_THREADS={threads} delly call {params.exclude} -g {input.ref} -o {output.bcf} "
        "{input.bams} > {log} 2>&1"


rule delly_filter:
    input:
        bcf="results/fusions/{patient}.delly.bcf",
        csi="results/fusions/{patient}.delly.bcf.csi",
    output:
        bcf="results/fusions/{patient}.sv.bcf",
        csi="results/fusions/{patient}.sv.bcf.csi",
    log:
        "logs/fusions/{patient}.delly_filter.log",
    group:
        "fusions"
    conda:
        "../../envs/delly.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=60,
    params:
        command=delly_filter_command,
    shell:
        "({params.command}) > {log} 2>&1"


rule fusion_pairs:
    input:
        sv="results/fusions/{patient}.sv.bcf",
        gtf=config["reference"]["gtf"],
    output:
        "results/fusions/{patient}.fusions.tsv",
    log:
        "logs/fusions/{patient}.pairs.log",
    group:
        "fusions"
    conda:
        "../../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=lambda wildcards, attempt: 4000 * attempt,
        runtime=60,
    params:
        tumour=lambda wildcards: cancer_patient(wildcards).tumour,
        settings=config["fusions"],
    script:
        "../scripts/fusion_pairs.py"
