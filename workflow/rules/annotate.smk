rule snpeff_annotate:
    input:
        vcf="results/calls/{sample}.germline.vcf.gz",
        config="results/reference/snpeff/snpEff.config",
        database=snpeff_database(),
    output:
        vcf="results/annotated/{sample}.germline.vcf.gz",
        tbi="results/annotated/{sample}.germline.vcf.gz.tbi",
        csv="results/qc/snpeff/{sample}.csv",
        html="results/qc/snpeff/{sample}.html",
    log:
        "logs/snpeff/{sample}.log",
    benchmark:
        "benchmarks/snpeff/{sample}.tsv"
    conda:
        "../../envs/snpeff.yaml"
    threads: 1
    resources:
        mem_mb=lambda wildcards, attempt: 6000 * attempt,
        runtime=lambda wildcards, attempt: 240 * attempt,
    params:
        snpeff=lambda wildcards, resources: snpeff(resources.mem_mb),
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
