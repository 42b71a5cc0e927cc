"""Call diplotypes (star alleles) and DPYD activity scores from per-position genotypes.

Star-allele genes (CYP2C19, CYP2D6, NUDT15, TPMT, UGT1A1)
    Every pair of named alleles is tested against the called positions. A pair explains the
    data when, at each called position, one allele of the pair matches one observed allele and
    the other matches the other (unphased); with phased input the two named alleles must match
    the two haplotypes as wholes. Among the pairs that explain the data the most specific wins:
    the score of a named allele is the number of called positions it defines (PharmCAT's
    convention, where undefined positions carry the reference allele), so the fully-defined
    reference allele outranks partial combinations and e.g. TPMT *1/*3A is preferred to
    *3B/*3C. Equal best scores are reported as ties. No pair at all: the genotype fits no
    defined allele, and the positions the closest pair cannot explain are listed.

DPYD
    As CPIC does: each variant allele found carries an activity value (1 normal, 0.5
    decreased, 0 no function); the gene activity score is the sum of the two lowest values
    (unphased; a homozygous variant counts twice), filling with 1.0 when fewer than two
    variant alleles are present. With phased input each haplotype takes the lowest value of
    its variants. HapB3 is defined by the deep-intronic c.1129-5923C>G and the exonic
    c.1236G>A; when the intronic position has no call (exome and panel data), HapB3 is matched
    on its tag c.1236G>A (rs56038477), as CPIC allows, and the output says so.

UGT1A1 *28
    The (TA)n promoter repeat (rs3064744) cannot be genotyped from SNV calls. When it has no
    call, rs887829 (*80), which is in strong linkage disequilibrium with *28, is used as the
    documented proxy: a T allele is reported as *80+*28 and the output says so.

CYP2D6
    SNV-defined alleles only. Copy number (*5 deletion, duplications) and hybrid alleles are
    not assessed; the result carries ``copy_number_assessed: false`` and an ultrarapid
    phenotype is never assigned.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

from actionable.pgx.definitions import IUPAC, DefinitionVariant, GeneDefinition, NamedAllele
from actionable.pgx.genotypes import Observation, SampleGenotypes

MAX_ALTERNATIVES = 20

#: UGT1A1 TA-repeat position and the alleles kept when rs887829 stands in for it
UGT1A1_REPEAT = 233760233
UGT1A1_PROXY_ALLELES = ("*1", "*6", "*27", "*80+*28")
UGT1A1_PROXY_NOTE = (
    "UGT1A1*28 is a (TA)7 promoter repeat (rs3064744) that SNV genotyping cannot call; it was "
    "inferred from the documented proxy rs887829 (c.-364C>T, *80), which is in strong linkage "
    "disequilibrium with *28: a T allele is reported as *80+*28. *28 without *80, and *36/*37 "
    "repeat alleles, cannot be detected this way."
)
#: DPYD HapB3: the allele name, its deep-intronic variant and its exonic tag (GRCh38)
DPYD_HAPB3 = "c.1129-5923C>G, c.1236G>A (HapB3)"
DPYD_HAPB3_INTRONIC = 97579893  # c.1129-5923C>G, rs75017182
DPYD_HAPB3_TAG = 97573863  # c.1236G>A, rs56038477
DPYD_HAPB3_NOTE = (
    "HapB3 was assessed on its tag c.1236G>A (rs56038477) because the deep-intronic "
    "c.1129-5923C>G (rs75017182) has no call (it lies outside exome and panel targets): as in "
    "CPIC's DPYD guideline, a c.1236G>A carrier counts as HapB3 (decreased function, activity "
    "value 0.5). The two are not in perfect linkage (Turner et al., Clin Transl Sci 2024, "
    "PMID 38129972), so confirm c.1129-5923C>G by targeted testing where possible."
)
CYP2D6_NOTE = (
    "CYP2D6 called from SNV-defined alleles only; copy number was not assessed: gene deletion "
    "(*5), duplications (xN) and CYP2D7 hybrids are invisible, so an apparent homozygous "
    "diplotype may hide a deletion and an ultrarapid phenotype cannot be assigned."
)


def natural_key(name: str) -> tuple[tuple[int, int | str], ...]:
    """Sort *2 before *17 and *3A before *3B."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", name) if part
    )


def matches(expected: str, observed: str) -> bool:
    """Does an observed allele satisfy a definition allele (IUPAC codes allowed)?"""
    if expected == observed:
        return True
    codes = IUPAC.get(expected)
    return codes is not None and observed in codes


