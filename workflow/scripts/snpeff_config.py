import sys

from actionable.calling.reference_files import write_snpeff_config

sys.stderr = open(snakemake.log[0], "w")
write_snpeff_config(snakemake.output[0], snakemake.params.database)
