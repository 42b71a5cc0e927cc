"""Read what the report shows: findings.json (v1), pgx.json (v1) and signatures into records.

Every check names the file and the field that is wrong; nothing here formats HTML.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from actionable.errors import FormatError, InputFileError

#: AMP/ASCO/CAP 2017 tiers of therapeutic evidence, strongest first.
TIERS: tuple[str, ...] = ("I-A", "I-B", "II-C", "II-D")
TIER_TEXT: dict[str, str] = {
    "I-A": "Tier I-A: approved or in guidelines for this tumour type",
    "I-B": "Tier I-B: well-powered studies in this tumour type",
    "II-C": "Tier II-C: approved for another tumour type, or clinical trials",
    "II-D": "Tier II-D: preclinical data or case reports",
}
SENSITIVITY = frozenset({"sensitivity", "sensitive", "response", "responsive"})
RESISTANCE = frozenset({"resistance", "resistant", "reduced sensitivity"})

#: plain words for each match kind of the knowledge-base cascade
MATCH_KIND_TEXT: dict[str, str] = {
    "genomic": "exact genomic change (chromosome, position and alleles)",
    "hgvsp": "exact protein change",
    "hgvsc": "exact cDNA change",
    "codon": "any missense change at this codon",
    "aa_range": "any change in this protein region",
    "exon": "exon-level rule (exon and consequence)",
    "splice": "splice-site change at a named exon boundary",
    "gene_lof": "truncating (loss-of-function) change in the gene",
    "fusion": "gene fusion",
    "amplification": "copy-number amplification",
    "deletion": "copy-number deletion",
    "signature": "genomic signature",
    "pgx": "pharmacogenomic genotype",
}
FUSION_KINDS = frozenset({"fusion"})
CNA_KINDS = frozenset({"amplification", "deletion"})
SIGNATURE_KINDS = frozenset({"signature"})

_PMID = re.compile(r"^\s*PMID\s*:?\s*(\d{1,9})\s*$", re.IGNORECASE)
_NCT = re.compile(r"^\s*(NCT\d{8})\s*$", re.IGNORECASE)
_CIVIC_EID = re.compile(r"^\s*(?:CIViC\s*)?EID\s*:?\s*(\d{1,7})\s*$", re.IGNORECASE)
_URL = re.compile(r"^https?://[^\s<>\"'`]+$", re.IGNORECASE)


# `actionable match --genome none`: coordinates of another build, matched by annotation only
GENOME_LABELS = {"none": "other (annotation-based matching)"}


@dataclass(frozen=True)
class Citation:
    """A citation as written in the data, and a link when it names a resolvable source."""

    text: str
    url: str | None


def citation_link(text: str, url: str | None = None) -> Citation:
    """Turn a citation string into text plus an http(s) link (never another scheme)."""
    text = text.strip()
    if url and _URL.match(url.strip()):
        return Citation(text or url.strip(), url.strip())
    if _URL.match(text):
        return Citation(text, text)
    if m := _PMID.match(text):
        return Citation(f"PMID {m.group(1)}", f"https://pubmed.ncbi.nlm.nih.gov/{m.group(1)}/")
    if m := _NCT.match(text):
        nct = m.group(1).upper()
        return Citation(nct, f"https://clinicaltrials.gov/study/{quote(nct)}")
    if m := _CIVIC_EID.match(text):
        return Citation(f"CIViC EID{m.group(1)}", f"https://civicdb.org/evidence/{m.group(1)}")
    return Citation(text, None)


@dataclass(frozen=True)
class Evidence:
    therapy: str
    direction: str
    disease: str
    on_label: bool
    level: str
    tier: str
    source: str
    citation: Citation
    biomarker: str | None = None
    condition: str | None = None
    evidence_id: str | None = None
    last_reviewed: str | None = None

    @property
    def is_sensitivity(self) -> bool:
        return self.direction.lower() in SENSITIVITY

    @property
    def is_resistance(self) -> bool:
        return self.direction.lower() in RESISTANCE


@dataclass(frozen=True)
class VariantCall:
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
class Fusion:
    gene5p: str
    gene3p: str
    breakpoint5p: str | None
    breakpoint3p: str | None
    split_reads: int | None
    paired_reads: int | None


@dataclass
class Finding:
    gene: str
    alteration: str
    match_kind: str
    match_detail: str | None
    variant: VariantCall | None
    evidence: list[Evidence]
    fusion: Fusion | None = None
    copy_number: float | None = None
    origin: str | None = None

    @property
    def category(self) -> str:
        if self.match_kind in FUSION_KINDS or self.fusion is not None:
            return "fusion"
        if self.match_kind in CNA_KINDS:
            return "cna"
        if self.match_kind in SIGNATURE_KINDS:
            return "signature"
        return "variant"

    @property
    def label(self) -> str:
        """'EGFR L858R', 'EML4::ALK fusion', 'ERBB2 amplification', 'TMB-high'."""
        if self.category in ("fusion", "signature") or self.alteration.startswith(self.gene):
            return self.alteration
        return f"{self.gene} {self.alteration}"

    @property
    def why(self) -> str:
        """Why the knowledge base matched, in words."""
        kind = MATCH_KIND_TEXT.get(self.match_kind, self.match_kind.replace("_", " "))
        return f"{kind}: {self.match_detail}" if self.match_detail else kind

    @property
    def best_tier_index(self) -> int:
        return min((tier_index(e.tier) for e in self.evidence), default=len(TIERS) + 1)

    @property
    def best_tier(self) -> str | None:
        ranked = self.sorted_evidence
        return ranked[0].tier if ranked else None

    @property
    def sorted_evidence(self) -> list[Evidence]:
        """Strongest tier first; within a tier sensitivity, then resistance, then others."""

        def key(e: Evidence) -> tuple[int, int, str]:
            kind = 0 if e.is_sensitivity else 1 if e.is_resistance else 2
            return (tier_index(e.tier), kind, e.therapy)

        return sorted(self.evidence, key=key)


def tier_index(tier: str) -> int:
    """Position of a tier in TIERS; unknown tiers sort after II-D."""
    try:
        return TIERS.index(tier)
    except ValueError:
        return len(TIERS)


@dataclass(frozen=True)
class Signatures:
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


@dataclass
class FindingsDoc:
    path: Path
    sample: str
    tumor_type: str | None
    tumor_type_name: str | None
    genome: str
    kb_version: str
    kb_sources: list[str]
    findings: list[Finding]
    signatures: Signatures
    tool_version: str | None = None


@dataclass(frozen=True)
class PgxRecommendation:
    drug: str
    text: str
    strength: str
    source: str
    population: str
    url: str | None
    note: str | None


@dataclass
class PgxGene:
    gene: str
    status: str
    diplotype: str | None
    phenotype: str | None
    activity_score: float | None
    positions_total: int
    positions_called: int
    missing_count: int
    recommendations: list[PgxRecommendation]
    drugs_covered: list[str]
    notes: list[str]
    confidence: str | None = None
    ties: list[str] = field(default_factory=list)

    @property
    def called(self) -> bool:
        return self.status in ("called", "partial") and self.diplotype is not None


@dataclass
class PgxDoc:
    path: Path
    sample: str
    genome: str
    definitions_version: str | None
    genes: list[PgxGene]
    notes: list[str] = field(default_factory=list)

    @property
    def called(self) -> list[PgxGene]:
        return [g for g in self.genes if g.called]

    @property
    def not_called(self) -> list[PgxGene]:
        return [g for g in self.genes if not g.called]


# --------------------------------------------------------------------------- readers


class _Fields:
    """Typed access to one JSON object, with errors that name the file and the field."""

    def __init__(self, path: Path, where: str, obj: Any) -> None:
        if not isinstance(obj, dict):
            raise FormatError(f"{path}: {where} must be a JSON object")
        self.path, self.where, self.obj = path, where, obj

    def _name(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def _fail(self, key: str, what: str) -> FormatError:
        return FormatError(f"{self.path}: field {self._name(key)} {what}")

    def str(self, key: str, *, required: bool = True) -> str | None:
        value = self.obj.get(key)
        if value is None:
            if required:
                raise self._fail(key, "is missing (a string is required)")
            return None
        if not isinstance(value, str):
            raise self._fail(key, f"must be a string, not {type(value).__name__}")
        return value

    def req_str(self, key: str) -> str:
        value = self.str(key)
        assert value is not None
        return value

    def number(self, key: str) -> float | None:
        value = self.obj.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
            raise self._fail(key, f"must be a number, not {value!r}")
        return float(value)

    def integer(self, key: str) -> int | None:
        value = self.obj.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._fail(key, f"must be an integer, not {value!r}")
        return value

    def boolean(self, key: str, default: bool = False) -> bool:
        value = self.obj.get(key, default)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self._fail(key, f"must be true or false, not {value!r}")
        return value

    def list(self, key: str, *, required: bool = True) -> list[Any]:
        value = self.obj.get(key)
        if value is None:
            if required:
                raise self._fail(key, "is missing (a list is required)")
            return []
        if not isinstance(value, list):
            raise self._fail(key, f"must be a list, not {type(value).__name__}")
        return value

    def obj_or_none(self, key: str) -> _Fields | None:
        value = self.obj.get(key)
        if value is None:
            return None
        return _Fields(self.path, self._name(key), value)


def _load_json(path: Path, what: str) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputFileError(f"{path}: {what} file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(f"{path}: cannot read {what} file ({exc})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(
            f"{path}: line {exc.lineno}: not valid JSON ({exc.msg}); expected {what}"
        ) from None


def _check_version(top: _Fields, what: str) -> None:
    version = top.obj.get("schema_version")
    if version is not None and str(version) != "1":
        raise FormatError(
            f"{top.path}: field schema_version is {version!r}; this report reads {what} "
            "schema version 1"
        )


def _variant(f: _Fields, finding: _Fields) -> VariantCall:
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
    return VariantCall(
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


def _fusion(f: _Fields, finding: _Fields) -> Fusion:
    def breakpoint(side: str) -> str | None:
        chrom, pos = f.obj.get(f"chrom{side}"), f.obj.get(f"pos{side}")
        return f"{chrom}:{pos}" if chrom is not None and pos is not None else None

    return Fusion(
        gene5p=f.req_str("gene5p"),
        gene3p=f.req_str("gene3p"),
        breakpoint5p=breakpoint("5p"),
        breakpoint3p=breakpoint("3p"),
        split_reads=f.integer("split_reads"),
        paired_reads=f.integer("paired_reads"),
    )


def _evidence(f: _Fields) -> Evidence:
    citation = f.str("citation", required=False) or ""
    return Evidence(
        therapy=f.req_str("therapy"),
        direction=f.req_str("direction"),
        disease=f.str("disease", required=False) or "",
        on_label=f.boolean("on_label"),
        level=str(f.obj.get("level") or ""),
        tier=f.str("tier", required=False) or "",
        source=f.str("source", required=False) or "",
        citation=citation_link(citation, f.str("url", required=False)),
        biomarker=f.str("biomarker", required=False),
        condition=f.str("condition", required=False),
        evidence_id=f.str("evidence_id", required=False),
        last_reviewed=f.str("last_reviewed", required=False),
    )


def _match_detail(f: _Fields) -> str | None:
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


def _finding(f: _Fields) -> Finding:
    variant = f.obj_or_none("variant")
    fusion = f.obj_or_none("fusion")
    evidence = [
        _evidence(_Fields(f.path, f"{f.where}.evidence[{i}]", e))
        for i, e in enumerate(f.list("evidence"))
    ]
    return Finding(
        gene=f.str("gene", required=False) or "",
        alteration=f.req_str("alteration"),
        match_kind=f.req_str("match_kind"),
        match_detail=_match_detail(f),
        variant=_variant(variant, f) if variant is not None else None,
        evidence=evidence,
        fusion=_fusion(fusion, f) if fusion is not None else None,
        copy_number=f.number("copy_number"),
        origin=f.str("origin", required=False),
    )


def signatures_from(obj: Any, path: Path, where: str = "signatures") -> Signatures:
    f = _Fields(path, where, obj)
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


def load_signatures(path: Path) -> Signatures:
    """results/signatures/{patient}.json: tmb, msi_status, msi_score, callable_mb."""
    return signatures_from(_load_json(path, "signatures JSON"), path, "")


def load_findings(path: Path) -> FindingsDoc:
    """Read findings.json (contract v1 of `actionable match`)."""
    top = _Fields(path, "", _load_json(path, "findings.json"))
    _check_version(top, "findings.json")
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
        _finding(_Fields(path, f"findings[{i}]", item))
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
    return FindingsDoc(
        path=path,
        sample=top.req_str("sample"),
        tumor_type=top.str("tumor_type", required=False),
        tumor_type_name=top.str("tumor_type_name", required=False),
        genome=GENOME_LABELS.get(genome, genome),
        kb_version=kb_version,
        kb_sources=kb_sources,
        findings=findings,
        signatures=signatures,
        tool_version=str(tool_version) if tool_version is not None else None,
    )


def _source_text(value: Any) -> str:
    if isinstance(value, dict):
        parts = [str(value[k]) for k in ("name", "version", "date") if value.get(k) is not None]
        return " ".join(parts) if parts else json.dumps(value, sort_keys=True)
    return str(value)


def _recommendation(f: _Fields) -> PgxRecommendation:
    url = f.str("url", required=False)
    return PgxRecommendation(
        drug=f.req_str("drug"),
        text=f.req_str("text"),
        strength=f.str("strength", required=False) or "",
        source=f.str("source", required=False) or "",
        population=f.str("population", required=False) or "",
        url=url if url and _URL.match(url) else None,
        note=f.str("note", required=False),
    )


def load_pgx(path: Path) -> PgxDoc:
    """Read pgx.json (contract v1 of `actionable pgx`)."""
    top = _Fields(path, "", _load_json(path, "pgx.json"))
    _check_version(top, "pgx.json")
    genes = []
    for i, item in enumerate(top.list("genes")):
        g = _Fields(path, f"genes[{i}]", item)
        recs = [
            _recommendation(_Fields(path, f"genes[{i}].recommendations[{j}]", r))
            for j, r in enumerate(g.list("recommendations", required=False))
        ]
        missing = g.integer("missing_count")
        if missing is None:
            missing = len(g.list("missing_positions", required=False))
        genes.append(
            PgxGene(
                gene=g.req_str("gene"),
                status=g.str("status", required=False)
                or ("called" if g.obj.get("diplotype") else "not_called"),
                diplotype=g.str("diplotype", required=False),
                phenotype=g.str("phenotype", required=False),
                activity_score=g.number("activity_score"),
                positions_total=g.integer("positions_total") or 0,
                positions_called=g.integer("positions_called") or 0,
                missing_count=missing,
                recommendations=recs,
                drugs_covered=[str(d) for d in g.list("drugs_covered", required=False)],
                notes=[str(n) for n in g.list("notes", required=False)],
                confidence=g.str("confidence", required=False),
                ties=[str(t) for t in g.list("diplotype_ties", required=False)],
            )
        )
    definitions = top.obj.get("definitions")
    version = definitions.get("version") if isinstance(definitions, dict) else None
    return PgxDoc(
        path=path,
        sample=top.req_str("sample"),
        genome=top.str("genome", required=False) or "unknown",
        definitions_version=str(version) if version is not None else None,
        genes=sorted(genes, key=lambda g: g.gene),
        notes=[str(n) for n in top.list("notes", required=False)],
    )