@dataclass
class PositionReport:
    """One definition position as reported in the output (genotype and annotations)."""

    variant: DefinitionVariant
    genotype: str
    reason: str | None = None
    zygosity: str | None = None
    allele: str | None = None
    activity_value: float | None = None
    filter: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "chrom": self.variant.chrom,
            "position": self.variant.position,
            "ref": self.variant.ref,
            "alts": list(self.variant.alts),
            "rsid": self.variant.rsid,
            "hgvs": self.variant.hgvs,
            "genotype": self.genotype,
        }
        if self.reason is not None:
            out["reason"] = self.reason
        if self.zygosity is not None:
            out["zygosity"] = self.zygosity
        if self.allele is not None:
            out["allele"] = self.allele
            out["activity_value"] = self.activity_value
        if self.filter is not None:
            out["filter"] = self.filter
        return out


@dataclass
class GeneCall:
    """The result for one gene, before recommendations are attached."""

    gene: str
    status: str  # called | partial | no_match | not_called
    positions_total: int
    positions_called: int
    diplotype: str | None = None
    alleles: tuple[str, str] | None = None
    ties: list[str] = field(default_factory=list)
    alternatives: list[dict[str, Any]] = field(default_factory=list)
    alternatives_total: int = 0
    phenotype: str | None = None
    activity_score: float | None = None
    phased: bool = False
    missing: list[PositionReport] = field(default_factory=list)
    unmatched: list[PositionReport] = field(default_factory=list)
    variants_found: list[PositionReport] = field(default_factory=list)
    not_genotyped: list[PositionReport] = field(default_factory=list)
    allele_details: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    copy_number_assessed: bool | None = None
    proxy: dict[str, Any] | None = None


# --------------------------------------------------------------------------------------------
# Shared steps: collecting genotypes, building and annotating the result
# --------------------------------------------------------------------------------------------


def _zygosity(alleles: tuple[str, str], ref: str) -> str:
    """Zygosity of a called genotype that carries at least one non-reference allele."""
    n_alt = sum(1 for a in alleles if a != ref)
    if n_alt == 2:
        return "homozygous" if alleles[0] == alleles[1] else "compound heterozygous"
    return "heterozygous"


def _collect(
    gene: GeneDefinition, genotypes: SampleGenotypes, skip: set[int]
) -> tuple[dict[int, Observation], list[PositionReport], list[PositionReport]]:
    """Split the gene's positions (except ``skip``) into called, missing and variant-carrying.

    Returns the called observations by definition index, the no-call reports and the reports
    of called positions carrying a non-reference allele, each in definition order.
    """
    called: dict[int, Observation] = {}
    missing: list[PositionReport] = []
    found: list[PositionReport] = []
    for i, variant in enumerate(gene.variants):
        if i in skip:
            continue
        obs = genotypes.observation(gene.gene, i)
        if obs.alleles is None:
            missing.append(PositionReport(variant, obs.display(), reason=obs.reason))
            continue
        called[i] = obs
        if any(a != variant.ref for a in obs.alleles):
            found.append(
                PositionReport(
                    variant,
                    obs.display(),
                    zygosity=_zygosity(obs.alleles, variant.ref),
                    filter=obs.filter,
                )
            )
    return called, missing, found


def _is_phased(called: dict[int, Observation]) -> bool:
    """True when at least two heterozygous calls exist and all share one phase set."""
    het = [o for o in called.values() if o.alleles and o.alleles[0] != o.alleles[1]]
    if len(het) < 2 or not all(o.phased for o in het):
        return False
    return len({o.phase_set for o in het}) == 1


def _new_call(
    gene: GeneDefinition,
    total: int,
    called: dict[int, Observation],
    missing: list[PositionReport],
    found: list[PositionReport],
) -> GeneCall:
    """A ``called`` result holding the position bookkeeping; later steps refine it."""
    return GeneCall(
        gene=gene.gene,
        status="called",
        positions_total=total,
        positions_called=len(called),
        missing=missing,
        variants_found=found,
    )


def _mark_not_called(result: GeneCall, total: int, withheld: str) -> None:
    """No allele-defining position has a genotype: say so and infer nothing (``withheld``)."""
    result.status = "not_called"
    result.notes.append(
        f"not called: none of the {total} allele-defining positions has a genotype in the "
        f"VCF (missing is a no-call, not reference); {withheld}"
    )


def _unmatched_report(gene: GeneDefinition, index: int, obs: Observation) -> PositionReport:
    """Report of a called position that no allele (pair) explains."""
    return PositionReport(gene.variants[index], obs.display(), filter=obs.filter)


