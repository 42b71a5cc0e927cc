"""findings.json / findings.tsv (contract v1 of `actionable match`), defined once.

Side by side: where the JSON Schema of findings.json lives, the TSV columns, the writer (JSON
and TSV text, written atomically as a pair) and the reader, which checks every field it uses
and names the file and the field that is wrong. Building and ordering findings is
`actionable.matching.findings`; turning a read document into report records is
`actionable.report.model`.

Output is deterministic: JSON is written with sorted keys and two-space indentation, and
nothing depends on time. The reader is lenient where other producers spell a field
differently (`dp` for `depth`, `feature` for `transcript`, `generated_by.version`...).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from actionable.errors import FormatError, InputFileError
from actionable.formats.jsonfields import JsonFields, check_schema_version, load_json

SCHEMA_VERSION = "1"
#: how a fusion partner the caller did not name is shown
UNKNOWN_PARTNER = "?"
#: the JSON Schema of findings.json, inside the package
SCHEMA_RESOURCE: tuple[str, ...] = ("data", "schemas", "findings.schema.json")
TSV_COLUMNS: tuple[str, ...] = (
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


def schema_file() -> Traversable:
    """The JSON Schema of findings.json (`data/schemas/findings.schema.json`)."""
    return resources.files("actionable").joinpath(*SCHEMA_RESOURCE)


def load_schema() -> dict[str, Any]:
    """The JSON Schema of findings.json, parsed."""
    schema: dict[str, Any] = json.loads(schema_file().read_text(encoding="utf-8"))
    return schema


# --------------------------------------------------------------------------- writer


def document_json(doc: dict[str, Any]) -> str:
    """findings.json text: sorted keys, two-space indentation, final newline."""
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def document_tsv(doc: dict[str, Any]) -> str:
    """findings.tsv text: one row per finding x evidence, columns TSV_COLUMNS."""
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


# --------------------------------------------------------------------------- reader


@dataclass(frozen=True)
class VariantEntry:
    """`variant` of a finding (depth also read as `dp`, transcript as `feature`)."""

    chrom: str
    pos: int
    ref: str
    alt: str
    hgvsc: str | None
    hgvsp: str | None
    consequence: str | None
    vaf: float | None
    depth: int | None
    alt_depth: int | None
    transcript: str | None
    principal_transcript: bool | None


@dataclass(frozen=True)
class FusionEntry:
    """`fusion` of a finding, breakpoints as `chrom:pos`; an unknown partner (null in the
    JSON) is `UNKNOWN_PARTNER`."""

    gene5p: str
    gene3p: str
    breakpoint5p: str | None
    breakpoint3p: str | None
    split_reads: int | None
    paired_reads: int | None


@dataclass(frozen=True)
class EvidenceEntry:
    """One item of a finding's `evidence`; `citation` as written, `url` if one was given."""

    therapy: str
    direction: str
    disease: str
    on_label: bool
    level: str
    tier: str
    source: str
    citation: str
    url: str | None
    biomarker: str | None
    condition: str | None
    evidence_id: str | None
    last_reviewed: str | None


@dataclass(frozen=True)
class FindingEntry:
    """One item of `findings`."""

    gene: str
    alteration: str
    match_kind: str
    match_detail: str | None
    variant: VariantEntry | None
    evidence: list[EvidenceEntry]
    fusion: FusionEntry | None
    copy_number: float | None
    origin: str | None


@dataclass(frozen=True)
class Signatures:
    """TMB and MSI as given to `actionable match` (or read from a signatures JSON)."""

    tmb: float | None = None
    msi_status: str | None = None
    msi_score: float | None = None
    callable_mb: float | None = None
    tmb_assessable: bool | None = None
    msi_assessable: bool | None = None
    notes: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return self.tmb is None and self.msi_status is None


@dataclass(frozen=True)
class FindingsFile:
    """A findings.json document, every field the readers use checked."""

    path: Path
    sample: str
    tumor_type: str | None
    tumor_type_name: str | None
    genome: str
    kb_version: str
    kb_sources: list[str]
    findings: list[FindingEntry]
    signatures: Signatures
    tool_version: str | None
    data_message: str | None = None
    findings_withheld: bool = False


def _variant(f: JsonFields, finding: JsonFields) -> VariantEntry:
    pos = f.integer("pos")
    if pos is None:
        raise FormatError(f"{f.path}: field {f.where}.pos is missing (an integer is required)")
    depth = f.integer("depth")
    if depth is None:
        depth = f.integer("dp")
    principal = f.obj.get("principal_transcript", finding.obj.get("canonical"))
    transcript = (
        f.str("transcript", required=False)
        or f.str("feature", required=False)
        or finding.str("transcript", required=False)
    )
    return VariantEntry(
        chrom=f.req_str("chrom"),
        pos=pos,
        ref=f.req_str("ref"),
        alt=f.req_str("alt"),
        hgvsc=f.str("hgvsc", required=False),
        hgvsp=f.str("hgvsp", required=False),
        consequence=f.str("consequence", required=False),
        vaf=f.number("vaf"),
        depth=depth,
        alt_depth=f.integer("alt_depth"),
        transcript=transcript,
        principal_transcript=principal if isinstance(principal, bool) else None,
    )


def _fusion(f: JsonFields) -> FusionEntry:
    def breakpoint(side: str) -> str | None:
        chrom, pos = f.obj.get(f"chrom{side}"), f.obj.get(f"pos{side}")
        return f"{chrom}:{pos}" if chrom is not None and pos is not None else None

    return FusionEntry(
        gene5p=f.str("gene5p", required=False) or UNKNOWN_PARTNER,
        gene3p=f.str("gene3p", required=False) or UNKNOWN_PARTNER,
        breakpoint5p=breakpoint("5p"),
        breakpoint3p=breakpoint("3p"),
        split_reads=f.integer("split_reads"),
        paired_reads=f.integer("paired_reads"),
    )


