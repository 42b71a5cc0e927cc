"""Every shipped CPIC recommendation is CPIC's: text, other considerations and strength equal the
CPIC table in tests/data/pgx/cpic_recommendations.tsv (cited row by row to the guideline), for
every phenotype (and activity score) a shipped row covers."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from actionable.pgx.caller import cyp2d6_phenotype
from actionable.pgx.definitions import load_gene
from actionable.pgx.recommendations import load_recommendations, recommendations_for

TABLE = Path(__file__).resolve().parents[2] / "data" / "pgx" / "cpic_recommendations.tsv"


def cpic_rows() -> list[dict[str, str]]:
    with TABLE.open(encoding="utf-8") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


CPIC = cpic_rows()


def _id(row: dict[str, str]) -> str:
    result = row["activity_score"] or row["phenotype"]
    return f"{row['gene']}-{row['drug']}-{row['population']}-{result}"


def _phenotype(row: dict[str, str]) -> tuple[str, float | None]:
    """The phenotype and activity score the caller reports for this CPIC row."""
    if not row["activity_score"]:
        return row["phenotype"], None
    score = float(row["activity_score"])
    if row["gene"] == "CYP2D6":
        return cyp2d6_phenotype(score), score
    return load_gene(row["gene"]).activity_phenotypes[f"{score:.2f}"], score


def test_table_is_cited_row_by_row() -> None:
    assert len(CPIC) == 97
    for row in CPIC:
        assert "Clin Pharmacol Ther" in row["source"] and "(PMID " in row["source"], row
        assert "Table" in row["source"] or "table" in row["source"], row
        assert row["strength"] in {"Strong", "Moderate", "Optional"}


@pytest.mark.parametrize("row", CPIC, ids=_id)
def test_shipped_recommendation_equals_cpic(row: dict[str, str]) -> None:
    phenotype, activity = _phenotype(row)
    assert phenotype == row["phenotype"]  # the caller's phenotype for this score is CPIC's
    shipped = [
        r
        for r in recommendations_for(row["gene"], phenotype, activity)
        if r["drug"] == row["drug"] and r["population"] == row["population"]
    ]
    assert len(shipped) == 1
    assert shipped[0]["text"] == row["recommendation"]
    assert shipped[0].get("considerations", "") == row["considerations"]
    assert shipped[0]["strength"] == row["strength"]


def test_every_shipped_cpic_row_is_in_the_table() -> None:
    covered = {(r["gene"], r["drug"], r["population"], r["phenotype"]) for r in CPIC}
    for rec in load_recommendations():
        key = (rec.gene, rec.drug, rec.population, rec.phenotype)
        if rec.source == "CPIC":
            assert key in covered, key
        else:  # irinotecan: the FDA label, no CPIC guideline
            assert (rec.drug, rec.source) == ("irinotecan", "FDA label"), key


def test_clopidogrel_poor_and_intermediate_wording() -> None:
    """Issue 12: "avoid standard-dose clopidogrel" is the intermediate metabolizer's wording."""
    by_phenotype = {
        r["phenotype"]: r["recommendation"]
        for r in CPIC
        if r["drug"] == "clopidogrel" and r["population"] == "ACS and/or PCI"
    }
    assert by_phenotype["Poor Metabolizer"].startswith("Avoid clopidogrel if possible.")
    assert by_phenotype["Intermediate Metabolizer"].startswith(
        "Avoid standard dose (75 mg) clopidogrel if possible."
    )