def _describe_positions(reports: list[PositionReport]) -> str:
    """``rsid genotype`` (position when there is no rsID) for each report, comma-separated."""
    return ", ".join(f"{u.variant.rsid or u.variant.position} {u.genotype}" for u in reports)


def _missing_indices(gene: GeneDefinition, missing: list[PositionReport]) -> set[int]:
    """Definition indices of the positions without a call."""
    return {gene.index_of(m.variant.position) for m in missing}


def _diplotype_name(a: str, b: str) -> str:
    """``*first/*second`` in natural order."""
    first, second = sorted((a, b), key=natural_key)
    return f"{first}/{second}"


def _allele_details(gene: GeneDefinition, names: tuple[str, str]) -> list[dict[str, Any]]:
    """Function and activity value of each allele of the called diplotype."""
    return [
        {
            "name": name,
            "function": gene.functions.get(name, "Unknown function"),
            "activity_value": gene.activity_values.get(name),
        }
        for name in names
    ]


# --------------------------------------------------------------------------------------------
# Star-allele genes: per-gene rules
# --------------------------------------------------------------------------------------------


@dataclass
class StarScope:
    """What the diplotype search works on once gene-specific adjustments are made."""

    #: candidate named alleles
    alleles: list[NamedAllele]
    #: definition indices left out of the search (and of ``positions_total``)
    skip: set[int] = field(default_factory=set)
    #: reports of the skipped positions
    not_genotyped: list[PositionReport] = field(default_factory=list)
    #: description of a proxy used in place of a skipped position (dropped when not called)
    proxy: dict[str, Any] | None = None
    #: notes that apply only when the gene is called
    notes: list[str] = field(default_factory=list)


ScopeHook = Callable[[GeneDefinition, SampleGenotypes], StarScope]
PhenotypeHook = Callable[[GeneDefinition, str, str], tuple[str, float | None]]


def _all_alleles(gene: GeneDefinition, genotypes: SampleGenotypes) -> StarScope:
    """Default scope: every named allele, every position."""
    return StarScope(alleles=list(gene.alleles))


def _ugt1a1_proxy_scope(gene: GeneDefinition, genotypes: SampleGenotypes) -> StarScope:
    """UGT1A1: without a TA-repeat call, drop the repeat and call *28 through rs887829 (*80)."""
    repeat = gene.index_of(UGT1A1_REPEAT)
    if genotypes.observation(gene.gene, repeat).alleles is not None:
        return _all_alleles(gene, genotypes)
    variant = gene.variants[repeat]
    return StarScope(
        alleles=[a for a in gene.alleles if a.name in UGT1A1_PROXY_ALLELES],
        skip={repeat},
        not_genotyped=[
            PositionReport(variant, "./.", reason="TA repeat not genotyped; proxy used")
        ],
        proxy={
            "allele": "*28",
            "proxy_for": variant.rsid,
            "proxy": "rs887829",
            "reported_as": "*80+*28",
            "note": UGT1A1_PROXY_NOTE,
        },
        notes=[UGT1A1_PROXY_NOTE],
    )


def _table_phenotype(gene: GeneDefinition, a: str, b: str) -> tuple[str, float | None]:
    """Default phenotype: the gene's diplotype table, no activity score."""
    key = "/".join(sorted((a, b)))
    return gene.diplotype_phenotypes.get(key, "Indeterminate"), None


def _activity_score_phenotype(gene: GeneDefinition, a: str, b: str) -> tuple[str, float | None]:
    """CYP2D6: sum of the two allele activity values, translated by the CPIC score bins."""
    if a in gene.activity_values and b in gene.activity_values:
        score = gene.activity_values[a] + gene.activity_values[b]
        return cyp2d6_phenotype(score), score
    return "Indeterminate", None


def cyp2d6_phenotype(score: float) -> str:
    """CPIC consensus translation of a CYP2D6 activity score (Caudle et al. 2020)."""
    if score == 0:
        return "Poor Metabolizer"
    if score < 1.25:
        return "Intermediate Metabolizer"
    if score <= 2.25:
        return "Normal Metabolizer"
    return "Ultrarapid Metabolizer"


