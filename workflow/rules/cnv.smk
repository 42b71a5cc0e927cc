rule copy_number:
    input:
        unpack(cnv_inputs),
    output:
        cna="results/cnv/{patient}.cna.tsv",
        genes="results/cnv/{patient}.genes.tsv",
    log:
        "logs/cnv/{patient}.log",
    conda:
        "../../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        settings=config["cnv"],
    script:
        "../scripts/copy_number.py"
