"""The match kinds and tiers are defined once; the views and the findings schema agree."""

from __future__ import annotations

from actionable.formats.findings import load_schema
from actionable.matching.kinds import CASCADE, KB_MATCH_KINDS, MATCH_KIND_TEXT, MATCH_KINDS
from actionable.matching.tiers import TIER_TEXT, TIERS


def test_views_of_the_match_kinds() -> None:
    assert CASCADE == (
        "genomic",
        "hgvsp",
        "hgvsc",
        "codon",
        "aa_range",
        "exon",
        "splice",
        "gene_lof",
        "fusion",
        "amplification",
        "deletion",
        "signature",
    )
    # a knowledge-base `variant` row is met as genomic, hgvsp or hgvsc
    assert tuple(KB_MATCH_KINDS) == ("variant", *CASCADE[3:])
    # the report explains every cascade kind, and PGx genotypes besides
    assert tuple(MATCH_KIND_TEXT) == (*CASCADE, "pgx")
    assert len({k.name for k in MATCH_KINDS}) == len(MATCH_KINDS)


def test_findings_schema_uses_the_same_kinds_and_tiers() -> None:
    defs = load_schema()["$defs"]
    assert tuple(defs["match_kind"]["enum"]) == CASCADE
    assert tuple(defs["tier"]["enum"]) == TIERS
    assert tuple(TIER_TEXT) == TIERS
