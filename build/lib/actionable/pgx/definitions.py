"""Load the packaged allele definitions and phenotype tables of the supported genes.

The files in ``actionable/data/pgx`` are slimmed copies of the CPIC / ClinPGx definitions as
packaged by PharmCAT (see ``tools.pgx_convert`` and ``MANIFEST.json``): GRCh38
positions, VCF-style alleles, and per named allele the alleles that define it. A position a
named allele leaves undefined carries the reference named allele's base (PharmCAT's
convention), and the allele's *specificity* is the number of positions it defines.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from actionable.errors import KnowledgeBaseError

SUPPORTED_GENES: tuple[str, ...] = ("CYP2C19", "CYP2D6", "DPYD", "NUDT15", "TPMT", "UGT1A1")
DATA_PACKAGE = "actionable"
DATA_DIR = ("data", "pgx")

#: IUPAC ambiguity codes used in a few definitions (e.g. CYP2C19*2 at rs58973490: R = A or G).
IUPAC: dict[str, frozenset[str]] = {
    "R": frozenset("AG"),
    "Y": frozenset("CT"),
    "S": frozenset("CG"),
    "W": frozenset("AT"),
    "K": frozenset("GT"),
    "M": frozenset("AC"),
    "B": frozenset("CGT"),
    "D": frozenset("AGT"),
    "H": frozenset("ACT"),
    "V": frozenset("ACG"),
    "N": frozenset("ACGT"),
}


@dataclass(frozen=True)
class DefinitionVariant:
    """One allele-defining position of a gene (GRCh38, VCF-style alleles)."""

    chrom: str
    position: int
    ref: str
    alts: tuple[str, ...]
    rsid: str | None
    hgvs: str | None

    @property
    def is_snv(self) -> bool:
        """True when the reference and every alternative allele are single bases."""
        return len(self.ref) == 1 and all(len(a) == 1 for a in self.alts)

    def describe(self) -> dict[str, Any]:
        return {
            "chrom": self.chrom,
            "position": self.position,
            "ref": self.ref,
            "alts": list(self.alts),
            "rsid": self.rsid,
            "hgvs": self.hgvs,
        }


@dataclass(frozen=True)
class NamedAllele:
    """A star (or DPYD variant) allele: the allele expected at each definition position."""

    name: str
    reference: bool
    #: expected allele per definition position, aligned with GeneDefinition.variants
    expected: tuple[str, ...]
    #: indices of the positions the allele itself defines (its specificity)
    defined: frozenset[int]
    #: indices where the expected allele differs from the reference named allele
    variant_indices: frozenset[int]


@dataclass(frozen=True)
class GeneDefinition:
    """Everything the caller needs to know about one gene."""

    gene: str
    chromosome: str
    genome_build: str
    variants: tuple[DefinitionVariant, ...]
    alleles: tuple[NamedAllele, ...]
    functions: dict[str, str]
    activity_values: dict[str, float]
    diplotype_phenotypes: dict[str, str]
    activity_phenotypes: dict[str, str]
    provenance: dict[str, Any] = field(default_factory=dict)

    @property
    def reference_allele(self) -> NamedAllele:
        return next(a for a in self.alleles if a.reference)

    def index_of(self, position: int) -> int:
        for i, variant in enumerate(self.variants):
            if variant.position == position:
                return i
        raise KeyError(position)

    def allele(self, name: str) -> NamedAllele:
        for allele in self.alleles:
            if allele.name == name:
                return allele
        raise KeyError(name)


def _data_text(name: str) -> str:
    return resources.files(DATA_PACKAGE).joinpath(*DATA_DIR, name).read_text(encoding="utf-8")


def _build(raw: dict[str, Any]) -> GeneDefinition:
    gene = raw["gene"]
    chrom = raw["chromosome"]
    variants = tuple(
        DefinitionVariant(
            chrom=chrom,
            position=int(v["position"]),
            ref=v["ref"],
            alts=tuple(v["alts"]),
            rsid=v.get("rsid"),
            hgvs=v.get("hgvs"),
        )
        for v in raw["variants"]
    )
    index = {v.position: i for i, v in enumerate(variants)}
    references = [a for a in raw["named_alleles"] if a["reference"]]
    if len(references) != 1:
        raise KnowledgeBaseError(f"pgx definitions for {gene}: expected one reference allele")
    ref_alleles = references[0]["alleles"]
    ref_expected = [ref_alleles.get(str(v.position), v.ref) for v in variants]
    alleles = []
    for entry in raw["named_alleles"]:
        defined: set[int] = set()
        expected = list(ref_expected)
        for pos_text, value in entry["alleles"].items():
            i = index.get(int(pos_text))
            if i is None:
                raise KnowledgeBaseError(
                    f"pgx definitions for {gene}: allele {entry['name']} uses unknown "
                    f"position {pos_text}"
                )
            defined.add(i)
            expected[i] = value
        alleles.append(
            NamedAllele(
                name=entry["name"],
                reference=bool(entry["reference"]),
                expected=tuple(expected),
                defined=frozenset(defined),
                variant_indices=frozenset(i for i in defined if expected[i] != ref_expected[i]),
            )
        )
    return GeneDefinition(
        gene=gene,
        chromosome=chrom,
        genome_build=raw["genome_build"],
        variants=variants,
        alleles=tuple(alleles),
        functions=dict(raw.get("functions", {})),
        activity_values={k: float(v) for k, v in raw.get("activity_values", {}).items()},
        diplotype_phenotypes=dict(raw.get("diplotype_phenotypes", {})),
        activity_phenotypes=dict(raw.get("activity_phenotypes", {})),
        provenance=dict(raw.get("provenance", {})),
    )


def _cyp2d6_activity() -> tuple[dict[str, float], dict[str, str]]:
    rows = [line for line in _data_text("CYP2D6.activity.tsv").splitlines() if line[:1] != "#"]
    values: dict[str, float] = {}
    functions: dict[str, str] = {}
    for row in csv.DictReader(rows, delimiter="\t"):
        functions[row["allele"]] = row["function"]
        if row["activity_value"] != "n/a":
            values[row["allele"]] = float(row["activity_value"])
    return values, functions


@cache
def load_gene(gene: str) -> GeneDefinition:
    """Return the definition of ``gene`` (one of SUPPORTED_GENES)."""
    if gene not in SUPPORTED_GENES:
        raise KnowledgeBaseError(
            f"no pgx definitions for {gene}; supported: {', '.join(SUPPORTED_GENES)}"
        )
    definition = _build(json.loads(_data_text(f"{gene}.json")))
    if gene == "CYP2D6":
        values, functions = _cyp2d6_activity()
        definition.activity_values.update(values)
        definition.functions.update(functions)
    return definition


@cache
def manifest() -> dict[str, Any]:
    """The provenance manifest written by the conversion script."""
    data: dict[str, Any] = json.loads(_data_text("MANIFEST.json"))
    return data


def load_genes(genes: tuple[str, ...] = SUPPORTED_GENES) -> list[GeneDefinition]:
    return [load_gene(g) for g in genes]
