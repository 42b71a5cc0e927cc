"""Prescribing recommendations per gene result, from ``data/pgx/recommendations.tsv``."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from actionable.errors import KnowledgeBaseError

COLUMNS = (
    "gene",
    "drug",
    "phenotype",
    "activity_min",
    "activity_max",
    "population",
    "strength",
    "recommendation",
    "considerations",
    "source",
    "guideline",
    "year",
    "url",
)
STRENGTHS = frozenset({"Strong", "Moderate", "Optional", "FDA label (no CPIC guideline)"})
#: phenotypes CPIC maps onto the recommendation of another phenotype
PHENOTYPE_ALIASES: dict[str, str] = {
    "Likely Intermediate Metabolizer": "Intermediate Metabolizer",
    "Likely Poor Metabolizer": "Poor Metabolizer",
    "Possible Intermediate Metabolizer": "Intermediate Metabolizer",
}
NO_RECOMMENDATION_PHENOTYPES = frozenset({"Indeterminate"})
#: CYP2D6 drugs whose CPIC ultrarapid-metaboliser recommendation (avoid: serious toxicity)
#: differs from the normal-metaboliser one; without copy-number calling a gene duplication,
#: which makes a "normal" diplotype ultrarapid, cannot be seen
CYP2D6_DUPLICATION_DRUGS = frozenset({"codeine", "tramadol"})
CYP2D6_DUPLICATION_CAVEAT = (
    "CYP2D6 copy number was not assessed, so an ultrarapid metabolizer (a CYP2D6 gene "
    "duplication) cannot be excluded; for ultrarapid metabolizers CPIC recommends avoiding "
    "{drug} because of the potential for serious toxicity."
)


@dataclass(frozen=True)
class Recommendation:
    gene: str
    drug: str
    phenotype: str
    activity_min: float | None
    activity_max: float | None
    population: str
    strength: str
    text: str
    #: CPIC's "other considerations" for the row ("" when it has none)
    considerations: str
    source: str
    guideline: str
    year: int | None
    url: str

    def applies(self, phenotype: str, activity: float | None) -> bool:
        if self.phenotype != phenotype:
            return False
        if self.activity_min is None:
            return True
        if activity is None:
            return False
        assert self.activity_max is not None
        return self.activity_min - 1e-9 <= activity <= self.activity_max + 1e-9

    def to_dict(self, reported_phenotype: str) -> dict[str, Any]:
        name = (
            self.guideline
            if self.guideline.startswith(self.source)
            else (f"{self.source}: {self.guideline}")
        )
        source = name + (f" ({self.year})" if self.year else "")
        out: dict[str, Any] = {
            "drug": self.drug,
            "text": self.text,
            "strength": self.strength,
            "source": source,
            "guideline": self.guideline,
            "year": self.year,
            "url": self.url,
            "population": self.population,
            "phenotype": self.phenotype,
        }
        if self.considerations:
            out["considerations"] = self.considerations
        if reported_phenotype != self.phenotype:
            out["note"] = (
                f"CPIC applies the {self.phenotype} recommendation to {reported_phenotype}"
            )
        return out


def _float(value: str, where: str) -> float | None:
    if value == "":
        return None
    try:
        return float(value)
    except ValueError as exc:
        raise KnowledgeBaseError(f"{where}: activity bound {value!r} is not a number") from exc


@cache
def load_recommendations() -> tuple[Recommendation, ...]:
    """Parse and validate the packaged recommendation table."""
    name = "recommendations.tsv"
    text = resources.files("actionable").joinpath("data", "pgx", name).read_text(encoding="utf-8")
    lines = [(n, line) for n, line in enumerate(text.splitlines(), 1) if line and line[0] != "#"]
    header = lines[0][1].split("\t")
    if tuple(header) != COLUMNS:
        raise KnowledgeBaseError(f"{name} line {lines[0][0]}: header must be {'/'.join(COLUMNS)}")
    rows: list[Recommendation] = []
    for line_no, line in lines[1:]:
        where = f"{name} line {line_no}"
        values = next(csv.reader([line], delimiter="\t", quoting=csv.QUOTE_NONE))
        if len(values) != len(COLUMNS):
            raise KnowledgeBaseError(f"{where}: {len(values)} fields, expected {len(COLUMNS)}")
        row = dict(zip(COLUMNS, values, strict=True))
        if row["strength"] not in STRENGTHS:
            raise KnowledgeBaseError(f"{where}: unknown strength {row['strength']!r}")
        lo = _float(row["activity_min"], where)
        hi = _float(row["activity_max"], where)
        if (lo is None) != (hi is None):
            raise KnowledgeBaseError(f"{where}: give both activity_min and activity_max or neither")
        for key in ("gene", "drug", "phenotype", "recommendation", "guideline", "url"):
            if not row[key]:
                raise KnowledgeBaseError(f"{where}: empty {key}")
        rows.append(
            Recommendation(
                gene=row["gene"],
                drug=row["drug"],
                phenotype=row["phenotype"],
                activity_min=lo,
                activity_max=hi,
                population=row["population"] or "general",
                strength=row["strength"],
                text=row["recommendation"],
                considerations=row["considerations"],
                source=row["source"],
                guideline=row["guideline"],
                year=int(row["year"]) if row["year"] else None,
                url=row["url"],
            )
        )
    return tuple(rows)


def _duplication_caveat(row: dict[str, Any]) -> None:
    """Say on a CYP2D6 codeine/tramadol row that a duplication could make it ultrarapid."""
    caveat = CYP2D6_DUPLICATION_CAVEAT.format(drug=row["drug"])
    row["note"] = f"{row['note']} {caveat}" if "note" in row else caveat


def recommendations_for(
    gene: str,
    phenotype: str | None,
    activity: float | None,
    copy_number_assessed: bool | None = None,
) -> list[dict[str, Any]]:
    """Rows that apply to a gene result, sorted by drug then population. A CYP2D6 normal
    metabolizer called without copy number gets the duplication caveat on the rows it
    affects."""
    if phenotype is None or phenotype in NO_RECOMMENDATION_PHENOTYPES:
        return []
    lookup = PHENOTYPE_ALIASES.get(phenotype, phenotype)
    hits = [r for r in load_recommendations() if r.gene == gene and r.applies(lookup, activity)]
    hits.sort(key=lambda r: (r.drug, r.population))
    rows = [r.to_dict(phenotype) for r in hits]
    if gene == "CYP2D6" and copy_number_assessed is False and lookup == "Normal Metabolizer":
        for row in rows:
            if row["drug"] in CYP2D6_DUPLICATION_DRUGS:
                _duplication_caveat(row)
    return rows


def drugs_for(gene: str) -> list[str]:
    return sorted({r.drug for r in load_recommendations() if r.gene == gene})
