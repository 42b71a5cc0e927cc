"""Knowledge-base lint: rules every shipped row must keep, checked through the real tiering,
output and report code rather than by re-reading the TSV."""

from __future__ import annotations

import csv
import html
import io
import json
from pathlib import Path

import pytest

from actionable.cli import main
from actionable.formats.findings import document_tsv
from actionable.matching.cascade import BiomarkerHit, RawFinding
from actionable.matching.findings import build_findings
from actionable.matching.knowledge import EvidenceRow, KnowledgeBase, load_knowledge_base
from actionable.matching.tiers import applies, offered

#: indications withdrawn in the US: (gene, alteration_key, disease, therapy)
WITHDRAWN = {("RET", "M918T", "THME", "pralsetinib")}
#: wording that names the source of a level-A row
LABEL_OR_GUIDELINE = ("prescribing information", "NCCN", "ESMO")


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge_base()


def _descendants(kb: KnowledgeBase, code: str) -> list[str]:
    return [c for c in kb.oncotree.nodes if kb.oncotree.covers(code, c)]


def test_every_level_a_row_cites_its_label_or_guideline(kb: KnowledgeBase) -> None:
    bad = [
        r.evidence_id
        for r in kb.evidence
        if r.level == "A"
        and not (
            r.source in ("FDA label", "NCCN guideline", "ESMO guideline")
            and any(word in r.citation for word in LABEL_OR_GUIDELINE)
        )
    ]
    assert not bad


def test_every_excluded_disease_is_honoured_in_tiering(kb: KnowledgeBase) -> None:
    """No row is offered, on- or off-label, in an excluded disease or any code below it."""
    checked = 0
    for row in kb.evidence:
        for code in row.excluded_diseases:
            for tumour in _descendants(kb, code):
                assert not applies(row, tumour, kb.oncotree)
                shown = [r for r, _ in offered([row], tumour, kb.oncotree)]
                assert row not in shown, (row.evidence_id, tumour)
                checked += 1
    assert checked > 10


def test_stated_lack_of_benefit_withholds_off_label_sensitivity(kb: KnowledgeBase) -> None:
    """Where a resistance row applies, no other disease's sensitivity to that therapy for the
    same alteration is offered (e.g. BRAF V600E in colorectal cancer)."""
    for bm, rows in kb.by_biomarker.items():
        for resistance in (r for r in rows if r.direction == "resistance"):
            for code in resistance.disease:
                for tumour in _descendants(kb, code):
                    for row, on_label in offered(rows, tumour, kb.oncotree):
                        if row.direction == "sensitivity" and row.therapy == resistance.therapy:
                            assert on_label, (bm, row.evidence_id, tumour)


def test_no_withdrawn_indication_cites_the_label(kb: KnowledgeBase) -> None:
    marked = {r.evidence_id for r in kb.evidence if r.condition.startswith("WITHDRAWN:")}
    named = {
        r.evidence_id
        for r in kb.evidence
        if any((r.gene, r.alteration_key, d, r.therapy) in WITHDRAWN for d in r.disease)
    }
    assert named and named <= marked
    for row in kb.evidence:
        if row.evidence_id in marked:
            assert row.source != "FDA label" and "prescribing information" not in row.citation
            assert row.level != "A"


def _document(kb: KnowledgeBase, rows: list[EvidenceRow], tumour: str) -> dict:  # type: ignore[type-arg]
    """findings.json for `tumour` with one finding per biomarker of `rows` (a `variant` row
    met by its protein change)."""
    raws = []
    for bm in sorted({r.biomarker for r in rows}):
        kind = "hgvsp" if bm[1] == "variant" else bm[1]
        raws.append(RawFinding(bm[0], bm[2], kind, [BiomarkerHit(bm, kind, True, None, "lint")]))
    node = kb.oncotree.nodes[tumour]
    findings = build_findings(raws, kb, node)
    return {
        "schema_version": "1",
        "sample": "lint",
        "tumor_type": tumour,
        "genome": "GRCh38",
        "knowledge_base": {"version": kb.version, "sources": []},
        "findings": findings,
    }


def test_every_condition_appears_in_json_tsv_and_report(kb: KnowledgeBase, tmp_path: Path) -> None:
    """Each row with a condition, matched in its own disease, carries the condition in
    findings.json and findings.tsv, and beside the therapy in the report's summary."""
    by_disease: dict[str, list[EvidenceRow]] = {}
    for row in kb.evidence:
        if row.condition:
            by_disease.setdefault(row.disease[0], []).append(row)
    assert by_disease
    for tumour, rows in sorted(by_disease.items()):
        doc = _document(kb, rows, tumour)
        in_json = {e["evidence_id"]: e["condition"] for f in doc["findings"] for e in f["evidence"]}
        tsv = {
            r["evidence_id"]: r["condition"]
            for r in csv.DictReader(io.StringIO(document_tsv(doc)), delimiter="\t")
        }
        path = tmp_path / f"{tumour}.json"
        path.write_text(json.dumps(doc))
        out = tmp_path / f"{tumour}.html"
        assert main(["report", "--findings", str(path), "--out", str(out)]) == 0
        page = out.read_text(encoding="utf-8")
        summary = page[page.index('<section id="summary"') : page.index("</section>")]
        for row in rows:
            assert in_json[row.evidence_id] == row.condition
            assert tsv[row.evidence_id] == row.condition
            assert html.escape(row.condition) in summary, (row.evidence_id, tumour)
