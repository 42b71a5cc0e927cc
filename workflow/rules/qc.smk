rule check_reads:
    input:
        unpack(unit_fastqs),
    output:
        "results/qc/reads/{sample}.{unit}.json",
    log:
        "logs/check_reads/{sample}.{unit}.log",
    conda:
        "../../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=lambda wildcards, attempt: 1000 * attempt,
        runtime=lambda wildcards, attempt: 240 * attempt,
    params:
        python=PYTHON,
        min_pairs=config["reads"]["min_pairs"],
    shell:
        # gzip intact, R1/R2 reads paired one to one, at least reads.min_pairs pairs
        "{params.python:q} -m actionable.workflow.reads check --sample {wildcards.sample:q} "
        "--unit {wildcards.unit:q} --r1 {input.r1:q} --r2 {input.r2:q} "
        "--min-pairs {params.min_pairs:q} --out {output:q} 2> {log:q}"


rule fastp:
    input:
        unpack(unit_fastqs),
        counts="results/qc/reads/{sample}.{unit}.json",
    output:
        r1=temp("results/trimmed/{sample}.{unit}.R1.fastq.gz"),
        r2=temp("results/trimmed/{sample}.{unit}.R2.fastq.gz"),
        json="results/qc/fastp/{sample}.{unit}.fastp.json",
        html="results/qc/fastp/{sample}.{unit}.fastp.html",
    log:
        "logs/fastp/{sample}.{unit}.log",
    benchmark:
        "benchmarks/fastp/{sample}.{unit}.tsv"
    shadow:
        "minimal"
    conda:
        "../../envs/fastp.yaml"
    threads: 4
    resources:
        mem_mb=4000,
        runtime=240,
    params:
        title="{sample} {unit}",
        extra=options(config["fastp"]["extra"]),
        python=PYTHON,
        links=lambda wildcards, input: [
            fastq_link("fastp_in/R1", input.r1),
            fastq_link("fastp_in/R2", input.r2),
        ],
    shell:
        # fastp writes its command line unescaped into its JSON report: it reads links with
        # plain names; then its report must count every read check_reads counted
        "(mkdir -p fastp_in && r1=$(readlink -f {input.r1:q}) && r2=$(readlink -f {input.r2:q}) && "
        'ln -s "$r1" {params.links[0]:q} && ln -s "$r2" {params.links[1]:q} && '
        "fastp --in1 {params.links[0]:q} --in2 {params.links[1]:q} "
        "--out1 {output.r1:q} --out2 {output.r2:q} --detect_adapter_for_pe --thread {threads} "
        "--json {output.json:q} --html {output.html:q} "
        "--report_title {params.title:q} {params.extra:q} && {params.python:q} -m "
        "actionable.workflow.reads fastp --counts {input.counts:q} --report {output.json:q}) "
        "2> {log:q}"


rule fastqc:
    input:
        raw_fastq,
    output:
        html="results/qc/fastqc/{sample}.{unit}.{read}_fastqc.html",
        zip="results/qc/fastqc/{sample}.{unit}.{read}_fastqc.zip",
    log:
        "logs/fastqc/{sample}.{unit}.{read}.log",
    shadow:
        "minimal"
    conda:
        "../../envs/fastqc.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=240,
    params:
        name=lambda wildcards, input: fastq_link(
            f"{wildcards.sample}.{wildcards.unit}.{wildcards.read}", input[0]
        ),
    shell:
        # FastQC names its output after the input file; link it under the unit's name first.
        "(mkdir -p fastqc_in fastqc_out && "
        'fastq=$(readlink -f {input:q}) && ln -s "$fastq" fastqc_in/{params.name:q} && '
        "fastqc --quiet --threads {threads} --outdir fastqc_out fastqc_in/{params.name:q} && "
        "mv fastqc_out/*_fastqc.html {output.html:q} && mv fastqc_out/*_fastqc.zip {output.zip:q}) "
        "> {log:q} 2>&1"


rule samtools_stats:
    input:
        bam=ALIGNMENT,
        ref="results/reference/genome.fa",
    output:
        "results/qc/samtools_stats/{sample}.txt",
    log:
        "logs/samtools_stats/{sample}.log",
    conda:
        "../../envs/samtools.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=240,
    shell:
        "samtools stats --reference {input.ref:q} {input.bam:q} > {output:q} 2> {log:q}"


rule mosdepth:
    input:
        bam=ALIGNMENT,
        bai=ALIGNMENT_INDEX,
        bed="results/reference/genes.bed",
        ref="results/reference/genome.fa",
    output:
        "results/qc/mosdepth/{sample}.mosdepth.global.dist.txt",
        "results/qc/mosdepth/{sample}.mosdepth.region.dist.txt",
        "results/qc/mosdepth/{sample}.mosdepth.summary.txt",
        "results/qc/mosdepth/{sample}.regions.bed.gz",
        "results/qc/mosdepth/{sample}.thresholds.bed.gz",
    log:
        "logs/mosdepth/{sample}.log",
    conda:
        "../../envs/mosdepth.yaml"
    threads: 2
    resources:
        mem_mb=4000,
        runtime=120,
    params:
        prefix="results/qc/mosdepth/{sample}",
    shell:
        "mosdepth --threads {threads} --no-per-base --by {input.bed:q} "
        "--thresholds 1,10,20,30 --fast-mode --fasta {input.ref:q} {params.prefix:q} "
        "{input.bam:q} 2> {log:q}"


rule bcftools_stats:
    input:
        vcf="results/calls/{sample}.germline.vcf.gz",
        ref="results/reference/genome.fa",
    output:
        "results/qc/bcftools_stats/{sample}.txt",
    log:
        "logs/bcftools_stats/{sample}.log",
    group:
        "call"
    conda:
        "../../envs/bcftools.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=60,
    shell:
        "bcftools stats --fasta-ref {input.ref:q} --apply-filters PASS {input.vcf:q} "
        "> {output:q} 2> {log:q}"


rule multiqc:
    input:
        multiqc_inputs(),
    output:
        report=report(
            "results/qc/multiqc_report.html",
            caption="../report/multiqc.rst",
            category="Quality control",
        ),
        data=directory("results/qc/multiqc_report_data"),
    log:
        "logs/multiqc.log",
    shadow:
        "minimal"
    conda:
        "../../envs/multiqc.yaml"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=60,
    shell:
        "(printf '%s\\n' {input:q} > multiqc_files.txt && "
        "multiqc --force --no-ansi --outdir results/qc --filename multiqc_report.html "
        "--file-list multiqc_files.txt) > {log:q} 2>&1"
