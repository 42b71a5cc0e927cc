"""findings.json / findings.tsv (contract v1): building, ordering and writing.

Output is deterministic: findings and evidence are sorted, JSON is written with sorted keys
and two-space indentation, floats are rounded, and nothing depends on time or paths beyond
the input file names. Files are written to a temporary name in the output directory and
renamed, so a failed run never leaves half-written results.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from actionable import __version__
from actionable.errors import InputFileError
from actionable.matching.cascade import RawFinding, kind_rank
from actionable.matching.knowledge import KnowledgeBase
from actionable.matching.oncotree import TumourType
from actionable.matching.tiers import applies, tier_for, tier_rank

SCHEMA_VERSION = "1"
TSV_COLUMNS = (
    "sample",
    "tumor_type",
    "genome",
    "kb_version",
    "gene",
    "alteration",
    "match_kind",
    "tier",
    "chrom",
    "pos",
    "ref",
    "alt",
    "hgvsc",
    "hgvsp",
    "consequence",
    "vaf",
    "transcript",
    "canonical",
    "therapy",
    "direction",
    "disease",
    "on_label",
    "level",
    "evidence_tier",
    "source",
    "citation",
    "evidence_match_kind",
    "biomarker",
    "condition",
    "evidence_id",
)


@dataclass(frozen=True)
class Context:
    """What the run was about; shown in every output."""

    sample: str
    tumour: TumourType
    genome: str
    inputs: dict[str, Any]
    stats: dict[str, Any]


def _evidence(raw: RawFinding, kb: KnowledgeBase, tumour: TumourType) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for hit in raw.hits:
        for row in kb.by_biomarker[hit.biomarker]:
            on_label = applies(row, tumour.code, kb.oncotree)
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


def build_findings(
    raws: list[RawFinding], kb: KnowledgeBase, tumour: TumourType
) -> list[dict[str, Any]]:
    """Findings with evidence and tiers, in their output order."""
    out: list[dict[str, Any]] = []
    for raw in raws:
        evidence = _evidence(raw, kb, tumour)
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
            f = raw.fusion
            finding["fusion"] = {
                "gene5p": f.gene5p,
                "gene3p": f.gene3p,
                "chrom5p": f.chrom5p,
                "pos5p": f.pos5p,
                "chrom3p": f.chrom3p,
                "pos3p": f.pos3p,
                "split_reads": f.split_reads,
                "paired_reads": f.paired_reads,
            }
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
    findings: list[dict[str, Any]], kb: KnowledgeBase, ctx: Context
) -> dict[str, Any]:
    """The findings.json document (contract v1 plus informative extra fields)."""
    return {
        "schema_version": SCHEMA_VERSION,
        "sample": ctx.sample,
        "tumor_type": ctx.tumour.code,
        "tumor_type_name": ctx.tumour.name,
        "genome": ctx.genome,
        "knowledge_base": {"version": kb.version, "sources": list(kb.sources)},
        "actionable_version": __version__,
        "inputs": ctx.inputs,
        "stats": ctx.stats,
        "findings": findings,
    }


def document_json(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def document_tsv(doc: dict[str, Any]) -> str:
    """One row per finding x evidence."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(TSV_COLUMNS)
    for f in doc["findings"]:
        v = f["variant"] or {}
        for e in f["evidence"]:
            row = {
                "sample": doc["sample"],
                "tumor_type": doc["tumor_type"],
                "genome": doc["genome"],
                "kb_version": doc["knowledge_base"]["version"],
                "gene": f["gene"],
                "alteration": f["alteration"],
                "match_kind": f["match_kind"],
                "tier": f["tier"],
                "chrom": v.get("chrom"),
                "pos": v.get("pos"),
                "ref": v.get("ref"),
                "alt": v.get("alt"),
                "hgvsc": v.get("hgvsc"),
                "hgvsp": v.get("hgvsp"),
                "consequence": v.get("consequence"),
                "vaf": v.get("vaf"),
                "transcript": f.get("transcript"),
                "canonical": f.get("canonical"),
                "therapy": e["therapy"],
                "direction": e["direction"],
                "disease": e["disease"],
                "on_label": e["on_label"],
                "level": e["level"],
                "evidence_tier": e["tier"],
                "source": e["source"],
                "citation": e["citation"],
                "evidence_match_kind": e["match_kind"],
                "biomarker": e["biomarker"],
                "condition": e["condition"],
                "evidence_id": e["evidence_id"],
            }
            writer.writerow([_cell(row[c]) for c in TSV_COLUMNS])
    return buf.getvalue()


def write_outputs(out_dir: Path, files: dict[str, str]) -> None:
    """Write each file atomically (temp file in `out_dir`, then rename)."""
    if out_dir.exists() and not out_dir.is_dir():
        raise InputFileError(f"{out_dir}: --out exists and is not a directory")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputFileError(
            f"{out_dir}: cannot create output directory ({exc.strerror})"
        ) from None
    temps: list[tuple[str, Path]] = []
    try:
        for name, text in files.items():
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=out_dir)
            os.fchmod(fd, 0o644)
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
            temps.append((name, Path(tmp)))
        for name, tmp in temps:
            os.replace(tmp, out_dir / name)
    except OSError as exc:
        for _, tmp in temps:
            with contextlib.suppress(OSError):
                tmp.unlink()
        raise InputFileError(f"{out_dir}: cannot write outputs ({exc.strerror})") from None
