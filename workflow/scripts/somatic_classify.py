import os
import sys

from actionable.calling.somatic import HotspotIndex, SomaticSettings, classify_vcf, write_summary


def first(files):
    """A single file of an optional (possibly empty) input, or None."""
    return files[0] if files else None


def main(inputs, tumour, normal, settings, out):
    index = None
    if inputs.gtf:  # tumour-only: locate cancer hotspot codons
        index = HotspotIndex.load(inputs.gtf, inputs.ref, first(inputs.hotspots))
    summary = classify_vcf(
        inputs.bcf,
        tumour,
        normal or None,
        out.all,
        out.vcf,
        SomaticSettings.from_mapping(settings),
        panel_of_normals=first(inputs.panel_of_normals),
        population=first(inputs.population),
        hotspots=index,
    )
    write_summary(summary, out.summary)
    print(f"{summary.mode}: {summary.candidates} candidates, {summary.somatic} somatic")
    for name, count in sorted(summary.filters.items()):
        print(f"  {name}: {count}")
    for hit in summary.hotspots:
        print(f"  hotspot: {hit}")


sys.stdout = sys.stderr = open(snakemake.log[0], "w")
os.dup2(sys.stderr.fileno(), 2)  # htslib messages too
main(
    snakemake.input,
    snakemake.params.tumour,
    snakemake.params.normal,
    snakemake.params.settings,
    snakemake.output,
)
