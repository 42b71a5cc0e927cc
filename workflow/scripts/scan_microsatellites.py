import os
import sys

from actionable.calling.signatures import scan_reference

sys.stdout = sys.stderr = open(snakemake.log[0], "w")
os.dup2(sys.stderr.fileno(), 2)  # htslib messages too
count = scan_reference(snakemake.input.ref, snakemake.input.regions, snakemake.output[0])
print(f"{count} microsatellites (homopolymers >= 10 bp, dinucleotide repeats >= 5 units)")
