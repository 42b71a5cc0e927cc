rule mosdepth_callable:
    input:
        bam=ALIGNMENT,
        bai=ALIGNMENT_INDEX,
        ref="results/reference/genome.fa",
    output:
        bed="results/signatures/callable/{sample}.quantized.bed.gz",
        csi="results/signatures/callable/{sample}.quantized.bed.gz.csi",
    log:
        "logs/signatures/callable_{sample}.log",
    benchmark:
        "benchmarks/signatures/callable_{sample}.tsv"
    conda:
        "../../envs/mosdepth.yaml"
    threads: 2
    resources:
        mem_mb=4000,
        runtime=240,
    params:
        prefix="results/signatures/callable/{sample}",
        min_depth=config["signatures"]["min_depth"],
    shell:
        # two depth classes: LOW below min_depth, CALLABLE from min_depth up
        "MOSDEPTH_Q0=LOW MOSDEPTH_Q1=CALLABLE mosdepth --threads {threads} --no-per-base "
        "--mapq 20 --quantize 0:{params.min_depth:q}: --fasta {input.ref:q} {params.prefix:q} "
        "{input.bam:q} 2> {log:q}"


if not config["signatures"]["microsatellites"]:

    rule scan_microsatellites:
        input:
            ref="results/reference/genome.fa",
            fai="results/reference/genome.fa.fai",
            regions="results/reference/genes.bed",
        output:
            "results/reference/microsatellites.bed",
        log:
            "logs/reference/microsatellites.log",
        conda:
            "../../envs/python.yaml"
        threads: 1
        resources:
            mem_mb=lambda wildcards, attempt: 4000 * attempt,
            runtime=120,
        script:
            "../scripts/scan_microsatellites.py"


rule signatures:
    input:
        unpack(signature_inputs),
    output:
        "results/signatures/{patient}.json",
    log:
        "logs/signatures/{patient}.log",
    conda:
        "../../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=lambda wildcards, attempt: 2000 * attempt,
        runtime=60,
    params:
        paired=lambda wildcards: cancer_patient(wildcards).paired,
        settings=config["signatures"],
    script:
        "../scripts/signatures.py"
