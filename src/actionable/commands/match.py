"""`actionable match`: variants, fusions, copy number and signatures → tiered therapies.

Contract v1:

    actionable match --vcf FILE [--fusions TSV] [--cna TSV] [--tmb FLOAT] [--msi MSI-H|MSS]
                     --tumor-type ONCOTREE_CODE --genome GRCh38|GRCh37 [--sample NAME] --out DIR

writes DIR/findings.json and DIR/findings.tsv; exit 0 on success, 2 on bad input with one
line naming the problem. `run_match` is the same as a function (the workflow calls it).

v1-compatible extensions: `--maf FILE` instead of `--vcf FILE`; `--tmb-from-vcf
--callable-mb X`; `--fusions`/`--cna` also read other callers' tables (told apart by
the header; `actionable.formats.fusions`, `actionable.formats.cna`); segments are mapped to
genes with `--amplification-cn`, `--deletion-cn`, `--ploidy`, `--purity` and, for a file of
several samples, `--cna-sample`.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from pathlib import Path
from typing import Any

from actionable.calling.copy_number import CnvSettings, gene_calls
from actionable.errors import FormatError, InputFileError, UsageError
from actionable.formats.findings import (
    document_json,
    document_tsv,
    findings_withheld,
    write_outputs,
)
from actionable.formats.fusions import read_fusions
from actionable.formats.signatures import match_options
from actionable.matching.cascade import (
    Note,
    RawFinding,
    VariantMatcher,
    match_copy_number,
    match_fusions,
    match_signatures,
)
from actionable.matching.fasta import Reference
from actionable.matching.findings import Context, build_document, build_findings, build_notes
from actionable.matching.knowledge import GENOMES, NO_GENOME, load_knowledge_base
from actionable.matching.maf import MafReader
from actionable.matching.vcf import BurdenTally, ReadStats, VcfReader

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
    variants = parser.add_mutually_exclusive_group(required=True)
    variants.add_argument("--vcf", type=Path, help="VCF, bgzipped VCF or BCF")
    variants.add_argument(
        "--maf", type=Path, help="MAF (TCGA/GDC, cBioPortal, vcf2maf), plain or gzipped"
    )
    parser.add_argument(
        "--fusions",
        type=Path,
        help="fusions table: the project's TSV (gene5p, gene3p, ...), PCGR, Arriba, "
        "STAR-Fusion, or a list of A::B / A--B (told apart by the header)",
    )
    parser.add_argument(
        "--cna",
        type=Path,
        help="copy number: gene-level TSV (gene, call, ...) or segments of PCGR, ASCAT, "
        "PURPLE, CNVkit (.cns/.call.cns), GATK or DNAcopy (.seg), mapped to genes",
    )
    parser.add_argument(
        "--cna-sample",
        metavar="NAME",
        help="sample of a segment file holding several (its sample/ID column)",
    )
    defaults = CnvSettings()
    for flag, default, meaning in (
        ("--amplification-cn", defaults.amplification_cn, "a gene is amplified at CN >= X"),
        ("--deletion-cn", defaults.deletion_cn, "a gene is deleted at CN <= X"),
        ("--ploidy", defaults.ploidy, "copies in normal cells, for log2 segments"),
        ("--purity", defaults.purity, "tumour purity (0-1], for log2 segments"),
    ):
        parser.add_argument(
            flag, type=float, default=default, metavar="X", help=f"{meaning} (default {default:g})"
        )
    parser.add_argument("--tmb", metavar="FLOAT", help="tumour mutational burden, mut/Mb")
    parser.add_argument(
        "--tmb-from-vcf",
        action="store_true",
        help="count TMB in the annotated somatic VCF (or the MAF): PASS protein-changing "
        "variants with VAF >= 5%% per --callable-mb",
    )
    parser.add_argument(
        "--callable-mb",
        metavar="FLOAT",
        help="megabases of coding sequence the VCF's calls cover (the panel or exome size)",
    )
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
    parser.add_argument(
        "--sample",
        help="tumour sample: VCF column (multi-sample VCFs) or MAF Tumor_Sample_Barcode",
    )
    parser.add_argument("--out", required=True, type=Path, help="output directory")
    parser.add_argument(
        "--reference",
        type=Path,
        metavar="FASTA",
        help="indexed FASTA of the genome build: left-align indels before matching; give "
        "a MAF's indels their VCF anchor base",
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


def parse_callable_mb(value: float | str | None) -> float:
    try:
        megabases = float(value) if value is not None else math.nan
    except ValueError:
        megabases = math.nan
    if not (megabases > 0 and math.isfinite(megabases)):
        raise UsageError(f"--callable-mb {value!r} must be a positive number of megabases")
    return megabases


def burden_tally(
    from_vcf: bool, callable_mb: float | str | None, tmb: float | None
) -> BurdenTally | None:
    """The TMB counter `--tmb-from-vcf` asks for, after checking the options around it."""
    if not from_vcf:
        if callable_mb is not None:
            raise UsageError("--callable-mb is only used with --tmb-from-vcf")
        return None
    if tmb is not None:
        raise UsageError("give --tmb or --tmb-from-vcf, not both")
    return BurdenTally(parse_callable_mb(callable_mb))


def run(args: argparse.Namespace) -> int:
    run_match(
        args.vcf,
        args.out,
        maf=args.maf,
        genome=args.genome,
        tumour_type=args.tumor_type,
        sample=args.sample,
        fusions=args.fusions,
        cna=args.cna,
        cna_sample=args.cna_sample,
        cnv_settings=cnv_settings(
            args.amplification_cn, args.deletion_cn, args.ploidy, args.purity
        ),
        tmb=args.tmb,
        msi=args.msi,
        tmb_from_vcf=args.tmb_from_vcf,
        callable_mb=args.callable_mb,
        reference=args.reference,
        include_filtered=args.include_filtered,
    )
    return 0


def run_match(
    vcf: str | os.PathLike[str] | None,
    out_dir: str | os.PathLike[str],
    genome: str,
    tumour_type: str,
    sample: str | None = None,
    fusions: str | os.PathLike[str] | None = None,
    cna: str | os.PathLike[str] | None = None,
    cna_sample: str | None = None,
    cnv_settings: CnvSettings | None = None,
    tmb: float | str | None = None,
    msi: str | None = None,
    reference: str | os.PathLike[str] | None = None,
    include_filtered: bool = False,
    signatures: str | os.PathLike[str] | None = None,
    maf: str | os.PathLike[str] | None = None,
    tmb_from_vcf: bool = False,
    callable_mb: float | str | None = None,
    data_check: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Match one sample and write OUT_DIR/findings.json and findings.tsv (contract v1).

    The arguments are those of `actionable match`; `None` leaves an input out. Exactly one
    of `vcf` and `maf` is the variant input. `tmb` is in mutations per megabase, `msi` one
    of MSI-H, MSI-L, MSS; `cnv_settings` holds the thresholds, ploidy and purity applied to
    copy-number segments (default `CnvSettings()`). `signatures` (the workflow's signatures JSON,
    `actionable.formats.signatures`) gives the TMB and MSI it could establish instead;
    `tmb_from_vcf` counts TMB in the variant input per `callable_mb`. `data_check` (the
    workflow's verdict on the amount of data, `actionable.workflow.data_check`) is recorded;
    when it withholds the findings, none are listed. Returns the findings document. Bad
    input raises an `ActionableError` subclass naming the problem.
    """
    if signatures is not None:
        if tmb is not None or msi is not None:
            raise UsageError("give TMB/MSI values or a signatures file, not both")
        tmb, msi = established_signatures(signatures)
    source = vcf if vcf is not None else maf
    if source is None or (vcf is not None and maf is not None):
        raise UsageError("give the variants as exactly one of --vcf and --maf")
    variants_path = Path(source)
    fusions_path = Path(fusions) if fusions is not None else None
    cna_path = Path(cna) if cna is not None else None
    kb = load_knowledge_base()
    tumour = kb.oncotree.resolve(tumour_type)
    genome = parse_genome(genome)
    msi = parse_msi(msi)
    tmb = parse_tmb(tmb)
    tally = burden_tally(tmb_from_vcf, callable_mb, tmb)
    fusion_calls = read_fusions(fusions_path) if fusions_path is not None else []
    cnas = (
        gene_calls(cna_path, genome, cna_sample, cnv_settings or CnvSettings())
        if cna_path is not None
        else []
    )
    ref = Reference(Path(reference), genome) if reference is not None else None

    reader: VcfReader | MafReader
    if maf is not None:
        reader = MafReader(variants_path, genome, sample, include_filtered, ref)
    else:
        reader = VcfReader(variants_path, genome, sample=sample, include_filtered=include_filtered)
    matcher = VariantMatcher(kb, genome, ref.left_align if ref is not None else None)
    stats = ReadStats()
    raws: list[RawFinding] = []
    for call in reader.calls(kb, stats, all_indels=ref is not None, tally=tally):
        raws.extend(matcher.match(call))
    tmb_inputs: dict[str, Any] = {}
    if tally is not None:
        tmb = tally.per_megabase()
        tmb_inputs = {"callable_mb": tally.callable_mb, "tmb_method": tally.method()}
    genome_status = reader.genome_check.finish()
    warning = reader.genome_check.warning()
    if warning is not None:
        print(f"actionable match: warning: {warning}", file=sys.stderr)
    notes: list[Note] = []
    for found, unmatched in (match_fusions(kb, fusion_calls), match_copy_number(kb, cnas)):
        raws.extend(found)
        notes.extend(unmatched)
    raws.extend(match_signatures(kb, msi, tmb))

    ctx = Context(
        sample=sample or reader.sample or _stem(variants_path),
        tumour=tumour,
        genome=genome,
        genome_check=genome_status,
        inputs={
            "vcf": variants_path.name if maf is None else None,
            **({"maf": variants_path.name} if maf is not None else {}),
            "fusions": fusions_path.name if fusions_path is not None else None,
            "cna": cna_path.name if cna_path is not None else None,
            "tmb": tmb,
            "msi": msi,
            "vcf_annotation": stats.annotation,
            "include_filtered": bool(include_filtered),
            "left_aligned": ref is not None,
            **tmb_inputs,
        },
        stats={
            "records": stats.records,
            "candidate_records": stats.candidates,
            "filtered_out": stats.filtered_out,
        },
    )
    findings = [] if findings_withheld(data_check) else build_findings(raws, kb, tumour)
    doc = build_document(findings, kb, ctx, build_notes(notes))
    if data_check is not None:
        doc["data_check"] = data_check
    write_outputs(
        Path(out_dir), {"findings.json": document_json(doc), "findings.tsv": document_tsv(doc)}
    )
    return doc


def cnv_settings(
    amplification_cn: float, deletion_cn: float, ploidy: float, purity: float
) -> CnvSettings:
    """The copy-number options as settings; a value out of range is a UsageError."""
    try:
        return CnvSettings(
            amplification_cn=amplification_cn,
            deletion_cn=deletion_cn,
            ploidy=ploidy,
            purity=purity,
        )
    except ValueError as exc:
        raise UsageError(f"copy-number options: {exc}") from None


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
    for suffix in (".gz", ".bgz", ".vcf", ".bcf", ".maf", ".tsv"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    return name or "sample"
