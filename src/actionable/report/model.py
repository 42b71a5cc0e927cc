"""The report's one model, shared by the HTML page and the FHIR bundle.

A findings.json read by `actionable.formats.findings` becomes report records here
(`findings_doc`): citations turn into links, the genome into its label, and each finding
knows its category, its label and why it matched. pgx.json and the signatures JSON are read
here too. Nothing here formats HTML or FHIR.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from actionable import __version__
from actionable.formats.findings import (
    EvidenceEntry,
    FindingEntry,
    FindingsFile,
    FusionEntry,
    Signatures,
    VariantEntry,
    signatures_from,
)
from actionable.formats.jsonfields import JsonFields, check_schema_version, load_json
from actionable.matching.kinds import MATCH_KIND_TEXT
from actionable.matching.tiers import TIERS, tier_rank
from actionable.report.qc import SampleQC

RESEARCH_USE = (
    "Not validated for diagnostic use: every finding and therapy option needs confirmation "
    "in an accredited laboratory and review by a molecular tumour board before it informs care."
)
SENSITIVITY = frozenset({"sensitivity", "sensitive", "response", "responsive"})
RESISTANCE = frozenset({"resistance", "resistant", "reduced sensitivity"})
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
class ReportedEvidence:
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


@dataclass
class Finding:
    gene: str
    alteration: str
    match_kind: str
    match_detail: str | None
    variant: VariantEntry | None
    evidence: list[ReportedEvidence]
    fusion: FusionEntry | None = None
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
        return min((tier_rank(e.tier) for e in self.evidence), default=len(TIERS) + 1)

    @property
    def best_tier(self) -> str | None:
        ranked = self.sorted_evidence
        return ranked[0].tier if ranked else None

    @property
    def sorted_evidence(self) -> list[ReportedEvidence]:
        """Strongest tier first; within a tier sensitivity, then resistance, then others."""

        def key(e: ReportedEvidence) -> tuple[int, int, str]:
            kind = 0 if e.is_sensitivity else 1 if e.is_resistance else 2
            return (tier_rank(e.tier), kind, e.therapy)

        return sorted(self.evidence, key=key)


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
    data_message: str | None = None  # "insufficient data: ..." when there is too little
    findings_withheld: bool = False  # too little data and no opt-in: no therapy listed


@dataclass(frozen=True)
class PgxRecommendation:
    drug: str
    text: str
    strength: str
    source: str
    population: str
    url: str | None
    note: str | None
    considerations: str | None = None


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


@dataclass
class ReportData:
    """Everything one report shows, loaded once; the HTML page and the FHIR bundle render it."""

    findings: FindingsDoc
    pgx: PgxDoc | None = None
    qc: list[SampleQC] = field(default_factory=list)
    signatures: Signatures = field(default_factory=Signatures)
    vafs: list[float] | None = None
    vaf_source: str | None = None
    date: dt.date = field(default_factory=dt.date.today)
    workflow_version: str = __version__
    tumor_type_name: str | None = None
    patient: str | None = None
    pgx_unavailable: str | None = None  # why PGx could not run for this report

    @property
    def name(self) -> str:
        return self.findings.sample

    @property
    def title(self) -> str:
        """The patient with the matched sample, or the sample alone."""
        if self.patient and self.patient != self.name:
            return f"{self.patient} (sample {self.name})"
        return self.name


# --------------------------------------------------------------------------- records


def _reported_evidence(e: EvidenceEntry) -> ReportedEvidence:
    return ReportedEvidence(
        therapy=e.therapy,
        direction=e.direction,
        disease=e.disease,
        on_label=e.on_label,
        level=e.level,
        tier=e.tier,
        source=e.source,
        citation=citation_link(e.citation, e.url),
        biomarker=e.biomarker,
        condition=e.condition,
        evidence_id=e.evidence_id,
        last_reviewed=e.last_reviewed,
    )


def _finding(f: FindingEntry) -> Finding:
    return Finding(
        gene=f.gene,
        alteration=f.alteration,
        match_kind=f.match_kind,
        match_detail=f.match_detail,
        variant=f.variant,
        evidence=[_reported_evidence(e) for e in f.evidence],
        fusion=f.fusion,
        copy_number=f.copy_number,
        origin=f.origin,
    )


def findings_doc(parsed: FindingsFile) -> FindingsDoc:
    """The report's records of a findings.json read by `formats.findings.load_findings`."""
    return FindingsDoc(
        path=parsed.path,
        sample=parsed.sample,
        tumor_type=parsed.tumor_type,
        tumor_type_name=parsed.tumor_type_name,
        genome=GENOME_LABELS.get(parsed.genome, parsed.genome),
        kb_version=parsed.kb_version,
        kb_sources=list(parsed.kb_sources),
        findings=[_finding(f) for f in parsed.findings],
        signatures=parsed.signatures,
        tool_version=parsed.tool_version,
        data_message=parsed.data_message,
        findings_withheld=parsed.findings_withheld,
    )


# --------------------------------------------------------------------------- readers


def load_signatures(path: Path) -> Signatures:
    """results/signatures/{patient}.json: tmb, msi_status, msi_score, callable_mb."""
    return signatures_from(load_json(path, "signatures JSON"), path, "")


def _recommendation(f: JsonFields) -> PgxRecommendation:
    url = f.str("url", required=False)
    return PgxRecommendation(
        drug=f.req_str("drug"),
        text=f.req_str("text"),
        strength=f.str("strength", required=False) or "",
        source=f.str("source", required=False) or "",
        population=f.str("population", required=False) or "",
        url=url if url and _URL.match(url) else None,
        note=f.str("note", required=False),
        considerations=f.str("considerations", required=False),
    )


def load_pgx(path: Path) -> PgxDoc:
    """Read pgx.json (contract v1 of `actionable pgx`)."""
    top = JsonFields(path, "", load_json(path, "pgx.json"))
    check_schema_version(top, "pgx.json")
    genes = []
    for i, item in enumerate(top.list("genes")):
        g = JsonFields(path, f"genes[{i}]", item)
        recs = [
            _recommendation(JsonFields(path, f"genes[{i}].recommendations[{j}]", r))
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
