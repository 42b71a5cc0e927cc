"""`actionable match`: variants, fusions, copy number and signatures → tiered therapies.

Contract v1:

    actionable match --vcf FILE [--fusions TSV] [--cna TSV] [--tmb FLOAT] [--msi MSI-H|MSS]
                     --tumor-type ONCOTREE_CODE --genome GRCh38|GRCh37 [--sample NAME] --out DIR

writes DIR/findings.json and DIR/findings.tsv; exit 0 on success, 2 on bad input with one
line naming the problem.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import Any

from actionable.errors import UsageError
from actionable.formats.cna import read_cna
from actionable.formats.fusions import read_fusions
from actionable.matching.cascade import (
    RawFinding,
    VariantMatcher,
    match_copy_number,
    match_fusions,
    match_signatures,
)
from actionable.matching.fasta import Reference
from actionable.matching.findings import (
    Context,
    build_document,
    build_findings,
    document_json,
    document_tsv,
    write_outputs,
)
from actionable.matching.knowledge import GENOMES, NO_GENOME, load_knowledge_base
from actionable.matching.vcf import ReadStats, VcfReader

_GENOME_ALIASES = {
    "grch38": "GRCh38",
    "hg38": "GRCh38",
    "grch37": "GRCh37",
    "hg19": "GRCh37",
    "none": "none",
}
_MSI_VALUES = {"MSI-H": "MSI-H", "MSS": "MSS", "MSI-L": "MSI-L"}


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "match",
        help="match variants, fusions, copy number and signatures to tiered therapies",
        description=(
            "Match a VCF (snpEff ANN/EFF, VEP CSQ or unannotated), optional fusion and "
            "copy-number tables and signatures against the shipped knowledge base; write "
            "findings.json and findings.tsv with AMP/ASCO/CAP tiers. Research use only."
        ),
    )
    parser.add_argument("--vcf", required=True, type=Path, help="VCF, bgzipped VCF or BCF")
    parser.add_argument("--fusions", type=Path, help="fusions TSV (columns gene5p, gene3p, ...)")
    parser.add_argument("--cna", type=Path, help="copy-number TSV (columns gene, call, ...)")
    parser.add_argument("--tmb", metavar="FLOAT", help="tumour mutational burden, mut/Mb")
    parser.add_argument("--msi", metavar="MSI-H|MSS", help="microsatellite status")
    parser.add_argument(
        "--tumor-type",
        "--tumour-type",
        dest="tumor_type",
        required=True,
        metavar="ONCOTREE_CODE",
        help="OncoTree code of the tumour (e.g. LUAD, COADREAD, MEL; SOLID for pan-cancer)",
    )
    parser.add_argument(
        "--genome",
        required=True,
        metavar="GRCh38|GRCh37",
        help="genome build ('none' for other coordinates, e.g. a synthetic panel: "
        "annotation-based matching only)",
    )
    parser.add_argument("--sample", help="VCF sample column of the tumour (multi-sample VCFs)")
    parser.add_argument("--out", required=True, type=Path, help="output directory")
    parser.add_argument(
        "--reference",
        type=Path,
        metavar="FASTA",
        help="indexed FASTA of the genome build, to left-align indels before matching",
    )
    parser.add_argument(
        "--include-filtered",
        action="store_true",
        help="also match records whose FILTER is not PASS or '.'",
    )
    parser.set_defaults(func=run)


def parse_genome(value: str) -> str:
    genome = _GENOME_ALIASES.get(value.strip().lower())
    if genome is None or genome not in (*GENOMES, NO_GENOME):
        raise UsageError(
            f"unknown genome {value!r}; use GRCh38 or GRCh37 "
            f"({NO_GENOME!r}: other coordinates, match by annotation only)"
        )
    return genome


def parse_msi(value: str | None) -> str | None:
    if value is None:
        return None
    msi = _MSI_VALUES.get(value.strip().upper())
    if msi is None:
        raise UsageError(f"--msi {value!r} is not MSI-H or MSS")
    return msi


def parse_tmb(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        tmb = float(value)
    except ValueError:
        raise UsageError(f"--tmb {value!r} is not a number (mutations per megabase)") from None
    if math.isnan(tmb) or math.isinf(tmb) or tmb < 0:
        raise UsageError(f"--tmb {value!r} must be a non-negative number")
    return tmb


def run(args: argparse.Namespace) -> int:
    kb = load_knowledge_base()
    tumour = kb.oncotree.resolve(args.tumor_type)
    genome = parse_genome(args.genome)
    msi = parse_msi(args.msi)
    tmb = parse_tmb(args.tmb)
    fusions = read_fusions(args.fusions) if args.fusions is not None else []
    cnas = read_cna(args.cna) if args.cna is not None else []
    reference = Reference(args.reference, genome) if args.reference is not None else None

    reader = VcfReader(args.vcf, genome, sample=args.sample, include_filtered=args.include_filtered)
    matcher = VariantMatcher(kb, genome, reference.left_align if reference is not None else None)
    stats = ReadStats()
    raws: list[RawFinding] = []
    for call in reader.calls(kb, stats, all_indels=reference is not None):
        raws.extend(matcher.match(call))
    raws.extend(match_fusions(kb, fusions))
    raws.extend(match_copy_number(kb, cnas))
    raws.extend(match_signatures(kb, msi, tmb))

    sample = args.sample or reader.sample or _stem(args.vcf)
    ctx = Context(
        sample=sample,
        tumour=tumour,
        genome=genome,
        inputs={
            "vcf": args.vcf.name,
            "fusions": args.fusions.name if args.fusions is not None else None,
            "cna": args.cna.name if args.cna is not None else None,
            "tmb": tmb,
            "msi": msi,
            "vcf_annotation": stats.annotation,
            "include_filtered": bool(args.include_filtered),
            "left_aligned": reference is not None,
        },
        stats={
            "records": stats.records,
            "candidate_records": stats.candidates,
            "filtered_out": stats.filtered_out,
        },
    )
    findings = build_findings(raws, kb, tumour)
    doc = build_document(findings, kb, ctx)
    write_outputs(
        args.out, {"findings.json": document_json(doc), "findings.tsv": document_tsv(doc)}
    )
    return 0


def _stem(path: Path) -> str:
    name = path.name
    for suffix in (".gz", ".bgz", ".vcf", ".bcf"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    return name or "sample"
