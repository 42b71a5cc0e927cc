import os
import sys

from actionable.calling.copy_number import TUMOUR_ONLY_LIMITS as CNV_LIMITS
from actionable.calling.signatures import SignatureSettings, compute_signatures
from actionable.calling.somatic import TUMOUR_ONLY_LIMITS as SOMATIC_LIMITS
from actionable.formats.signatures import write_signatures


def main(patient, inputs, out, paired, settings):
    report = compute_signatures(
        patient,
        inputs.vcf,
        inputs.gtf,
        inputs.callable,
        inputs.microsatellites,
        SignatureSettings.from_mapping(settings),
        paired=paired,
        notes=() if paired else (SOMATIC_LIMITS, CNV_LIMITS),
    )
    write_signatures(report, out)
    print(
        f"TMB {report.tmb} mut/Mb ({report.tmb_variants} variants in {report.callable_mb} Mb); "
        f"MSI {report.msi_status} ({report.msi_loci_unstable}/{report.msi_loci_assessed} loci)"
    )


sys.stdout = sys.stderr = open(snakemake.log[0], "w")
os.dup2(sys.stderr.fileno(), 2)  # htslib messages too
main(
    snakemake.wildcards.patient,
    snakemake.input,
    snakemake.output[0],
    snakemake.params.paired,
    snakemake.params.settings,
)
