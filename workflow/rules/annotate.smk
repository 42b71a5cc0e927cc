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
            "-c results/reference/snpeff/snpEff.config"
            if BUILD_SNPEFF_DB
            else '-dataDir "$PWD/results/reference/snpeff/data"'
        ),
    shell:
        "({params.snpeff} ann -noLog -nodownload {params.config} "
        "-csvStats {output.csv} -stats {output.html} {params.database} {input.vcf} "
        "| bgzip -c > {output.vcf} && tabix -p vcf {output.vcf}) 2> {log}"
