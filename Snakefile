from snakemake.utils import min_version

min_version("9.0")


configfile: "config/config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/common_somatic.smk"
include: "workflow/rules/common_report.smk"
include: "workflow/rules/common_scatter.smk"
include: "workflow/rules/reference.smk"
include: "workflow/rules/qc.smk"
include: "workflow/rules/align.smk"
include: "workflow/rules/call.smk"
include: "workflow/rules/annotate.smk"
include: "workflow/rules/somatic.smk"
include: "workflow/rules/fusions.smk"
include: "workflow/rules/cnv.smk"
include: "workflow/rules/signatures.smk"
include: "workflow/rules/pgx.smk"
include: "workflow/rules/actionable.smk"
include: "workflow/rules/report.smk"


rule all:
    default_target: True
    input:
        all_outputs(),
