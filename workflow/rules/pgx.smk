rule pgx_sites:
    input:
        fai="results/reference/genome.fa.fai",
        site_map=PGX_SITE_MAP or [],
    output:
        "results/pgx/sites.tsv",
    log:
        "logs/pgx/sites.log",
    conda:
        "../../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        python=PYTHON,
        site_map=["--site-map", PGX_SITE_MAP] if PGX_SITE_MAP else [],
        check_chr="no" if PGX_SITE_MAP else "yes",
    shell:
        # GRCh38 contigs are named chr10 or 10 depending on the FASTA's origin
        '(chr=""; if [ {params.check_chr:q} = yes ] && ! grep -qP "^chr10\\t" {input.fai:q}; '
        'then chr="--no-chr"; fi; '
        "{params.python:q} -m actionable pgx-sites --out {output:q} {params.site_map:q} $chr) "
        "> {log:q} 2>&1"


rule pgx_genotype:
    input:
        bam=ALIGNMENT,
        bai=ALIGNMENT_INDEX,
        ref="results/reference/genome.fa",
        fai="results/reference/genome.fa.fai",
        sites="results/pgx/sites.tsv",
    output:
        "results/pgx/{sample}/genotypes.vcf.gz",
    log:
        "logs/pgx/{sample}.genotype.log",
    group:
        "pgx"
    conda:
        "../../envs/bcftools.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=120,
    shell:
        # every allele-defining position gets a genotype call, reference included;
        # a position without reads stays absent, which the caller treats as no-call
        "(bcftools mpileup -f {input.ref:q} -T {input.sites:q} -a FORMAT/AD,FORMAT/DP -Ou "
        "{input.bam:q} | bcftools call -m -C alleles -T {input.sites:q} -Oz -o {output:q}) "
        "2> {log:q}"


rule pgx_remap:
    input:
        vcf="results/pgx/{sample}/genotypes.vcf.gz",
        site_map=PGX_SITE_MAP or [],
    output:
        "results/pgx/{sample}/genotypes.grch38.vcf.gz",
    log:
        "logs/pgx/{sample}.remap.log",
    group:
        "pgx"
    conda:
        "../../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    script:
        "../scripts/pgx_remap.py"


rule pgx_call:
    input:
        (
            "results/pgx/{sample}/genotypes.grch38.vcf.gz"
            if PGX_SITE_MAP
            else "results/pgx/{sample}/genotypes.vcf.gz"
        ),
    output:
        "results/pgx/{sample}/pgx.json",
    log:
        "logs/pgx/{sample}.call.log",
    group:
        "pgx"
    conda:
        "../../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        python=PYTHON,
        # `actionable pgx` writes pgx.json into this directory
        out_dir=lambda wildcards, output: os.path.dirname(output[0]),
    shell:
        "{params.python:q} -m actionable pgx --vcf {input:q} --genome GRCh38 "
        "--sample {wildcards.sample:q} --out {params.out_dir:q} 2> {log:q}"
