rule calling_regions:
    input:
        ref="results/reference/genome.fa",
        fai="results/reference/genome.fa.fai",
        regions=[CALLING_REGIONS] if CALLING_REGIONS else [],
    output:
        directory("results/reference/regions"),
    log:
        "logs/call/regions.log",
    conda:
        "../../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=60,
    params:
        python=PYTHON,
        chunks=SCATTER,
        targets=lambda wildcards, input: [f"--targets={bed}" for bed in input.regions],
    shell:
        # blocks cut between contigs or in N-runs (never inside a target), grouped into
        # chunks; layout in common_scatter.smk
        "{params.python:q} -m actionable.workflow.regions --fasta {input.ref:q} "
        "{params.targets:q} --chunks {params.chunks:q} --out {output:q} > {log:q} 2>&1"


if CALLER == "bcftools" and not BCFTOOLS_BY_CHUNK:

    rule call_germline:
        input:
            bam=ALIGNMENT,
            bai=ALIGNMENT_INDEX,
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
            extra=options(config["calling"]["mpileup_extra"]),
        shell:
            "(bcftools mpileup --threads {threads} -f {input.ref:q} -a FORMAT/AD,FORMAT/DP "
            "{params.extra:q} -Ou {input.bam:q} "
            "| bcftools call --threads {threads} -m -v -Ob -o {output:q}) 2> {log:q}"

elif CALLER == "bcftools":

    rule call_germline:
        input:
            bam=ALIGNMENT,
            bai=ALIGNMENT_INDEX,
            ref="results/reference/genome.fa",
            fai="results/reference/genome.fa.fai",
            regions="results/reference/regions",
        output:
            temp("results/calls/regions/{sample}/{chunk}.bcf"),
        log:
            "logs/call/{sample}/{chunk}.bcftools.log",
        benchmark:
            "benchmarks/call/{sample}/{chunk}.tsv"
        conda:
            "../../envs/bcftools.yaml"
        threads: 1
        resources:
            mem_mb=lambda wildcards, attempt: 4000 * attempt,
            runtime=lambda wildcards, attempt: chunk_runtime(1440) * attempt,
        params:
            extra=options(config["calling"]["mpileup_extra"]),
            keep=chunk_file(".bed"),
        shell:
            # -R: piles up (so calls) only the chunk's positions, reads are fetched whole;
            # a chunk left without regions is an empty file
            "(if [ -s {params.keep:q} ]; then "
            "bcftools mpileup -f {input.ref:q} -R {params.keep:q} -a FORMAT/AD,FORMAT/DP "
            "{params.extra:q} -Ou {input.bam:q} | bcftools call -m -v -Ob -o {output:q}; "
            "else : > {output:q}; fi) 2> {log:q}"

else:

    rule call_germline:
        input:
            bam=ALIGNMENT,
            bai=ALIGNMENT_INDEX,
            ref="results/reference/genome.fa",
            fai="results/reference/genome.fa.fai",
            regions="results/reference/regions",
        output:
            temp("results/calls/regions/{sample}/{chunk}.bcf"),
        log:
            "logs/call/{sample}/{chunk}.freebayes.log",
        benchmark:
            "benchmarks/call/{sample}/{chunk}.tsv"
        conda:
            "../../envs/freebayes.yaml"
        threads: 1
        resources:
            mem_mb=lambda wildcards, attempt: 8000 * attempt,
            runtime=lambda wildcards, attempt: chunk_runtime(2880) * attempt,
        params:
            extra=options(config["calling"]["freebayes_extra"]),
            blocks=chunk_file(".blocks"),
            keep=chunk_file(".bed"),
        shell:
            # one freebayes process per block, the header from the first; records kept
            # by POS in the chunk (view -T); a chunk left without regions is an empty file
            "(if [ -s {params.blocks:q} ]; then first=1; while read -r block; do "
            'freebayes -f {input.ref:q} --targets "$block" {params.extra:q} {input.bam:q} '
            "< /dev/null | awk -v first=$first 'first || !/^#/'; first=0; "
            "done < {params.blocks:q} | bcftools view -T {params.keep:q} -Ob -o {output:q}; "
            "else : > {output:q}; fi) 2> {log:q}"


if GERMLINE_BY_CHUNK:

    rule gather_germline:
        input:
            germline_chunk_calls,
        output:
            temp("results/calls/{sample}.raw.bcf"),
        log:
            "logs/call/{sample}.gather.log",
        group:
            "call"
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
        "(bcftools norm -f {input.ref:q} -a -m -any -Ou {input.bcf:q} "
        "| bcftools norm -f {input.ref:q} -d exact -Ou "
        "| bcftools filter -s LowQual -m + -e {params.filter:q} -Oz -o {output.vcf:q} "
        "&& tabix -p vcf {output.vcf:q}) 2> {log:q}"
