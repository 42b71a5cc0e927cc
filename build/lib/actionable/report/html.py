"""Render the clinician's report: one self-contained HTML file from a Jinja2 template.

Autoescape is on for every template and nothing taken from the inputs is marked safe: sample
names, genes, HGVS strings and citations reach the page as text. The only URLs the page
carries are citation links (http/https only) and data: URIs of the figures; a
Content-Security-Policy forbids scripts and any fetch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from actionable.matching.kinds import MATCH_KIND_TEXT
from actionable.matching.tiers import TIER_TEXT
from actionable.report.figures import Figure, coverage_bars, vaf_distribution
from actionable.report.model import RESEARCH_USE, Finding, ReportData
from actionable.report.qc import MIN_DEPTH, GeneCoverage, SampleQC
from actionable.report.summary import therapies_by_tier

CSP = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'none'; "
    "base-uri 'none'; form-action 'none'"
)


def _fmt_num(value: float | None, digits: int = 1) -> str:
    return "\u2013" if value is None else f"{value:.{digits}f}"


def _fmt_pct(value: float | None, digits: int = 1) -> str:
    return "\u2013" if value is None else f"{value:.{digits}f} %"


def _fmt_int(value: int | None) -> str:
    return "\u2013" if value is None else f"{value:,}"


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("actionable.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["num"] = _fmt_num
    env.filters["pct"] = _fmt_pct
    env.filters["int"] = _fmt_int
    env.filters["tier_slug"] = tier_slug
    return env


MAX_QC_ROWS = 60
TIER_SLUGS = {"I-A": "ia", "I-B": "ib", "II-C": "iic", "II-D": "iid"}


@dataclass(frozen=True)
class Section:
    anchor: str
    title: str


@dataclass(frozen=True)
class QcRow:
    gene: str
    length: int
    cells: list[GeneCoverage | None]  # one per sample, in QC order

    @property
    def low(self) -> bool:
        return any(
            c is not None and c.pct_at_min_depth is not None and c.pct_at_min_depth < 95
            for c in self.cells
        )


@dataclass(frozen=True)
class QcTable:
    samples: list[str]
    rows: list[QcRow]
    omitted: int


def qc_table(samples: list[SampleQC], reported: set[str]) -> QcTable:
    """Per-gene rows with one depth column pair per sample: every gene of a panel; for large
    targets the reported genes and the lowest-covered ones, up to MAX_QC_ROWS."""
    by_gene: dict[str, list[GeneCoverage | None]] = {}
    for i, qc in enumerate(samples):
        for g in qc.genes:
            by_gene.setdefault(g.gene, [None] * len(samples))[i] = g
    rows = [
        QcRow(gene, max(c.length for c in cells if c is not None), cells)
        for gene, cells in sorted(by_gene.items())
    ]
    if len(rows) > MAX_QC_ROWS:

        def worst(row: QcRow) -> tuple[float, float]:
            known = [c for c in row.cells if c is not None]
            return (
                min(c.pct_at_min_depth or 0.0 for c in known),
                min(c.mean_depth for c in known),
            )

        keep = {r.gene for r in rows if r.gene in reported}
        for row in sorted(rows, key=worst):
            if len(keep) >= MAX_QC_ROWS:
                break
            keep.add(row.gene)
        shown = [r for r in rows if r.gene in keep]
        return QcTable([q.sample for q in samples], shown, len(rows) - len(shown))
    return QcTable([q.sample for q in samples], rows, 0)


def tier_slug(tier: str) -> str:
    return TIER_SLUGS.get(tier, "other")


def _vaf_figure(data: ReportData, findings: list[Finding]) -> Figure | None:
    markers = [
        (f"{f.gene} {f.alteration}", f.variant.vaf)
        for f in findings
        if f.variant is not None and f.variant.vaf is not None
    ]
    if data.vafs is not None:
        return vaf_distribution(data.vafs, markers, data.vaf_source or "somatic calls")
    return vaf_distribution([v for _, v in markers], markers, "reported variants only")


def build_context(data: ReportData) -> dict[str, Any]:
    doc = data.findings
    findings = sorted(doc.findings, key=lambda f: (f.best_tier_index, f.gene, f.alteration))
    groups, only_resistance = therapies_by_tier(findings)
    figures = [
        fig
        for fig in (
            _vaf_figure(data, findings),
            coverage_bars(data.qc, [f.gene for f in findings]),
        )
        if fig is not None
    ]
    sections = [
        Section("summary", "Summary"),
        Section("findings", "Findings in detail"),
        Section("pgx", "Pharmacogenomics"),
        Section("qc", "Quality control"),
        Section("about", "About this report"),
    ]
    return {
        "data": data,
        "doc": doc,
        "sample": data.title,
        "tumor_type": doc.tumor_type,
        "tumor_type_name": data.tumor_type_name,
        "genome": doc.genome,
        "date": data.date.isoformat(),
        "workflow_version": data.workflow_version,
        "kb_version": doc.kb_version,
        "kb_sources": doc.kb_sources,
        "research_use": RESEARCH_USE,
        "csp": CSP,
        "groups": groups,
        "only_resistance": only_resistance,
        "fusions": [f for f in findings if f.category == "fusion"],
        "cnas": [f for f in findings if f.category == "cna"],
        "signature_findings": [f for f in findings if f.category == "signature"],
        "signatures": data.signatures,
        "findings": findings,
        "pgx": data.pgx,
        "qc": data.qc,
        "qc_table": qc_table(data.qc, {f.gene for f in findings}),
        "min_depth": MIN_DEPTH,
        "figures": figures,
        "sections": sections,
        "tier_text": TIER_TEXT,
        "match_kind_text": MATCH_KIND_TEXT,
    }


def render_html(data: ReportData) -> str:
    """The report as one HTML document (CSS inline, figures as data URIs, no script)."""
    return _environment().get_template("report.html.j2").render(**build_context(data))
