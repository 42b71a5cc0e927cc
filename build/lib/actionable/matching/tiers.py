"""AMP/ASCO/CAP 2017 tiers for one piece of evidence in one patient's disease.

* level A (FDA label or professional guideline) in this disease → I-A;
* level B (well-powered studies) in this disease → I-B;
* level A/B for another disease, or level C (investigational, small studies) → II-C;
* level D (preclinical, case reports) → II-D.

Evidence applies to the patient's tumour type when its disease code is the tumour type or
one of its ancestors in OncoTree (tumour-agnostic approvals are recorded for SOLID, which
is an ancestor of every solid tumour), unless the tumour type falls under one of the row's
excluded diseases. Resistance evidence gets the tier its level implies, like sensitivity.
"""

from __future__ import annotations

from actionable.matching.knowledge import EvidenceRow
from actionable.matching.oncotree import OncoTree

#: AMP/ASCO/CAP 2017 tiers of therapeutic evidence, strongest first.
TIERS: tuple[str, ...] = ("I-A", "I-B", "II-C", "II-D")
#: what each tier means, in the report's words
TIER_TEXT: dict[str, str] = {
    "I-A": "Tier I-A: approved or in guidelines for this tumour type",
    "I-B": "Tier I-B: well-powered studies in this tumour type",
    "II-C": "Tier II-C: approved for another tumour type, or clinical trials",
    "II-D": "Tier II-D: preclinical data or case reports",
}
_ON_LABEL = {"A": "I-A", "B": "I-B", "C": "II-C", "D": "II-D"}
_OFF_LABEL = {"A": "II-C", "B": "II-C", "C": "II-C", "D": "II-D"}


def applies(row: EvidenceRow, tumour_type: str, tree: OncoTree) -> bool:
    """True if the row's disease covers `tumour_type` and no exclusion does."""
    if any(tree.covers(code, tumour_type) for code in row.excluded_diseases):
        return False
    return any(tree.covers(code, tumour_type) for code in row.disease)


def tier_for(level: str, on_label: bool) -> str:
    """The AMP/ASCO/CAP tier of evidence `level` (A-D), in or outside its disease."""
    return (_ON_LABEL if on_label else _OFF_LABEL)[level]


def tier_rank(tier: str) -> int:
    """Sort key: I-A first; unknown tiers sort after II-D."""
    return TIERS.index(tier) if tier in TIERS else len(TIERS)
