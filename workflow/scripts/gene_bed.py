import sys

from actionable.calling.reference_files import write_gene_bed

sys.stderr = open(snakemake.log[0], "w")
write_gene_bed(snakemake.input[0], snakemake.output[0])