@dataclass(frozen=True)
class StarGeneRules:
    """Gene-specific behaviour of the star-allele caller (defaults suit most genes)."""

    #: chooses candidate alleles and skipped positions (e.g. UGT1A1's repeat proxy)
    scope: ScopeHook = _all_alleles
    #: phenotype (and activity score) of one allele pair
    phenotype: PhenotypeHook = _table_phenotype
    #: value of ``GeneCall.copy_number_assessed`` (None: not reported)
    copy_number_assessed: bool | None = None
    #: notes attached to every result for the gene
    caveats: tuple[str, ...] = ()
    #: phenotypes the method cannot support; reported as Indeterminate instead
    unsupported_phenotypes: frozenset[str] = frozenset()


DEFAULT_STAR_RULES = StarGeneRules()
STAR_GENE_RULES: dict[str, StarGeneRules] = {
    "CYP2D6": StarGeneRules(
        phenotype=_activity_score_phenotype,
        copy_number_assessed=False,
        caveats=(CYP2D6_NOTE,),
        unsupported_phenotypes=frozenset({"Ultrarapid Metabolizer"}),
    ),
    "UGT1A1": StarGeneRules(scope=_ugt1a1_proxy_scope),
}


def star_rules(gene: str) -> StarGeneRules:
    """The rules for a star-allele gene (defaults when it has none of its own)."""
    return STAR_GENE_RULES.get(gene, DEFAULT_STAR_RULES)


# --------------------------------------------------------------------------------------------
# Star-allele genes: matching alleles and pairs
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AlleleFit:
    """How each candidate allele fits the called positions.

    Bit ``b`` of a mask stands for the called position ``order[b]``; ``first[k]`` has it set
    when allele ``k`` matches the first observed allele there, ``second[k]`` the second.
    ``scores[k]`` is the allele's specificity (called positions it defines).
    """

    order: list[int]
    first: list[int]
    second: list[int]
    scores: list[int]

    @property
    def full(self) -> int:
        """Mask with every called position set."""
        return (1 << len(self.order)) - 1

    def trans_mask(self, a: int, b: int) -> int:
        """Positions explained by alleles ``a`` and ``b`` on different chromosomes (unphased)."""
        return (self.first[a] & self.second[b]) | (self.second[a] & self.first[b])

    def explains(self, a: int, b: int, phased: bool) -> bool:
        """Does the pair explain every called position (as whole haplotypes when phased)?"""
        if phased:
            return (self.first[a] & self.second[b]) == self.full or (
                self.second[a] & self.first[b]
            ) == self.full
        return self.trans_mask(a, b) == self.full


class Pair(NamedTuple):
    """A candidate diplotype: summed specificity, name, and the two allele indices."""

    score: int
    name: str
    first: int
    second: int


def _fit_alleles(alleles: list[NamedAllele], called: dict[int, Observation]) -> AlleleFit:
    """Match masks and specificity scores of every candidate allele."""
    order = sorted(called)
    called_set = set(order)
    first: list[int] = []
    second: list[int] = []
    scores: list[int] = []
    for allele in alleles:
        m0 = m1 = 0
        for bit, i in enumerate(order):
            obs = called[i].alleles
            assert obs is not None
            expected = allele.expected[i]
            if matches(expected, obs[0]):
                m0 |= 1 << bit
            if matches(expected, obs[1]):
                m1 |= 1 << bit
        first.append(m0)
        second.append(m1)
        scores.append(len(called_set) if allele.reference else len(allele.defined & called_set))
    return AlleleFit(order, first, second, scores)


def _fitting_pairs(alleles: list[NamedAllele], fit: AlleleFit, phased: bool) -> list[Pair]:
    """Every allele pair that explains all called positions, unranked."""
    candidates = [k for k in range(len(alleles)) if (fit.first[k] | fit.second[k]) == fit.full]
    pairs: list[Pair] = []
    for x, a in enumerate(candidates):
        for b in candidates[x:]:
            if fit.explains(a, b, phased):
                name = _diplotype_name(alleles[a].name, alleles[b].name)
                pairs.append(Pair(fit.scores[a] + fit.scores[b], name, a, b))
    return pairs


def _rank_pairs(pairs: list[Pair]) -> tuple[list[Pair], list[Pair]]:
    """Sort by specificity (then name) in place; return the best-scoring pairs and the rest."""
    pairs.sort(key=lambda p: (-p.score, natural_key(p.name)))
    best = [p for p in pairs if p.score == pairs[0].score]
    return best, pairs[len(best) :]


