rule reference_fasta:
    input:
        config["reference"]["fasta"],
    output:
        "results/reference/genome.fa",
    log:
        "logs/reference/fasta.log",
    group:
        "reference"
    conda:
        "../../envs/samtools.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=30,
    shell:
        "(if [[ {input:q} == *.gz ]]; then gzip -dc {input:q}; else cat {input:q}; fi "
        "> {output:q}) 2> {log:q}"


rule reference_faidx:
    input:
        "results/reference/genome.fa",
    output:
        "results/reference/genome.fa.fai",
    log:
        "logs/reference/faidx.log",
    group:
        "reference"
    conda:
        "../../envs/samtools.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=30,
    shell:
        "samtools faidx {input:q} 2> {log:q}"


rule reference_bwa_index:
    input:
        "results/reference/genome.fa",
    output:
        multiext("results/reference/genome.fa", ".amb", ".ann", ".bwt", ".pac", ".sa"),
    log:
        "logs/reference/bwa_index.log",
    benchmark:
        "benchmarks/reference/bwa_index.tsv"
    conda:
        "../../envs/bwa.yaml"
    threads: 1
    resources:
        mem_mb=lambda wildcards, attempt: 8000 * attempt,
        runtime=180,
    shell:
        "bwa index {input:q} 2> {log:q}"


rule reference_gene_bed:
    input:
        config["reference"]["gtf"],
    output:
        "results/reference/genes.bed",
    log:
        "logs/reference/gene_bed.log",
    conda:
        "../../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    script:
        "../scripts/gene_bed.py"


rule snpeff_config:
    output:
        "results/reference/snpeff/snpEff.config",
    log:
        "logs/reference/snpeff_config.log",
    conda:
        "../../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=500,
        runtime=10,
    params:
        database=SNPEFF_DB,
    script:
        "../scripts/snpeff_config.py"


if BUILD_SNPEFF_DB:

    rule snpeff_check_files:
        input:
            fasta="results/reference/genome.fa",
            gtf=config["reference"]["gtf"],
        output:
            cds=f"results/reference/snpeff/data/{SNPEFF_DB}/cds.fa",
            protein=f"results/reference/snpeff/data/{SNPEFF_DB}/protein.fa",
        log:
            "logs/reference/snpeff_check_files.log",
        conda:
            "../../envs/python.yaml"
        threads: 1
        resources:
            mem_mb=4000,
            runtime=60,
        script:
            "../scripts/snpeff_check_files.py"

    rule snpeff_build:
        input:
            config="results/reference/snpeff/snpEff.config",
            fasta="results/reference/genome.fa",
            gtf=config["reference"]["gtf"],
            cds=f"results/reference/snpeff/data/{SNPEFF_DB}/cds.fa",
            protein=f"results/reference/snpeff/data/{SNPEFF_DB}/protein.fa",
        output:
            f"results/reference/snpeff/data/{SNPEFF_DB}/snpEffectPredictor.bin",
        log:
            "logs/reference/snpeff_build.log",
        benchmark:
            "benchmarks/reference/snpeff_build.tsv"
        conda:
            "../../envs/snpeff.yaml"
        threads: 1
        resources:
            mem_mb=snpeff_mem_mb,
            runtime=120,
        params:
            snpeff=lambda wildcards, resources: snpeff(resources),
            dir=lambda wildcards, output: os.path.dirname(output[0]),
            database=SNPEFF_DB,
        shell:
            '(ln -sf "$PWD"/{input.fasta:q} {params.dir:q}/sequences.fa && '
            "(if [[ {input.gtf:q} == *.gz ]]; then gzip -dc {input.gtf:q}; else cat {input.gtf:q}; fi) "
            "> {params.dir:q}/genes.gtf && "
            "{params.snpeff} build -gtf22 -noLog -v -c {input.config:q} {params.database:q}) "
            "> {log:q} 2>&1"

else:

    rule snpeff_download:
        output:
            directory(f"results/reference/snpeff/data/{SNPEFF_DB}"),
        log:
            "logs/reference/snpeff_download.log",
        conda:
            "../../envs/snpeff.yaml"
        threads: 1
        resources:
            mem_mb=snpeff_mem_mb,
            runtime=120,
        params:
            snpeff=lambda wildcards, resources: snpeff(resources),
            database=SNPEFF_DB,
        shell:
            '{params.snpeff} download -noLog -v -dataDir "$PWD/results/reference/snpeff/data" '
            "{params.database:q} > {log:q} 2>&1"
