"""AMP/ASCO/CAP 2017 tiers for one piece of evidence in one patient's disease.

* level A (FDA label or professional guideline) in this disease → I-A;
* level B (well-powered studies) in this disease → I-B;
* level A/B for another disease, or level C (investigational, small studies) → II-C;
* level D (preclinical, case reports) → II-D.

Evidence applies to the patient's tumour type when its disease code is the tumour type or
one of its ancestors in OncoTree (tumour-agnostic approvals are recorded for SOLID, which
is an ancestor of every solid tumour). Resistance evidence gets the tier its level implies,
like sensitivity.

Evidence is withheld, not offered off-label, where its source or a guideline says it does
not work (`offered`):

* a row whose excluded diseases cover the tumour type (e.g. tumour-agnostic dabrafenib +
  trametinib, whose label excludes colorectal cancer, in COAD);
* sensitivity from another disease to a therapy that a resistance row of the same alteration
  names for this tumour type (e.g. melanoma's vemurafenib in colorectal cancer, where
  BRAF-inhibitor monotherapy does not work).
"""

from __future__ import annotations

from collections.abc import Iterable

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


def excluded(row: EvidenceRow, tumour_type: str, tree: OncoTree) -> bool:
    """True if one of the row's excluded diseases covers `tumour_type`."""
    return any(tree.covers(code, tumour_type) for code in row.excluded_diseases)


def applies(row: EvidenceRow, tumour_type: str, tree: OncoTree) -> bool:
    """True if the row's disease covers `tumour_type` and no exclusion does."""
    if excluded(row, tumour_type, tree):
        return False
    return any(tree.covers(code, tumour_type) for code in row.disease)


def offered(
    rows: Iterable[EvidenceRow], tumour_type: str, tree: OncoTree
) -> list[tuple[EvidenceRow, bool]]:
    """The rows of one alteration shown for `tumour_type`, each with whether it applies there.

    Rows excluded for the tumour type are withheld, and so is sensitivity from another
    disease to a therapy that an applicable resistance row names.
    """
    kept = [row for row in rows if not excluded(row, tumour_type, tree)]
    no_benefit = {
        row.therapy
        for row in kept
        if row.direction == "resistance" and applies(row, tumour_type, tree)
    }
    out: list[tuple[EvidenceRow, bool]] = []
    for row in kept:
        on_label = applies(row, tumour_type, tree)
        if on_label or row.direction != "sensitivity" or row.therapy not in no_benefit:
            out.append((row, on_label))
    return out


def tier_for(level: str, on_label: bool) -> str:
    """The AMP/ASCO/CAP tier of evidence `level` (A-D), in or outside its disease."""
    return (_ON_LABEL if on_label else _OFF_LABEL)[level]


def tier_rank(tier: str) -> int:
    """Sort key: I-A first; unknown tiers sort after II-D."""
    return TIERS.index(tier) if tier in TIERS else len(TIERS)