def _closest_pair(alleles: list[NamedAllele], fit: AlleleFit) -> tuple[str, int]:
    """Name and explained-position mask of the pair explaining most positions (no pair fits)."""
    best: tuple[int, int, str, int] | None = None
    for a in range(len(alleles)):
        for b in range(a, len(alleles)):
            mask = fit.trans_mask(a, b)
            key = (mask.bit_count(), fit.scores[a] + fit.scores[b])
            if best is None or key > (best[0], best[1]):
                best = (key[0], key[1], _diplotype_name(alleles[a].name, alleles[b].name), mask)
    assert best is not None
    return best[2], best[3]


# --------------------------------------------------------------------------------------------
# Star-allele genes: assembling the result
# --------------------------------------------------------------------------------------------


def _explain_no_match(
    result: GeneCall,
    gene: GeneDefinition,
    alleles: list[NamedAllele],
    called: dict[int, Observation],
    fit: AlleleFit,
) -> None:
    """No pair fits: list the positions the closest pair cannot explain; no phenotype."""
    closest, mask = _closest_pair(alleles, fit)
    for bit, i in enumerate(fit.order):
        if not mask >> bit & 1:
            result.unmatched.append(_unmatched_report(gene, i, called[i]))
    result.status = "no_match"
    result.phenotype = None
    result.notes.append(
        "the genotype fits no pair of defined alleles: "
        + _describe_positions(result.unmatched)
        + f" cannot be explained (closest diplotype {closest}); possibly a novel or "
        "undefined haplotype, or a genotyping error; no phenotype is inferred"
    )
    result.alternatives = [{"diplotype": closest, "score": None, "phenotype": None}]
    result.alternatives_total = 1


def _set_diplotype(
    result: GeneCall, gene: GeneDefinition, alleles: list[NamedAllele], best: list[Pair]
) -> None:
    """Report the first best pair as the diplotype and the other best pairs as ties."""
    top = best[0]
    names = sorted((alleles[top.first].name, alleles[top.second].name), key=natural_key)
    result.diplotype = top.name
    result.alleles = (names[0], names[1])
    result.ties = [p.name for p in best[1:]]
    result.allele_details = _allele_details(gene, result.alleles)


def _resolve_phenotype(
    result: GeneCall,
    gene: GeneDefinition,
    rules: StarGeneRules,
    alleles: list[NamedAllele],
    best: list[Pair],
) -> None:
    """One phenotype when all best pairs agree (score only if they agree on it too), else
    Indeterminate with a note; then a note listing the ties, if any."""
    phenotypes = {
        p.name: rules.phenotype(gene, alleles[p.first].name, alleles[p.second].name) for p in best
    }
    if len({p for p, _ in phenotypes.values()}) == 1:
        result.phenotype, result.activity_score = phenotypes[best[0].name]
        if len({s for _, s in phenotypes.values()}) != 1:
            result.activity_score = None
    else:
        result.phenotype = "Indeterminate"
        result.notes.append(
            "equally specific diplotypes imply different phenotypes ("
            + "; ".join(f"{d}: {p}" for d, (p, _) in sorted(phenotypes.items()))
            + "); phenotype Indeterminate"
        )
    if result.ties:
        result.notes.append(
            f"{len(best)} diplotypes fit the called positions equally well: "
            + ", ".join(p.name for p in best)
        )


def _set_alternatives(
    result: GeneCall,
    gene: GeneDefinition,
    rules: StarGeneRules,
    alleles: list[NamedAllele],
    others: list[Pair],
) -> None:
    """The less specific pairs that also fit, with their phenotypes (first MAX_ALTERNATIVES)."""
    result.alternatives_total = len(others)
    for pair in others[:MAX_ALTERNATIVES]:
        phenotype, activity = rules.phenotype(
            gene, alleles[pair.first].name, alleles[pair.second].name
        )
        result.alternatives.append(
            {
                "diplotype": pair.name,
                "score": pair.score,
                "phenotype": phenotype,
                "activity_score": activity,
            }
        )


def _note_missing_star(
    result: GeneCall,
    gene: GeneDefinition,
    alleles: list[NamedAllele],
    pairs: list[Pair],
    total: int,
) -> None:
    """Mark the call partial and say which fitting alleles the no-calls cannot rule out."""
    result.status = "partial"
    missing_idx = _missing_indices(gene, result.missing)
    fitting = {k for pair in pairs for k in (pair.first, pair.second)}
    hidden = sorted(
        {
            alleles[k].name
            for k in fitting
            if alleles[k].variant_indices & missing_idx and not alleles[k].reference
        },
        key=natural_key,
    )
    alt_phenotypes = sorted({alt["phenotype"] for alt in result.alternatives} - {result.phenotype})
    note = (
        f"{len(result.missing)} of {total} allele-defining positions have no call; the "
        f"diplotype uses the {result.positions_called} called positions"
    )
    if hidden:
        note += (
            f"; alleles defined at missing positions cannot be ruled out "
            f"({', '.join(hidden[:12])}{', ...' if len(hidden) > 12 else ''})"
        )
    if alt_phenotypes:
        note += f"; other diplotypes that fit imply: {', '.join(alt_phenotypes)}"
    result.notes.append(note)


