"""``actionable pgx``: star alleles from germline genotypes -> CPIC recommendations.

``actionable pgx --vcf FILE --genome GRCh38 [--sample NAME] --out DIR`` writes DIR/pgx.json.
``actionable pgx-sites --out sites.tsv [--site-map TSV] [--no-chr]`` writes the bcftools
``-T``/``-C alleles`` sites file of every SNV definition position.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from actionable.errors import UsageError
from actionable.pgx.definitions import SUPPORTED_GENES


def _genes(value: str) -> tuple[str, ...]:
    genes = tuple(g.strip().upper() for g in value.split(",") if g.strip())
    unknown = [g for g in genes if g not in SUPPORTED_GENES]
    if unknown or not genes:
        raise argparse.ArgumentTypeError(
            f"unknown gene(s) {', '.join(unknown) or '(none)'}; supported: "
            f"{', '.join(SUPPORTED_GENES)}"
        )
    return genes


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "pgx",
        help="germline pharmacogenomics: diplotypes, phenotypes and CPIC recommendations",
        description=(
            "Call star-allele diplotypes (CYP2C19, CYP2D6 SNV-only, DPYD activity score, "
            "NUDT15, TPMT, UGT1A1) from a germline VCF genotyped at every allele-defining "
            "position, and attach CPIC recommendations. Writes DIR/pgx.json."
        ),
    )
    parser.add_argument("--vcf", type=Path, required=True, help="germline VCF (plain or bgzip)")
    parser.add_argument(
        "--genome", required=True, help="genome build of the VCF; only GRCh38 is supported"
    )
    parser.add_argument("--sample", help="sample column to use (required for multi-sample VCFs)")
    parser.add_argument("--out", type=Path, required=True, help="output directory")
    parser.add_argument(
        "--genes",
        type=_genes,
        default=SUPPORTED_GENES,
        help=f"comma-separated subset of {','.join(SUPPORTED_GENES)} (default: all)",
    )
    parser.set_defaults(func=run)

    sites = subparsers.add_parser(
        "pgx-sites",
        help="write the bcftools sites file of the PGx definition positions",
        description=(
            "Write CHROM POS REF,ALT for every SNV allele-defining position (for bcftools "
            "mpileup -T and bcftools call -C alleles -T)."
        ),
    )
    sites.add_argument("--out", type=Path, required=True, help="sites file to write")
    sites.add_argument(
        "--site-map", type=Path, help="TSV mapping GRCh38 positions to a demo genome"
    )
    sites.add_argument("--no-chr", action="store_true", help="write 10 instead of chr10")
    sites.add_argument("--genes", type=_genes, default=SUPPORTED_GENES, help="gene subset")
    sites.set_defaults(func=run_sites)


def run(args: argparse.Namespace) -> int:
    from actionable.pgx.result import OUTPUT_NAME, run_pgx

    if args.out.exists() and not args.out.is_dir():
        raise UsageError(f"--out {args.out}: exists and is not a directory")
    doc = run_pgx(
        args.vcf, args.out, genome=args.genome, sample=args.sample, genes=tuple(args.genes)
    )
    summary = ", ".join(f"{k} {v}" for k, v in doc["summary"].items() if v)
    print(
        f"actionable pgx: {doc['sample']}: {summary} -> {args.out / OUTPUT_NAME}", file=sys.stderr
    )
    return 0


def run_sites(args: argparse.Namespace) -> int:
    from actionable.workflow.pgx_sites import write_sites

    summary = write_sites(
        args.out, genes=tuple(args.genes), site_map=args.site_map, chr_prefix=not args.no_chr
    )
    print(
        f"actionable pgx-sites: {summary.written} sites written to {args.out}"
        f" ({len(summary.skipped)} definition positions skipped: indels, repeats, unmapped)",
        file=sys.stderr,
    )
    return 0
