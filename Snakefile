from snakemake.utils import min_version

min_version("9.0")


configfile: "config/config.yaml"


include: "workflow/rules/common.smk"
include: "workflow/rules/reference.smk"
include: "workflow/rules/qc.smk"
include: "workflow/rules/align.smk"
include: "workflow/rules/call.smk"
include: "workflow/rules/annotate.smk"
include: "workflow/rules/pgx.smk"
include: "workflow/rules/actionable.smk"


rule all:
    default_target: True
    input:
        all_outputs(),
