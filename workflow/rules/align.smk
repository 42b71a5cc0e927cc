rule bwa_mem:
    input:
        r1="results/trimmed/{sample}.{unit}.R1.fastq.gz",
        r2="results/trimmed/{sample}.{unit}.R2.fastq.gz",
        index=multiext(
            "results/reference/genome.fa", ".amb", ".ann", ".bwt", ".pac", ".sa"
        ),
    output:
        temp("results/bam/units/{sample}.{unit}.bam"),
    log:
        "logs/bwa_mem/{sample}.{unit}.log",
    benchmark:
        "benchmarks/bwa_mem/{sample}.{unit}.tsv"
    conda:
        "../../envs/bwa.yaml"
    threads: 8
    resources:
        # bwa's index (~6 GB for a human genome) + samtools sort's buffers (1.2 GB a thread)
        mem_mb=lambda wildcards, threads, attempt: (6000 + 1200 * threads) * attempt,
        runtime=lambda wildcards, attempt: 1440 * attempt,
    params:
        read_group=read_group,
        index=lambda wildcards, input: os.path.splitext(input.index[0])[0],
        # sort's -m is per thread: 3/4 of the memory beyond bwa's index (sort overshoots
        # -m a little), shared by the sort threads; retries with more memory sort in RAM
        sort_mb=lambda wildcards, threads, resources: max(
            256, (resources.mem_mb - 6000) * 3 // (4 * threads)
        ),
    shell:
        # one stream, no SAM on disk: fixmate -m adds the mate tags markdup needs; sorted
        # per unit into a temporary BAM (fast compression, -l 1), merged per sample
        "(bwa mem -t {threads} -R {params.read_group:q} {params.index:q} {input.r1:q} "
        "{input.r2:q} | samtools fixmate -m -u - - "
        "| samtools sort -@ {threads} -m {params.sort_mb:q}M -l 1 -T {output:q}.tmp "
        "-o {output:q} -) 2> {log:q}"


rule merge_markdup:
    input:
        sample_unit_bams,
    output:
        bam="results/bam/{sample}.bam",
        stats="results/qc/markdup/{sample}.txt",
    log:
        "logs/markdup/{sample}.log",
    benchmark:
        "benchmarks/markdup/{sample}.tsv"
    group:
        "bam"
    conda:
        "../../envs/samtools.yaml"
    threads: 4
    resources:
        mem_mb=lambda wildcards, attempt: 8000 * attempt,
        runtime=lambda wildcards, attempt: 360 * attempt,
    shell:
        "(samtools merge -@ {threads} -u -o - {input:q} "
        "| samtools markdup -@ {threads} -f {output.stats:q} -T {output.bam:q}.tmp - {output.bam:q}) "
        "2> {log:q}"


rule bam_index:
    input:
        "results/bam/{sample}.bam",
    output:
        "results/bam/{sample}.bam.bai",
    log:
        "logs/bam_index/{sample}.log",
    group:
        "bam"
    conda:
        "../../envs/samtools.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=120,
    shell:
        "samtools index {input:q} 2> {log:q}"
