import sys

from actionable.workflow.pgx_sites import remap_vcf

sys.stderr = open(snakemake.log[0], "w")
summary = remap_vcf(snakemake.input.vcf, snakemake.input.site_map, snakemake.output[0])
print(summary, file=sys.stderr)
