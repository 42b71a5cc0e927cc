import os
import sys

from actionable.calling.fusions import FusionSettings, fusions_from_sv_file


def main(sv, gtf, out, tumour, settings):
    fusions = fusions_from_sv_file(
        sv,
        gtf,
        out,
        tumour=tumour,
        settings=FusionSettings(
            min_support=int(settings["min_support"]), pass_only=bool(settings["pass_only"])
        ),
    )
    print(f"{len(fusions)} fusion(s)")
    for fusion in fusions:
        row = fusion.row()
        print(
            f"  {row['gene5p']}::{row['gene3p']} {row['site5p']} / {row['site3p']} "
            f"in frame: {row['in_frame']}, split {row['split_reads']}, "
            f"paired {row['paired_reads']}"
        )


sys.stdout = sys.stderr = open(snakemake.log[0], "w")
os.dup2(sys.stderr.fileno(), 2)  # htslib messages too
main(
    snakemake.input.sv,
    snakemake.input.gtf,
    snakemake.output[0],
    snakemake.params.tumour,
    snakemake.params.settings,
)
