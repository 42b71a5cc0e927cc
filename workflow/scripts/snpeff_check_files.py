import sys

from actionable.calling.gtf import write_snpeff_check_files

sys.stderr = open(snakemake.log[0], "w")
summary = write_snpeff_check_files(
    snakemake.input.fasta,
    snakemake.input.gtf,
    snakemake.output.cds,
    snakemake.output.protein,
)
print(summary, file=sys.stderr)
