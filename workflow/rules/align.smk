rule bwa_mem:
    input:
        r1="results/trimmed/{sample}.{unit}.R1.fastq.gz",
        r2="results/trimmed/{sample}.{unit}.R2.fastq.gz",
        # bwa's index files are named after the FASTA, whose path is the index prefix
        ref="results/reference/genome.fa",
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
        # sort's -m is per thread: 3/4 of the memory beyond bwa's index (sort overshoots
        # -m a little), shared by the sort threads; retries with more memory sort in RAM
        sort_mb=lambda wildcards, threads, resources: max(
            256, (resources.mem_mb - 6000) * 3 // (4 * threads)
        ),
    shell:
        # one stream, no SAM on disk: fixmate -m adds the mate tags markdup needs; sorted
        # per unit into a temporary BAM (fast compression, -l 1), merged per sample
        "(bwa mem -t {threads} -R {params.read_group:q} {input.ref:q} {input.r1:q} "
        "{input.r2:q} | samtools fixmate -m -u - - "
        "| samtools sort -@ {threads} -m {params.sort_mb:q}M -l 1 -T {output:q}.tmp "
        "-o {output:q} -) 2> {log:q}"


rule merge_markdup:
    input:
        bams=sample_unit_bams,
        ref="results/reference/genome.fa",
        fai="results/reference/genome.fa.fai",
    output:
        bam=ALIGNMENT,
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
    params:
        # CRAM: compressed against the reference, whose path and checksums go in the header
        output_format=(
            ["--output-fmt", "cram", "--reference", "results/reference/genome.fa"]
            if CRAM
            else []
        ),
    shell:
        "(samtools merge -@ {threads} -u -o - {input.bams:q} "
        "| samtools markdup -@ {threads} -f {output.stats:q} -T {output.bam:q}.tmp "
        "{params.output_format:q} - {output.bam:q}) 2> {log:q}"


rule bam_index:
    input:
        ALIGNMENT,
    output:
        ALIGNMENT_INDEX,
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