def call_star_gene(gene: GeneDefinition, genotypes: SampleGenotypes) -> GeneCall:
    """Diplotype call for a star-allele gene."""
    rules = star_rules(gene.gene)
    scope = rules.scope(gene, genotypes)
    called, missing, found = _collect(gene, genotypes, scope.skip)
    total = len(gene.variants) - len(scope.skip)
    result = _new_call(gene, total, called, missing, found)
    result.not_genotyped = scope.not_genotyped
    result.copy_number_assessed = rules.copy_number_assessed
    result.notes.extend(rules.caveats)
    if not called:
        _mark_not_called(result, total, "no phenotype is inferred")
        return result
    result.proxy = scope.proxy
    result.notes.extend(scope.notes)

    fit = _fit_alleles(scope.alleles, called)
    result.phased = _is_phased(called)
    pairs = _fitting_pairs(scope.alleles, fit, result.phased)
    if not pairs:
        _explain_no_match(result, gene, scope.alleles, called, fit)
        return result
    best, others = _rank_pairs(pairs)
    _set_diplotype(result, gene, scope.alleles, best)
    _resolve_phenotype(result, gene, rules, scope.alleles, best)
    _set_alternatives(result, gene, rules, scope.alleles, others)
    if missing:
        _note_missing_star(result, gene, scope.alleles, pairs, total)
    if result.phenotype in rules.unsupported_phenotypes:  # pragma: no cover
        result.phenotype = "Indeterminate"
    return result


# --------------------------------------------------------------------------------------------
# DPYD: variant alleles and the activity score
# --------------------------------------------------------------------------------------------

#: non-reference allele copies still unexplained, per called position and haplotype slot
Remaining = dict[int, list[bool]]


def _variant_copies(gene: GeneDefinition, called: dict[int, Observation]) -> Remaining:
    """Which of the two observed alleles at each called position is non-reference."""
    remaining: Remaining = {}
    for i, obs in called.items():
        assert obs.alleles is not None
        remaining[i] = [obs.alleles[k] != gene.variants[i].ref for k in (0, 1)]
    return remaining


def _dpyd_variant_alleles(gene: GeneDefinition) -> list[NamedAllele]:
    """Non-reference alleles, multi-position (haplotype) alleles first, then by name."""
    return sorted(
        (a for a in gene.alleles if not a.reference and a.variant_indices),
        key=lambda a: (-len(a.variant_indices), natural_key(a.name)),
    )


def _hapb3_by_tag(
    gene: GeneDefinition, alleles: list[NamedAllele], called: dict[int, Observation]
) -> list[NamedAllele] | None:
    """Without a call at HapB3's intronic position, HapB3 defined by its tag alone (else None)."""
    intronic, tag = gene.index_of(DPYD_HAPB3_INTRONIC), gene.index_of(DPYD_HAPB3_TAG)
    if intronic in called or tag not in called:
        return None
    return [
        replace(a, defined=a.defined - {intronic}, variant_indices=a.variant_indices - {intronic})
        if a.name == DPYD_HAPB3
        else a
        for a in alleles
    ]


def _fully_called(allele: NamedAllele, called: dict[int, Observation]) -> bool:
    """Is every position that defines the allele called?"""
    return allele.variant_indices <= called.keys()


def _on_haplotype(
    allele: NamedAllele, slot: int, called: dict[int, Observation], remaining: Remaining
) -> bool:
    """Does haplotype ``slot`` carry every variant of the allele, each still unexplained?"""
    for i in allele.variant_indices:
        obs = called[i].alleles
        assert obs is not None
        if not (remaining[i][slot] and matches(allele.expected[i], obs[slot])):
            return False
    return True


def _match_phased(
    variant_alleles: list[NamedAllele], called: dict[int, Observation], remaining: Remaining
) -> list[list[NamedAllele]]:
    """Variant alleles found on each haplotype, consuming the allele copies they explain."""
    per_slot: list[list[NamedAllele]] = [[], []]
    for allele in variant_alleles:
        if not _fully_called(allele, called):
            continue
        for k in (0, 1):
            if _on_haplotype(allele, k, called, remaining):
                per_slot[k].append(allele)
                for i in allele.variant_indices:
                    remaining[i][k] = False
    return per_slot


