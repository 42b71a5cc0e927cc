if CALLER == "bcftools":

    rule call_germline:
        input:
            bam="results/bam/{sample}.bam",
            bai="results/bam/{sample}.bam.bai",
            ref="results/reference/genome.fa",
            fai="results/reference/genome.fa.fai",
        output:
            temp("results/calls/{sample}.raw.bcf"),
        log:
            "logs/call/{sample}.bcftools.log",
        benchmark:
            "benchmarks/call/{sample}.tsv"
        conda:
            "../../envs/bcftools.yaml"
        threads: 2
        resources:
            mem_mb=lambda wildcards, attempt: 4000 * attempt,
            runtime=lambda wildcards, attempt: 1440 * attempt,
        params:
            extra=config["calling"]["mpileup_extra"],
        shell:
            "(bcftools mpileup --threads {threads} -f {input.ref} -a FORMAT/AD,FORMAT/DP "
            "{params.extra} -Ou {input.bam} "
            "| bcftools call --threads {threads} -m -v -Ob -o {output}) 2> {log}"

else:

    rule call_germline:
        input:
            bam="results/bam/{sample}.bam",
            bai="results/bam/{sample}.bam.bai",
            ref="results/reference/genome.fa",
            fai="results/reference/genome.fa.fai",
        output:
            temp("results/calls/{sample}.raw.bcf"),
        log:
            "logs/call/{sample}.freebayes.log",
        benchmark:
            "benchmarks/call/{sample}.tsv"
        conda:
            "../../envs/freebayes.yaml"
        threads: 1
        resources:
            mem_mb=lambda wildcards, attempt: 8000 * attempt,
            runtime=lambda wildcards, attempt: 2880 * attempt,
        params:
            extra=config["calling"]["freebayes_extra"],
        shell:
            "(freebayes -f {input.ref} {params.extra} {input.bam} "
            "| bcftools view -Ob -o {output}) 2> {log}"


rule normalise_filter:
    input:
        bcf="results/calls/{sample}.raw.bcf",
        ref="results/reference/genome.fa",
    output:
        vcf="results/calls/{sample}.germline.vcf.gz",
        tbi="results/calls/{sample}.germline.vcf.gz.tbi",
    log:
        "logs/call/{sample}.norm.log",
    group:
        "call"
    conda:
        "../../envs/bcftools.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=120,
    params:
        filter=config["calling"]["filter"],
    shell:
        # split multi-allelic records and complex alleles, left-align, then soft-filter
        "(bcftools norm -f {input.ref} -a -m -any -Ou {input.bcf} "
        "| bcftools norm -f {input.ref} -d exact -Ou "
        "| bcftools filter -s LowQual -m + -e '{params.filter}' -Oz -o {output.vcf} "
        "&& tabix -p vcf {output.vcf}) 2> {log}"
