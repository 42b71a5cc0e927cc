#!/usr/bin/env python3
"""Regenerate the bundled demo genome, its annotation, germline truth and simulated reads.

    python resources/demo/generate.py [--outdir resources/demo] [--no-reads] [--no-tumour]

Deterministic: fixed seeds, sorted output, gzip with mtime 0; a re-run gives the same bytes.

What is REAL (from the public MANE/canonical gene models, GRCh38):
- gene names and strands (minus: KRAS, BRAF, BRCA1, ALK, DPYD; plus: the others);
- protein lengths (EGFR 1210, KRAS 189, BRAF 766, PIK3CA 1068, ERBB2 1255, BRCA1 1863,
  BRCA2 3418, ABL1 1130, BCR 1271, ALK 1620, EML4 981, MET 1390, CYP2C19 490, DPYD 1025,
  GAPDH 335 amino acids) and exon counts;
- the exon boundaries named in `tools/demo/genes.py` (EGFR exons 18-21, KRAS exons
  2-5, BRAF exon 15, MET exon 14, BRCA1 exon 11, BRCA2 exon 11, DPYD exons 13-14, ...);
- the codons at clinically important residues (EGFR G719/E746-A750/S768/T790/C797/L858/L861
  and R521, KRAS codons 1-15/Q61/A146, BRAF 594-604, PIK3CA E542/E545/H1047, ALK F1174/G1202,
  ABL1 T315, BRCA1 E23/Q1756, BRCA2 S1982, CYP2C19 W212/P227, DPYD E412/I560/D949), so real
  c. changes give real p. changes, and CYP2C19 c.-806C;
- the CYP2C19 PharmCAT definition positions (pgx_sites.tsv: GRCh38 position -> demo position,
  demo reference base = GRCh38 reference base).
What is SYNTHETIC: every other base (random, seeded, ~45 % GC), the other exons' sizes, all
introns, UTRs and flanks, the microsatellites, the truth variants and the reads.

The tumour/normal patient DEMO_P2 (LUAD; tumour DEMO_P2_T at 60 % purity, normal DEMO_P2_N) is
simulated from the same genome: somatic SNVs/indels with the real c. changes of EGFR L858R,
T790M and exon 19 deletion, KRAS G12C, PIK3CA H1047R and ABL1 T315I plus random ones, in-frame
BCR::ABL1 and EML4::ALK fusions with intronic breakpoints, ERBB2 at 8 copies (truth files
truth.somatic.vcf.gz, truth.fusions.tsv, truth.cna.tsv, truth.germline.DEMO_P2.vcf.gz).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--outdir", type=Path, default=HERE, help="default: resources/demo")
    parser.add_argument(
        "--pgx-definitions",
        type=Path,
        default=REPO / ".." / "shared" / "data" / "pgx" / "CYP2C19.alleles.json",
        help="PharmCAT CYP2C19.alleles.json (default: ../shared/data/pgx/ beside the repo)",
    )
    parser.add_argument("--no-reads", action="store_true", help="skip the FASTQ files")
    parser.add_argument(
        "--no-tumour", action="store_true", help="skip the tumour/normal patient DEMO_P2"
    )
    args = parser.parse_args(argv)
    sys.path[:0] = [str(REPO), str(REPO / "src")]
    from actionable.errors import ActionableError
    from tools.demo.build import generate

    try:
        summary = generate(
            args.outdir,
            args.pgx_definitions,
            with_reads=not args.no_reads,
            with_tumour=not args.no_tumour,
        )
    except ActionableError as exc:
        print(f"generate.py: error: {exc}", file=sys.stderr)
        return 2
    print(f"{summary.contigs} contigs, {summary.genome_bp} bp, GC {summary.gc:.3f}")
    print(
        f"truth: {summary.snvs} SNVs, {summary.indels} indels "
        f"({summary.het} het, {summary.hom} hom-alt)"
    )
    if summary.somatic_snvs or summary.somatic_indels:
        print(
            f"patient DEMO_P2: {summary.patient_germline} germline variants, "
            f"{summary.somatic_snvs} somatic SNVs, {summary.somatic_indels} somatic indels; "
            f"fusions {', '.join(summary.fusions)}"
        )
    for lane, pairs in summary.read_pairs.items():
        print(f"reads {lane}: {pairs} pairs")
    total = 0
    for name, size in summary.files.items():
        total += size
        print(f"{size:>10}  {name}")
    print(f"{total:>10}  total bytes")
    for problem in summary.problems:
        print(f"PROBLEM: {problem}", file=sys.stderr)
    return 1 if summary.problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