def _claim_copy(
    allele: NamedAllele, called: dict[int, Observation], remaining: Remaining
) -> list[tuple[int, int]] | None:
    """(position, slot) of one unexplained copy of each of the allele's variants, or None."""
    slots: list[tuple[int, int]] = []
    for i in allele.variant_indices:
        obs = called[i].alleles
        assert obs is not None
        slot = next(
            (k for k in (0, 1) if remaining[i][k] and matches(allele.expected[i], obs[k])),
            None,
        )
        if slot is None:
            return None
        slots.append((i, slot))
    return slots


def _match_unphased(
    variant_alleles: list[NamedAllele], called: dict[int, Observation], remaining: Remaining
) -> list[NamedAllele]:
    """Variant alleles found (repeated per copy), consuming the allele copies they explain."""
    found: list[NamedAllele] = []
    for allele in variant_alleles:
        if not _fully_called(allele, called):
            continue
        while (slots := _claim_copy(allele, called, remaining)) is not None:
            found.append(allele)
            for i, k in slots:
                remaining[i][k] = False
    return found


def _allele_at(variant_alleles: list[NamedAllele], index: int) -> str | None:
    """The allele a variant position stands for: its single-position allele, else the first
    allele it helps define."""
    single = [a for a in variant_alleles if a.variant_indices == {index}]
    if single:
        return single[0].name
    names = [a.name for a in variant_alleles if index in a.variant_indices]
    return names[0] if names else None


def _label_found_variants(
    gene: GeneDefinition, found: list[PositionReport], variant_alleles: list[NamedAllele]
) -> None:
    """Name the allele (and its activity value) behind each variant position found."""
    for entry in found:
        name = _allele_at(variant_alleles, gene.index_of(entry.variant.position))
        if name is not None:
            entry.allele = name
            entry.activity_value = gene.activity_values.get(name)


def _report_unexplained(
    result: GeneCall, gene: GeneDefinition, called: dict[int, Observation], remaining: Remaining
) -> bool:
    """Mark the call no_match when variant copies are left that no DPYD allele explains."""
    leftovers = sorted(i for i, slots in remaining.items() if any(slots))
    if not leftovers:
        return False
    for i in leftovers:
        result.unmatched.append(_unmatched_report(gene, i, called[i]))
    result.status = "no_match"
    result.notes.append(
        "variant allele(s) not matching any defined DPYD allele: "
        + _describe_positions(result.unmatched)
        + "; no activity score is inferred"
    )
    return True


@dataclass(frozen=True)
class ActivityValues:
    """DPYD allele activity values; alleles without one count as the reference allele."""

    gene: GeneDefinition

    @property
    def reference(self) -> NamedAllele:
        """The reference named allele."""
        return self.gene.reference_allele

    @property
    def reference_value(self) -> float:
        """Activity value of the reference allele (1.0 when undefined)."""
        return self.gene.activity_values.get(self.reference.name, 1.0)

    def of(self, allele: NamedAllele) -> float:
        """Activity value of an allele."""
        return self.gene.activity_values.get(allele.name, self.reference_value)

    def rank(self, allele: NamedAllele) -> tuple[float, str]:
        """(value, name) of an allele."""
        return self.of(allele), allele.name

    def filler(self) -> tuple[float, str]:
        """(value, name) of the reference allele, standing in for a haplotype without variants."""
        return self.reference_value, self.reference.name


def _value_order(entry: tuple[float, str]) -> tuple[float, tuple[tuple[int, int | str], ...]]:
    """Order (value, name) entries lowest value first, then by name."""
    return entry[0], natural_key(entry[1])


def _lowest_per_haplotype(
    per_slot: list[list[NamedAllele]], values: ActivityValues
) -> list[tuple[float, str]]:
    """Phased: the lowest-function variant of each haplotype (reference when it has none)."""
    chosen: list[tuple[float, str]] = []
    for alleles in per_slot:
        if alleles:
            chosen.append(min((values.rank(a) for a in alleles), key=_value_order))
        else:
            chosen.append(values.filler())
    return chosen


def _two_lowest(found: list[NamedAllele], values: ActivityValues) -> list[tuple[float, str]]:
    """Unphased: the two lowest-function variant alleles, filled up with the reference."""
    chosen = sorted((values.rank(a) for a in found), key=_value_order)[:2]
    while len(chosen) < 2:
        chosen.append(values.filler())
    return chosen