def _evidence(f: JsonFields) -> EvidenceEntry:
    citation = f.str("citation", required=False) or ""
    return EvidenceEntry(
        therapy=f.req_str("therapy"),
        direction=f.req_str("direction"),
        disease=f.str("disease", required=False) or "",
        on_label=f.boolean("on_label"),
        level=str(f.obj.get("level") or ""),
        tier=f.str("tier", required=False) or "",
        source=f.str("source", required=False) or "",
        citation=citation,
        url=f.str("url", required=False),
        biomarker=f.str("biomarker", required=False),
        condition=f.str("condition", required=False),
        evidence_id=f.str("evidence_id", required=False),
        last_reviewed=f.str("last_reviewed", required=False),
    )


def _match_detail(f: JsonFields) -> str | None:
    """Optional words from the matcher about the rule that fired (several spellings read)."""
    for key in ("match_detail", "match_description", "biomarker", "rule"):
        value = f.obj.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
        if isinstance(value, dict):
            text = value.get("description") or value.get("alteration")
            if isinstance(text, str) and text.strip():
                return text.strip()
    return None


def _finding(f: JsonFields) -> FindingEntry:
    variant = f.obj_or_none("variant")
    fusion = f.obj_or_none("fusion")
    evidence = [
        _evidence(JsonFields(f.path, f"{f.where}.evidence[{i}]", e))
        for i, e in enumerate(f.list("evidence"))
    ]
    return FindingEntry(
        gene=f.str("gene", required=False) or "",
        alteration=f.req_str("alteration"),
        match_kind=f.req_str("match_kind"),
        match_detail=_match_detail(f),
        variant=_variant(variant, f) if variant is not None else None,
        evidence=evidence,
        fusion=_fusion(fusion) if fusion is not None else None,
        copy_number=f.number("copy_number"),
        origin=f.str("origin", required=False),
    )


def signatures_from(obj: Any, path: Path, where: str = "signatures") -> Signatures:
    """TMB/MSI values of one JSON object (`msi_status` also read as `msi`)."""
    f = JsonFields(path, where, obj)
    msi = f.str("msi_status", required=False) or f.str("msi", required=False)
    flags = {
        key: f.obj[key] if isinstance(f.obj.get(key), bool) else None
        for key in ("tmb_assessable", "msi_assessable")
    }
    notes = f.obj.get("notes")
    return Signatures(
        tmb=f.number("tmb"),
        msi_status=msi,
        msi_score=f.number("msi_score"),
        callable_mb=f.number("callable_mb"),
        tmb_assessable=flags["tmb_assessable"],
        msi_assessable=flags["msi_assessable"],
        notes=tuple(str(n) for n in notes) if isinstance(notes, list) else (),
    )


def _source_text(value: Any) -> str:
    if isinstance(value, dict):
        parts = [str(value[k]) for k in ("name", "version", "date") if value.get(k) is not None]
        return " ".join(parts) if parts else json.dumps(value, sort_keys=True)
    return str(value)


def findings_withheld(data_check: Mapping[str, Any] | None) -> bool:
    """The workflow's `data_check`: too little data and no opt-in, so no therapy is listed."""
    if data_check is None:
        return False
    return not data_check.get("sufficient", True) and not data_check.get("allowed", False)


def load_findings(path: Path) -> FindingsFile:
    """Read findings.json (contract v1 of `actionable match`); FormatError names the field."""
    top = JsonFields(path, "", load_json(path, "findings.json"))
    check_schema_version(top, "findings.json", SCHEMA_VERSION)
    kb = top.obj_or_none("knowledge_base")
    kb_version, kb_sources = "unknown", []
    if kb is not None:
        kb_version = str(kb.obj.get("version") or "unknown")
        sources = kb.obj.get("sources") or []
        if isinstance(sources, list):
            kb_sources = [_source_text(s) for s in sources]
        elif isinstance(sources, dict):
            kb_sources = [f"{k}: {_source_text(v)}" for k, v in sources.items()]
        else:
            kb_sources = [str(sources)]
    findings = [
        _finding(JsonFields(path, f"findings[{i}]", item))
        for i, item in enumerate(top.list("findings"))
    ]
    signatures = Signatures()
    if isinstance(top.obj.get("signatures"), dict):
        signatures = signatures_from(top.obj["signatures"], path)
    elif isinstance(top.obj.get("inputs"), dict):  # what `actionable match` was given
        signatures = signatures_from(top.obj["inputs"], path, "inputs")
    generated = top.obj.get("generated_by")
    tool_version = generated.get("version") if isinstance(generated, dict) else None
    tool_version = tool_version or top.obj.get("actionable_version")
    genome = top.str("genome", required=False) or "unknown"
    data_check = top.obj_or_none("data_check")
    data_message = data_check.str("message", required=False) if data_check else None
    return FindingsFile(
        path=path,
        sample=top.req_str("sample"),
        tumor_type=top.str("tumor_type", required=False),
        tumor_type_name=top.str("tumor_type_name", required=False),
        genome=genome,
        kb_version=kb_version,
        kb_sources=kb_sources,
        findings=findings,
        signatures=signatures,
        tool_version=str(tool_version) if tool_version is not None else None,
        data_message=data_message,
        findings_withheld=findings_withheld(data_check.obj if data_check else None),
    )
