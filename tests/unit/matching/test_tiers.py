"""Tiering: which rows are offered for a tumour type, and in which tier."""

from __future__ import annotations

from dataclasses import replace

from actionable.matching.knowledge import EvidenceRow
from actionable.matching.oncotree import load_oncotree
from actionable.matching.tiers import offered, tier_for

TREE = load_oncotree()
ROW = EvidenceRow(
    evidence_id="AK9000",
    gene="GENE",
    match_kind="variant",
    alteration_key="V600E",
    alteration="GENE V600E",
    consequence=(),
    disease=("MEL",),
    therapy="drug-a",
    direction="sensitivity",
    level="A",
    source="FDA label",
    citation="label",
    condition="",
    excluded_diseases=(),
    last_reviewed="2026-12-01",
)


def _shown(rows: list[EvidenceRow], tumour: str) -> list[tuple[str, str]]:
    return [(r.evidence_id, tier_for(r.level, on)) for r, on in offered(rows, tumour, TREE)]


def test_off_label_sensitivity_is_offered_as_ii_c() -> None:
    assert _shown([ROW], "SKCM") == [("AK9000", "I-A")]
    assert _shown([ROW], "LUAD") == [("AK9000", "II-C")]


def test_an_excluded_disease_and_its_descendants_withhold_the_row() -> None:
    agnostic = replace(ROW, disease=("SOLID",), excluded_diseases=("COADREAD",))
    assert _shown([agnostic], "BLCA") == [("AK9000", "I-A")]
    for tumour in ("COADREAD", "COAD", "READ"):
        assert _shown([agnostic], tumour) == []
    # a melanoma row excluded for colorectal cancer is not extrapolated there either
    assert _shown([replace(ROW, excluded_diseases=("COADREAD",))], "COAD") == []


def test_stated_lack_of_benefit_withholds_only_off_label_sensitivity_to_that_therapy() -> None:
    no_benefit = replace(
        ROW, evidence_id="AK9001", disease=("COADREAD",), direction="resistance", level="C"
    )
    other = replace(ROW, evidence_id="AK9002", therapy="drug-a + drug-b")
    on_label = replace(ROW, evidence_id="AK9003", disease=("COADREAD",), therapy="drug-c")
    rows = [ROW, no_benefit, other, on_label]
    assert _shown(rows, "COAD") == [
        ("AK9001", "II-C"),
        ("AK9002", "II-C"),
        ("AK9003", "I-A"),
    ]
    # in melanoma the resistance row does not apply and sensitivity stays on-label
    assert ("AK9000", "I-A") in _shown(rows, "SKCM")
