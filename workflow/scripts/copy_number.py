import os
import sys

from actionable.calling.copy_number import TUMOUR_ONLY_LIMITS, CnvSettings, call_copy_number


def main(tumour, expected, cna, genes, settings):
    calls = call_copy_number(
        tumour,
        expected[0] if expected else None,
        cna,
        genes,
        CnvSettings.from_mapping(settings),
    )
    model = "reference depths" if expected else "flat model"
    print(f"{len(calls)} genes against {model}")
    if not expected:
        print(TUMOUR_ONLY_LIMITS)
    for call in calls:
        if call.call in ("amplification", "deletion"):
            print(f"  {call.gene}: {call.call} (copy number {call.copy_number:.2f})")


sys.stdout = sys.stderr = open(snakemake.log[0], "w")
os.dup2(sys.stderr.fileno(), 2)  # htslib messages too
main(
    snakemake.input.tumour,
    snakemake.input.expected,
    snakemake.output.cna,
    snakemake.output.genes,
    snakemake.params.settings,
)
