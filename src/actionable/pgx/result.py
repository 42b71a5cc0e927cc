"""Assemble and write ``pgx.json`` (contract: README.md, section Pharmacogenomics; schema
``data/schemas/pgx.schema.json``; the package layout: docs/architecture.md)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from actionable import __version__
from actionable.io.atomic import write_atomic
from actionable.pgx.caller import GeneCall, call_gene
from actionable.pgx.definitions import SUPPORTED_GENES, load_genes, manifest
from actionable.pgx.genotypes import read_genotypes
from actionable.pgx.recommendations import drugs_for, recommendations_for

SCHEMA_VERSION = "1"
OUTPUT_NAME = "pgx.json"
DEFINITIONS_SOURCE = (
    "CPIC / ClinPGx allele definitions and phenotype tables as packaged by PharmCAT "
    "(CPIC data, CC0), slimmed by tools.pgx_convert"
)
RECOMMENDATIONS_SOURCE = (
    "actionable data/pgx/recommendations.tsv: CPIC's therapeutic recommendations, other "
    "considerations and classifications verbatim (CC0) and, for irinotecan, own wording of the "
    "FDA label; each row names its guideline"
)
GLOBAL_NOTES = (
    "Germline pharmacogenomics from VCF genotypes at the allele-defining positions; a position "
    "without a genotype is a no-call, never assumed reference.",
    "Diplotypes from unphased genotypes are the most specific allele pair consistent with the "
    "calls; alternatives that also fit are listed.",
    "Results support, but do not replace, clinical judgement and the full guideline text.",
)
STATUSES = ("called", "partial", "no_match", "not_called")


def _confidence(call: GeneCall) -> str:
    """high: every position called, one best diplotype; reduced: missing positions or ties;
    none: no call (not_called, no_match)."""
    if call.status in ("no_match", "not_called"):
        return "none"
    if call.status == "partial" or call.ties:
        return "reduced"
    return "high"


def gene_to_dict(call: GeneCall) -> dict[str, Any]:
    out: dict[str, Any] = {
        "gene": call.gene,
        "status": call.status,
        "confidence": _confidence(call),
        "diplotype": call.diplotype,
        "diplotype_ties": call.ties,
        "alleles": call.allele_details,
        "phenotype": call.phenotype,
        "activity_score": call.activity_score,
        "phased": call.phased,
        "positions_total": call.positions_total,
        "positions_called": call.positions_called,
        "missing_count": len(call.missing),
        "missing_positions": [m.to_dict() for m in call.missing],
        "unmatched_positions": [u.to_dict() for u in call.unmatched],
        "variants_found": [v.to_dict() for v in call.variants_found],
        "alternative_diplotypes": call.alternatives,
        "alternative_diplotypes_total": call.alternatives_total,
        "notes": call.notes,
        "recommendations": recommendations_for(
            call.gene, call.phenotype, call.activity_score, call.copy_number_assessed
        )
        if call.status in ("called", "partial")
        else [],
        "drugs_covered": drugs_for(call.gene),
    }
    if call.status in ("called", "partial") and call.phenotype == "Indeterminate":
        out["notes"] = [
            *call.notes,
            "phenotype Indeterminate (an allele of uncertain or unknown function, or conflicting "
            "equally good diplotypes): CPIC gives no genotype-based recommendation",
        ]
    if call.not_genotyped:
        out["not_genotyped_positions"] = [p.to_dict() for p in call.not_genotyped]
    if call.copy_number_assessed is not None:
        out["copy_number_assessed"] = call.copy_number_assessed
    if call.proxy is not None:
        out["proxy"] = call.proxy
    return out


def build_report(
    vcf: Path,
    genome: str = "GRCh38",
    sample: str | None = None,
    genes: Sequence[str] = SUPPORTED_GENES,
) -> dict[str, Any]:
    """Genotype, call and annotate every gene; return the pgx.json document."""
    definitions = load_genes(tuple(genes))
    genotypes = read_genotypes(vcf, definitions, genome=genome, sample=sample)
    calls = [call_gene(d, genotypes) for d in definitions]
    gene_dicts = [gene_to_dict(c) for c in sorted(calls, key=lambda c: c.gene)]
    notes = list(GLOBAL_NOTES)
    thiopurine = {c.gene: c.phenotype for c in calls if c.gene in ("TPMT", "NUDT15")}
    reduced = [g for g, p in thiopurine.items() if p and p != "Normal Metabolizer"]
    if len(reduced) == 2 and all(thiopurine[g] != "Indeterminate" for g in reduced):
        notes.append(
            "TPMT and NUDT15 are both reduced: CPIC advises that patients with reduced function "
            "of both genes may need larger thiopurine dose reductions than either gene alone."
        )
    info = manifest()
    doc: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "generated_by": {"tool": "actionable pgx", "version": __version__},
        "sample": genotypes.sample,
        "genome": "GRCh38",
        "input": {"vcf": vcf.name, "contig_style": genotypes.chrom_style},
        "definitions": {
            "source": DEFINITIONS_SOURCE,
            "version": info["version"],
            "genes": {
                g: {
                    "version": info["genes"][g]["version"],
                    "modification_date": info["genes"][g]["modification_date"],
                    "genome_build": info["genes"][g]["genome_build"],
                    "source_files": info["genes"][g]["source_files"],
                }
                for g in sorted(genes)
            },
        },
        "recommendations_source": RECOMMENDATIONS_SOURCE,
        "summary": {s: sum(1 for c in calls if c.status == s) for s in STATUSES},
        "genes": gene_dicts,
        "notes": notes,
    }
    return doc


def dumps(doc: dict[str, Any]) -> str:
    """Deterministic JSON text: sorted keys, two-space indent, trailing newline."""
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def run_pgx(
    vcf: str | Path,
    out_dir: str | Path,
    genome: str = "GRCh38",
    sample: str | None = None,
    genes: Sequence[str] = SUPPORTED_GENES,
) -> dict[str, Any]:
    """Build the report and write ``out_dir/pgx.json``; return the document."""
    doc = build_report(Path(vcf), genome=genome, sample=sample, genes=genes)
    write_atomic(Path(out_dir) / OUTPUT_NAME, dumps(doc))
    return doc
