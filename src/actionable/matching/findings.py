"""findings.json (contract v1): building and ordering the findings and the document.

Output is deterministic: findings and evidence are sorted, floats are rounded, and nothing
depends on time or paths beyond the input file names. The file itself (schema, TSV columns,
writing and reading) is defined in `actionable.formats.findings`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from actionable import __version__
from actionable.formats.findings import SCHEMA_VERSION
from actionable.formats.fusions import OWN_FORMAT, FusionCall
from actionable.matching.cascade import BiomarkerHit, Note, RawFinding, kind_rank
from actionable.matching.knowledge import EvidenceRow, KnowledgeBase
from actionable.matching.oncotree import TumourType
from actionable.matching.tiers import offered, tier_for, tier_rank


@dataclass(frozen=True)
class Context:
    """What the run was about; shown in every output."""

    sample: str
    tumour: TumourType
    genome: str
    genome_check: str
    inputs: dict[str, Any]
    stats: dict[str, Any]


def _evidence(raw: RawFinding, kb: KnowledgeBase, tumour: TumourType) -> list[dict[str, Any]]:
    """The evidence of a finding's biomarkers that is offered for the tumour type; a statement
    (therapy, direction, disease) met by several biomarkers (PIK3CA H1047R as a variant and as
    codon H1047) is given once, by the most specific hit (the hits come most specific first)."""
    hit_of: dict[EvidenceRow, BiomarkerHit] = {}
    stated: set[tuple[str, str, tuple[str, ...]]] = set()
    for hit in raw.hits:
        for row in kb.by_biomarker[hit.biomarker]:
            statement = (row.therapy, row.direction, row.disease)
            if statement not in stated:
                stated.add(statement)
                hit_of[row] = hit
    items: list[dict[str, Any]] = []
    for row, on_label in offered(hit_of, tumour.code, kb.oncotree):
        hit = hit_of[row]
        items.append(
            {
                "therapy": row.therapy,
                "direction": row.direction,
                "disease": ",".join(row.disease),
                "on_label": on_label,
                "level": row.level,
                "tier": tier_for(row.level, on_label),
                "source": row.source,
                "citation": row.citation,
                "condition": row.condition or None,
                "excluded_diseases": ",".join(row.excluded_diseases) or None,
                "evidence_id": row.evidence_id,
                "biomarker": row.alteration,
                "match_kind": hit.match_kind,
                "transcript": hit.transcript,
                "canonical": hit.canonical,
                "last_reviewed": row.last_reviewed,
            }
        )
    items.sort(
        key=lambda e: (
            tier_rank(e["tier"]),
            0 if e["direction"] == "sensitivity" else 1,
            e["therapy"],
            e["disease"],
            e["evidence_id"],
        )
    )
    return items


def _variant(raw: RawFinding) -> dict[str, Any] | None:
    call = raw.call
    if call is None:
        return None
    return {
        "chrom": call.chrom,
        "pos": call.pos,
        "ref": call.ref,
        "alt": call.alt,
        "hgvsc": raw.hgvsc,
        "hgvsp": raw.hgvsp,
        "consequence": raw.consequence,
        "vaf": call.vaf,
        "depth": call.depth,
        "genotype": call.genotype,
        "filter": call.filter,
    }


def _fusion(f: FusionCall) -> dict[str, Any]:
    """The fusion call as shown in findings.json; `format` names another caller's table."""
    out: dict[str, Any] = {
        "gene5p": f.gene5p,
        "gene3p": f.gene3p,
        "chrom5p": f.chrom5p,
        "pos5p": f.pos5p,
        "chrom3p": f.chrom3p,
        "pos3p": f.pos3p,
        "split_reads": f.split_reads,
        "paired_reads": f.paired_reads,
    }
    if f.source != OWN_FORMAT:
        out["format"] = f.source
    return out


def build_notes(notes: list[Note]) -> list[dict[str, Any]]:
    """Alterations of knowledge-base genes no rule could use, with the reason, sorted."""
    out = []
    for note in notes:
        item: dict[str, Any] = {
            "gene": note.gene,
            "alteration": note.alteration,
            "reason": note.reason,
        }
        if note.fusion is not None:
            item["fusion"] = _fusion(note.fusion)
        out.append(item)
    return sorted(out, key=lambda n: (n["gene"], n["alteration"], n["reason"]))


def build_findings(
    raws: list[RawFinding], kb: KnowledgeBase, tumour: TumourType
) -> list[dict[str, Any]]:
    """Findings with evidence and tiers, in their output order (an alteration whose every
    row is withheld for this tumour type is not a finding)."""
    out: list[dict[str, Any]] = []
    for raw in raws:
        evidence = _evidence(raw, kb, tumour)
        if not evidence:
            continue
        best = min((e["tier"] for e in evidence), key=tier_rank)
        finding: dict[str, Any] = {
            "gene": raw.gene,
            "alteration": raw.alteration,
            "match_kind": raw.match_kind,
            "tier": best,
            "variant": _variant(raw),
            "evidence": evidence,
            "transcript": raw.transcript,
            "canonical": raw.canonical,
            "match_detail": raw.detail,
        }
        if raw.fusion is not None:
            finding["fusion"] = _fusion(raw.fusion)
        if raw.copy_number is not None:
            finding["copy_number"] = raw.copy_number.copy_number
        out.append(finding)

    def key(f: dict[str, Any]) -> tuple[Any, ...]:
        v = f["variant"] or {}
        return (
            tier_rank(f["tier"]),
            f["gene"],
            f["alteration"],
            kind_rank(f["match_kind"]),
            str(v.get("chrom", "")),
            int(v.get("pos", 0)),
            str(v.get("ref", "")),
            str(v.get("alt", "")),
        )

    out.sort(key=key)
    return out


def build_document(
    findings: list[dict[str, Any]],
    kb: KnowledgeBase,
    ctx: Context,
    notes: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The findings.json document (contract v1 plus informative extra fields; `notes` only
    when there are any)."""
    doc = {
        "schema_version": SCHEMA_VERSION,
        "sample": ctx.sample,
        "tumor_type": ctx.tumour.code,
        "tumor_type_name": ctx.tumour.name,
        "genome": ctx.genome,
        "genome_check": ctx.genome_check,
        "knowledge_base": {"version": kb.version, "sources": list(kb.sources)},
        "actionable_version": __version__,
        "inputs": ctx.inputs,
        "stats": ctx.stats,
        "findings": findings,
    }
    if notes:
        doc["notes"] = notes
    return doc
