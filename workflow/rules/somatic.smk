rule call_somatic:
    input:
        unpack(patient_bams),
        ref="results/reference/genome.fa",
        fai="results/reference/genome.fa.fai",
        regions="results/reference/regions",
    output:
        temp("results/somatic/regions/{patient}/{chunk}.bcf"),
    log:
        "logs/somatic/{patient}/{chunk}.freebayes.log",
    benchmark:
        "benchmarks/somatic/{patient}/{chunk}.freebayes.tsv"
    conda:
        "../../envs/freebayes.yaml"
    threads: 1
    resources:
        mem_mb=lambda wildcards, attempt: 8000 * attempt,
        runtime=lambda wildcards, attempt: chunk_runtime(2880) * attempt,
    params:
        min_fraction=config["somatic"]["caller_min_fraction"],
        min_count=config["somatic"]["caller_min_count"],
        extra=config["somatic"]["freebayes_extra"],
        blocks=chunk_file(".blocks"),
        keep=chunk_file(".bed"),
    shell:
        # tumour and normal together, each as a pool of unknown allele fractions; one
        # process per block of the chunk (calling.scatter, common_scatter.smk), the header
        # from the first; records kept by POS in the chunk; an empty chunk is an empty file
        "(if [ -s {params.blocks:q} ]; then first=1; while read -r block; do "
        'freebayes -f {input.ref:q} --targets "$block" --pooled-continuous '
        "--allele-balance-priors-off --min-alternate-fraction {params.min_fraction} "
        "--min-alternate-count {params.min_count} {params.extra} {input.bams:q} < /dev/null "
        "| awk -v first=$first 'first || !/^#/'; first=0; "
        "done < {params.blocks:q} | bcftools view -T {params.keep:q} -Ob -o {output:q}; "
        "else : > {output:q}; fi) 2> {log:q}"


rule gather_somatic:
    input:
        somatic_chunk_calls,
    output:
        temp("results/somatic/{patient}.raw.bcf"),
    log:
        "logs/somatic/{patient}.gather.log",
    group:
        "somatic"
    conda:
        "../../envs/bcftools.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=60,
    shell:
        # the chunks follow one another in reference order, so appended they stay sorted
        # (no -a, no sort); empty files are chunks without regions
        '(chunks=(); for chunk in {input:q}; do if [ -s "$chunk" ]; then chunks+=("$chunk"); '
        'fi; done; bcftools concat -Ob -o {output:q} "${{chunks[@]}}") 2> {log:q}'


rule somatic_normalise:
    input:
        bcf="results/somatic/{patient}.raw.bcf",
        ref="results/reference/genome.fa",
    output:
        bcf=temp("results/somatic/{patient}.norm.bcf"),
        csi=temp("results/somatic/{patient}.norm.bcf.csi"),
    log:
        "logs/somatic/{patient}.norm.log",
    group:
        "somatic"
    conda:
        "../../envs/bcftools.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=120,
    shell:
        # one allele per record, complex alleles split into SNVs/indels, left-aligned
        "(bcftools norm -f {input.ref} -a -m -any -Ou {input.bcf} "
        "| bcftools norm -f {input.ref} -d exact -Ob -o {output.bcf} "
        "&& bcftools index {output.bcf}) 2> {log}"


rule somatic_classify:
    input:
        unpack(somatic_classify_inputs),
    output:
        vcf="results/somatic/{patient}.somatic.vcf.gz",
        tbi="results/somatic/{patient}.somatic.vcf.gz.tbi",
        all="results/somatic/{patient}.all.vcf.gz",
        all_tbi="results/somatic/{patient}.all.vcf.gz.tbi",
        summary="results/somatic/{patient}.summary.json",
    log:
        "logs/somatic/{patient}.classify.log",
    group:
        "somatic"
    conda:
        "../../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=lambda wildcards, attempt: 2000 * attempt,
        runtime=120,
    params:
        tumour=lambda wildcards: cancer_patient(wildcards).tumour,
        normal=lambda wildcards: cancer_patient(wildcards).normal,
        settings=config["somatic"],
    script:
        "../scripts/somatic_classify.py"
