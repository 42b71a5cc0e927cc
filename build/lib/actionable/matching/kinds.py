"""The match kinds: how an alteration meets a knowledge-base biomarker, most specific first.

One ordered list, from which the three views used elsewhere are derived:

* `CASCADE` — the kinds a finding can carry, in the order the matcher tries (and ranks) them;
* `KB_MATCH_KINDS` — the kinds a knowledge-base row may name in its `match_kind` column;
* `MATCH_KIND_TEXT` — plain words for each kind the report explains.

They differ on purpose: a knowledge-base `variant` row (one protein change) is met in the
cascade as `genomic`, `hgvsp` or `hgvsc` and has no words of its own; `pgx` findings come from
the pharmacogenomic caller, not from the cascade, yet the report explains them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MatchKind:
    """One match kind: its name, its words in the report, and where it may appear."""

    name: str
    text: str | None
    in_cascade: bool
    in_knowledge_base: bool


MATCH_KINDS: tuple[MatchKind, ...] = (
    MatchKind("variant", None, in_cascade=False, in_knowledge_base=True),
    MatchKind(
        "genomic",
        "exact genomic change (chromosome, position and alleles)",
        in_cascade=True,
        in_knowledge_base=False,
    ),
    MatchKind("hgvsp", "exact protein change", in_cascade=True, in_knowledge_base=False),
    MatchKind("hgvsc", "exact cDNA change", in_cascade=True, in_knowledge_base=False),
    MatchKind(
        "codon", "any missense change at this codon", in_cascade=True, in_knowledge_base=True
    ),
    MatchKind(
        "aa_range", "any change in this protein region", in_cascade=True, in_knowledge_base=True
    ),
    MatchKind(
        "exon", "exon-level rule (exon and consequence)", in_cascade=True, in_knowledge_base=True
    ),
    MatchKind(
        "splice",
        "splice-site change at a named exon boundary",
        in_cascade=True,
        in_knowledge_base=True,
    ),
    MatchKind(
        "gene_lof",
        "truncating (loss-of-function) change in the gene",
        in_cascade=True,
        in_knowledge_base=True,
    ),
    MatchKind("fusion", "gene fusion", in_cascade=True, in_knowledge_base=True),
    MatchKind(
        "amplification", "copy-number amplification", in_cascade=True, in_knowledge_base=True
    ),
    MatchKind("deletion", "copy-number deletion", in_cascade=True, in_knowledge_base=True),
    MatchKind("signature", "genomic signature", in_cascade=True, in_knowledge_base=True),
    MatchKind("pgx", "pharmacogenomic genotype", in_cascade=False, in_knowledge_base=False),
)

#: the kinds a finding of the matcher carries, most specific first (the ranking order)
CASCADE: tuple[str, ...] = tuple(k.name for k in MATCH_KINDS if k.in_cascade)
#: the kinds a knowledge-base row may name
KB_MATCH_KINDS: tuple[str, ...] = tuple(k.name for k in MATCH_KINDS if k.in_knowledge_base)
#: plain words for each kind the report explains, in cascade order
MATCH_KIND_TEXT: dict[str, str] = {k.name: k.text for k in MATCH_KINDS if k.text is not None}
