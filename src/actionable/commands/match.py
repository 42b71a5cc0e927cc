"""`actionable match`: variants, fusions, copy number and signatures → tiered therapies.

Contract v1:

    actionable match --vcf FILE [--fusions TSV] [--cna TSV] [--tmb FLOAT] [--msi MSI-H|MSS]
                     --tumor-type ONCOTREE_CODE --genome GRCh38|GRCh37 [--sample NAME] --out DIR

writes DIR/findings.json and DIR/findings.tsv; exit 0 on success, 2 on bad input with one
line naming the problem. `run_match` is the same as a function (the workflow calls it).
"""

from __future__ import annotations

import argparse
import math
import os
from pathlib import Path
from typing import Any

from actionable.errors import FormatError, InputFileError, UsageError
from actionable.formats.cna import read_cna
from actionable.formats.findings import (
    document_json,
    document_tsv,
    findings_withheld,
    write_outputs,
)
from actionable.formats.fusions import read_fusions
from actionable.formats.signatures import match_options
from actionable.matching.cascade import (
    RawFinding,
    VariantMatcher,
    match_copy_number,
    match_fusions,
    match_signatures,
)
from actionable.matching.fasta import Reference
from actionable.matching.findings import Context, build_document, build_findings
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


def parse_tmb(value: float | str | None) -> float | None:
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
    run_match(
        args.vcf,
        args.out,
        genome=args.genome,
        tumour_type=args.tumor_type,
        sample=args.sample,
        fusions=args.fusions,
        cna=args.cna,
        tmb=args.tmb,
        msi=args.msi,
        reference=args.reference,
        include_filtered=args.include_filtered,
    )
    return 0


def run_match(
    vcf: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    genome: str,
    tumour_type: str,
    sample: str | None = None,
    fusions: str | os.PathLike[str] | None = None,
    cna: str | os.PathLike[str] | None = None,
    tmb: float | str | None = None,
    msi: str | None = None,
    reference: str | os.PathLike[str] | None = None,
    include_filtered: bool = False,
    signatures: str | os.PathLike[str] | None = None,
    data_check: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Match one sample and write OUT_DIR/findings.json and findings.tsv (contract v1).

    The arguments are those of `actionable match`; `None` leaves an input out. `tmb` is in
    mutations per megabase, `msi` one of MSI-H, MSI-L, MSS. `signatures` (the workflow's
    signatures JSON, `actionable.formats.signatures`) gives the TMB and MSI it could
    establish instead. `data_check` (the workflow's verdict on the amount of data,
    `actionable.workflow.data_check`) is recorded; when it withholds the findings, none are
    listed. Returns the findings document. Bad input raises an `ActionableError`
    subclass naming the problem.
    """
    if signatures is not None:
        if tmb is not None or msi is not None:
            raise UsageError("give TMB/MSI values or a signatures file, not both")
        tmb, msi = established_signatures(signatures)
    vcf_path = Path(vcf)
    fusions_path = Path(fusions) if fusions is not None else None
    cna_path = Path(cna) if cna is not None else None
    kb = load_knowledge_base()
    tumour = kb.oncotree.resolve(tumour_type)
    genome = parse_genome(genome)
    msi = parse_msi(msi)
    tmb = parse_tmb(tmb)
    fusion_calls = read_fusions(fusions_path) if fusions_path is not None else []
    cnas = read_cna(cna_path) if cna_path is not None else []
    ref = Reference(Path(reference), genome) if reference is not None else None

    reader = VcfReader(vcf_path, genome, sample=sample, include_filtered=include_filtered)
    matcher = VariantMatcher(kb, genome, ref.left_align if ref is not None else None)
    stats = ReadStats()
    raws: list[RawFinding] = []
    for call in reader.calls(kb, stats, all_indels=ref is not None):
        raws.extend(matcher.match(call))
    raws.extend(match_fusions(kb, fusion_calls))
    raws.extend(match_copy_number(kb, cnas))
    raws.extend(match_signatures(kb, msi, tmb))

    ctx = Context(
        sample=sample or reader.sample or _stem(vcf_path),
        tumour=tumour,
        genome=genome,
        inputs={
            "vcf": vcf_path.name,
            "fusions": fusions_path.name if fusions_path is not None else None,
            "cna": cna_path.name if cna_path is not None else None,
            "tmb": tmb,
            "msi": msi,
            "vcf_annotation": stats.annotation,
            "include_filtered": bool(include_filtered),
            "left_aligned": ref is not None,
        },
        stats={
            "records": stats.records,
            "candidate_records": stats.candidates,
            "filtered_out": stats.filtered_out,
        },
    )
    findings = [] if findings_withheld(data_check) else build_findings(raws, kb, tumour)
    doc = build_document(findings, kb, ctx)
    if data_check is not None:
        doc["data_check"] = data_check
    write_outputs(
        Path(out_dir), {"findings.json": document_json(doc), "findings.tsv": document_tsv(doc)}
    )
    return doc


def established_signatures(path: str | os.PathLike[str]) -> tuple[str | None, str | None]:
    """TMB and MSI status of a signatures JSON, each None when it was not assessable."""
    try:
        options = match_options(path)
    except OSError as exc:
        raise InputFileError(f"{path}: cannot read the signatures file ({exc})") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise FormatError(f"{path}: not a signatures JSON ({exc!r})") from None
    values = dict(zip(options[::2], options[1::2], strict=True))
    return values.get("--tmb"), values.get("--msi")


def _stem(path: Path) -> str:
    name = path.name
    for suffix in (".gz", ".bgz", ".vcf", ".bcf"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    return name or "sample"
