import json
import sys
from pathlib import Path

from actionable.commands.match import run_match


def main(inputs, params, findings_json):
    """Cancer patients bring fusions, copy number and signatures; germline samples leave
    these inputs empty. The verdict on the amount of data goes into findings.json."""
    run_match(
        vcf=inputs.vcf,
        out_dir=Path(findings_json).parent,
        genome=params.genome,
        tumour_type=params.tumour_type,
        sample=params.sample,
        fusions=inputs.fusions or None,
        cna=inputs.cna or None,
        signatures=inputs.signatures or None,
        data_check=json.loads(Path(inputs.data_check).read_text()),
    )


sys.stderr = open(snakemake.log[0], "w")
main(snakemake.input, snakemake.params, snakemake.output.json)