def _set_activity_call(
    result: GeneCall, gene: GeneDefinition, chosen: list[tuple[float, str]]
) -> None:
    """Diplotype, activity score and phenotype from the two chosen (value, allele) entries."""
    chosen = sorted(chosen, key=_value_order)
    score = chosen[0][0] + chosen[1][0]
    result.activity_score = score
    result.alleles = (chosen[0][1], chosen[1][1])
    result.diplotype = f"{chosen[0][1]}/{chosen[1][1]}"
    result.phenotype = gene.activity_phenotypes.get(f"{score:.2f}", "Indeterminate")
    result.allele_details = _allele_details(gene, result.alleles)


def _note_many_variants(result: GeneCall, n_variants: int) -> None:
    """More than two variant alleles: only the two lowest-function ones count."""
    if n_variants > 2:
        result.notes.append(
            f"{n_variants} DPYD variant alleles found; as CPIC specifies, the activity score uses "
            "the two lowest-function variants"
            + ("" if result.phased else " (unphased: assumed to lie on different chromosomes)")
        )


def _note_missing_dpyd(
    result: GeneCall,
    gene: GeneDefinition,
    variant_alleles: list[NamedAllele],
    values: ActivityValues,
) -> None:
    """Mark the call partial and name the reduced-function alleles the no-calls could hide."""
    result.status = "partial"
    missing_idx = _missing_indices(gene, result.missing)
    risky = sorted(
        {
            f"{a.name} ({gene.activity_values.get(a.name)})"
            for a in variant_alleles
            if a.variant_indices & missing_idx and values.of(a) < values.reference_value
        },
        key=natural_key,
    )
    note = (
        f"{len(result.missing)} of {result.positions_total} DPYD positions have no call; the "
        f"activity score uses the {result.positions_called} called positions"
    )
    if risky:
        note += (
            "; reduced- or no-function alleles at the missing positions would lower it: "
            + ", ".join(risky)
        )
    result.notes.append(note)


def call_dpyd(gene: GeneDefinition, genotypes: SampleGenotypes) -> GeneCall:
    """DPYD activity score from the two lowest-function variant alleles (CPIC)."""
    called, missing, found = _collect(gene, genotypes, set())
    result = _new_call(gene, len(gene.variants), called, missing, found)
    if not called:
        _mark_not_called(result, result.positions_total, "no activity score is inferred")
        return result
    result.phased = _is_phased(called)
    remaining = _variant_copies(gene, called)
    variant_alleles = _dpyd_variant_alleles(gene)
    by_tag = _hapb3_by_tag(gene, variant_alleles, called)
    if by_tag is not None:
        variant_alleles = by_tag
        tag = gene.variants[gene.index_of(DPYD_HAPB3_TAG)]
        result.proxy = {
            "allele": DPYD_HAPB3,
            "proxy": f"{tag.rsid} (c.1236G>A)",
            "proxy_for": gene.variants[gene.index_of(DPYD_HAPB3_INTRONIC)].rsid,
            "reported_as": DPYD_HAPB3,
            "note": DPYD_HAPB3_NOTE,
        }
        result.notes.append(DPYD_HAPB3_NOTE)
    values = ActivityValues(gene)
    if result.phased:
        per_slot = _match_phased(variant_alleles, called, remaining)
        chosen = _lowest_per_haplotype(per_slot, values)
        n_variants = len(per_slot[0]) + len(per_slot[1])
    else:
        unphased = _match_unphased(variant_alleles, called, remaining)
        chosen = _two_lowest(unphased, values)
        n_variants = len(unphased)
    _label_found_variants(gene, found, variant_alleles)
    if _report_unexplained(result, gene, called, remaining):
        return result
    _set_activity_call(result, gene, chosen)
    _note_many_variants(result, n_variants)
    if missing:
        _note_missing_dpyd(result, gene, variant_alleles, values)
    return result


# --------------------------------------------------------------------------------------------
# Dispatch
# --------------------------------------------------------------------------------------------

GeneCaller = Callable[[GeneDefinition, SampleGenotypes], GeneCall]

#: genes with their own caller; every other gene is a star-allele gene
GENE_CALLERS: dict[str, GeneCaller] = {"DPYD": call_dpyd}


def call_gene(gene: GeneDefinition, genotypes: SampleGenotypes) -> GeneCall:
    """Call one gene with its caller (DPYD activity score, otherwise star alleles)."""
    return GENE_CALLERS.get(gene.gene, call_star_gene)(gene, genotypes)
