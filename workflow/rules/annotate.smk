rule snpeff_annotate:
    input:
        vcf=snpeff_input,
        config="results/reference/snpeff/snpEff.config",
        database=snpeff_database(),
    output:
        vcf="results/annotated/{name}.{kind}.vcf.gz",
        tbi="results/annotated/{name}.{kind}.vcf.gz.tbi",
        csv="results/qc/snpeff/{name}.{kind}.csv",
        html="results/qc/snpeff/{name}.{kind}.html",
    log:
        "logs/snpeff/{name}.{kind}.log",
    benchmark:
        "benchmarks/snpeff/{name}.{kind}.tsv"
    conda:
        "../../envs/snpeff.yaml"
    threads: 1
    resources:
        mem_mb=snpeff_mem_mb,
        runtime=240,
    params:
        snpeff=lambda wildcards, resources: snpeff(resources),
        database=SNPEFF_DB,
        config=(
            ["-c", "results/reference/snpeff/snpEff.config"]
            if BUILD_SNPEFF_DB
            else ["-dataDir", os.path.abspath("results/reference/snpeff/data")]
        ),
    shell:
        "({params.snpeff} ann -noLog -nodownload {params.config:q} "
        "-csvStats {output.csv:q} -stats {output.html:q} {params.database:q} {input.vcf:q} "
        "| bgzip -c > {output.vcf:q} && tabix -p vcf {output.vcf:q}) 2> {log:q}"
