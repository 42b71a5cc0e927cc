rule fastp:
    input:
        unpack(unit_fastqs),
    output:
        r1=temp("results/trimmed/{sample}.{unit}.R1.fastq.gz"),
        r2=temp("results/trimmed/{sample}.{unit}.R2.fastq.gz"),
        json="results/qc/fastp/{sample}.{unit}.fastp.json",
        html="results/qc/fastp/{sample}.{unit}.fastp.html",
    log:
        "logs/fastp/{sample}.{unit}.log",
    benchmark:
        "benchmarks/fastp/{sample}.{unit}.tsv"
    conda:
        "../../envs/fastp.yaml"
    threads: 4
    resources:
        mem_mb=4000,
        runtime=240,
    params:
        extra=config["fastp"]["extra"],
    shell:
        "fastp --in1 {input.r1} --in2 {input.r2} --out1 {output.r1} --out2 {output.r2} "
        "--detect_adapter_for_pe --thread {threads} --json {output.json} --html {output.html} "
        "--report_title '{wildcards.sample} {wildcards.unit}' {params.extra} 2> {log}"


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
    shell:
        # FastQC names its output after the input file; link it under the unit's name first.
        "(mkdir -p fastqc_in fastqc_out && "
        'ln -s "$(readlink -f {input})" fastqc_in/{wildcards.sample}.{wildcards.unit}.{wildcards.read}.fastq.gz && '
        "fastqc --quiet --threads {threads} --outdir fastqc_out "
        "fastqc_in/{wildcards.sample}.{wildcards.unit}.{wildcards.read}.fastq.gz && "
        "mv fastqc_out/*_fastqc.html {output.html} && mv fastqc_out/*_fastqc.zip {output.zip}) "
        "> {log} 2>&1"


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
        "samtools stats --reference {input.ref} {input.bam} > {output} 2> {log}"


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
        "mosdepth --threads {threads} --no-per-base --by {input.bed} "
        "--thresholds 1,10,20,30 --fast-mode --fasta {input.ref} {params.prefix} {input.bam} "
        "2> {log}"


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
        "bcftools stats --fasta-ref {input.ref} --apply-filters PASS {input.vcf} "
        "> {output} 2> {log}"


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
        "(printf '%s\\n' {input} > multiqc_files.txt && "
        "multiqc --force --no-ansi --outdir results/qc --filename multiqc_report.html "
        "--file-list multiqc_files.txt) > {log} 2>&1"
