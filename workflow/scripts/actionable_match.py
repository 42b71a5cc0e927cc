import sys
from pathlib import Path

from actionable.calling.signatures import match_options
from actionable.cli import main

sys.stderr = open(snakemake.log[0], "w")
inputs = snakemake.input
argv = [
    "match",
    "--vcf",
    inputs.vcf,
    "--genome",
    snakemake.params.genome,
    "--tumor-type",
    snakemake.params.match["tumor_type"],
    "--sample",
    snakemake.params.match["sample"],
    "--out",
    str(Path(snakemake.output.json).parent),
]
if hasattr(inputs, "fusions"):
    argv += ["--fusions", inputs.fusions, "--cna", inputs.cna]
    argv += match_options(inputs.signatures)
sys.exit(main(argv))
