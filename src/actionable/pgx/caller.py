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
    its variants.

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
from dataclasses import dataclass, field
from typing import Any

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


def _zygosity(alleles: tuple[str, str], ref: str) -> str:
    n_alt = sum(1 for a in alleles if a != ref)
    if n_alt == 2:
        return "homozygous" if alleles[0] == alleles[1] else "compound heterozygous"
    return "heterozygous"


def _collect(
    gene: GeneDefinition, genotypes: SampleGenotypes, skip: set[int]
) -> tuple[dict[int, Observation], list[PositionReport], list[PositionReport]]:
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
    het = [o for o in called.values() if o.alleles and o.alleles[0] != o.alleles[1]]
    if len(het) < 2 or not all(o.phased for o in het):
        return False
    return len({o.phase_set for o in het}) == 1


def _diplotype_name(a: str, b: str) -> str:
    first, second = sorted((a, b), key=natural_key)
    return f"{first}/{second}"


def _phenotype_for(gene: GeneDefinition, a: str, b: str) -> tuple[str, float | None]:
    """Phenotype (and activity score where defined) of one diplotype."""
    if gene.gene == "CYP2D6":
        if a in gene.activity_values and b in gene.activity_values:
            score = gene.activity_values[a] + gene.activity_values[b]
            return cyp2d6_phenotype(score), score
        return "Indeterminate", None
    key = "/".join(sorted((a, b)))
    return gene.diplotype_phenotypes.get(key, "Indeterminate"), None


def cyp2d6_phenotype(score: float) -> str:
    """CPIC consensus translation of a CYP2D6 activity score (Caudle et al. 2020)."""
    if score == 0:
        return "Poor Metabolizer"
    if score < 1.25:
        return "Intermediate Metabolizer"
    if score <= 2.25:
        return "Normal Metabolizer"
    return "Ultrarapid Metabolizer"


def _allele_details(gene: GeneDefinition, names: tuple[str, str]) -> list[dict[str, Any]]:
    return [
        {
            "name": name,
            "function": gene.functions.get(name, "Unknown function"),
            "activity_value": gene.activity_values.get(name),
        }
        for name in names
    ]


def call_star_gene(gene: GeneDefinition, genotypes: SampleGenotypes) -> GeneCall:
    """Diplotype call for a star-allele gene."""
    skip: set[int] = set()
    alleles: list[NamedAllele] = list(gene.alleles)
    proxy: dict[str, Any] | None = None
    not_genotyped: list[PositionReport] = []
    if gene.gene == "UGT1A1":
        repeat = gene.index_of(UGT1A1_REPEAT)
        if genotypes.observation(gene.gene, repeat).alleles is None:
            skip.add(repeat)
            alleles = [a for a in alleles if a.name in UGT1A1_PROXY_ALLELES]
            variant = gene.variants[repeat]
            not_genotyped.append(
                PositionReport(variant, "./.", reason="TA repeat not genotyped; proxy used")
            )
            proxy = {
                "allele": "*28",
                "proxy_for": variant.rsid,
                "proxy": "rs887829",
                "reported_as": "*80+*28",
                "note": UGT1A1_PROXY_NOTE,
            }
    called, missing, found = _collect(gene, genotypes, skip)
    total = len(gene.variants) - len(skip)
    result = GeneCall(
        gene=gene.gene,
        status="called",
        positions_total=total,
        positions_called=len(called),
        missing=missing,
        variants_found=found,
        not_genotyped=not_genotyped,
        proxy=proxy,
    )
    if gene.gene == "CYP2D6":
        result.copy_number_assessed = False
        result.notes.append(CYP2D6_NOTE)
    if not called:
        result.proxy = None
        result.status = "not_called"
        result.notes.append(
            f"not called: none of the {total} allele-defining positions has a genotype in the "
            "VCF (missing is a no-call, not reference); no phenotype is inferred"
        )
        return result

    if proxy is not None:
        result.notes.append(UGT1A1_PROXY_NOTE)
    order = sorted(called)
    full = (1 << len(order)) - 1
    masks0: list[int] = []
    masks1: list[int] = []
    scores: list[int] = []
    called_set = set(order)
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
        masks0.append(m0)
        masks1.append(m1)
        scores.append(len(called_set) if allele.reference else len(allele.defined & called_set))

    phased = _is_phased(called)
    result.phased = phased
    candidates = [k for k in range(len(alleles)) if (masks0[k] | masks1[k]) == full]
    pairs: list[tuple[int, str, int, int]] = []
    for x, a in enumerate(candidates):
        for b in candidates[x:]:
            if phased:
                ok = (masks0[a] & masks1[b]) == full or (masks1[a] & masks0[b]) == full
            else:
                ok = ((masks0[a] & masks1[b]) | (masks1[a] & masks0[b])) == full
            if ok:
                name = _diplotype_name(alleles[a].name, alleles[b].name)
                pairs.append((scores[a] + scores[b], name, a, b))

    if not pairs:
        _explain_no_match(result, gene, alleles, order, called, masks0, masks1, scores)
        return result

    pairs.sort(key=lambda p: (-p[0], natural_key(p[1])))
    best_score = pairs[0][0]
    best = [p for p in pairs if p[0] == best_score]
    _, name, a, b = best[0]
    names = tuple(sorted((alleles[a].name, alleles[b].name), key=natural_key))
    result.diplotype = name
    result.alleles = (names[0], names[1])
    result.ties = [p[1] for p in best[1:]]
    result.allele_details = _allele_details(gene, result.alleles)

    phenotypes = {}
    for _, tie_name, ta, tb in best:
        phenotypes[tie_name] = _phenotype_for(gene, alleles[ta].name, alleles[tb].name)
    distinct = {p for p, _ in phenotypes.values()}
    if len(distinct) == 1:
        result.phenotype, result.activity_score = phenotypes[name]
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
            + ", ".join(p[1] for p in best)
        )

    others = pairs[len(best) :]
    result.alternatives_total = len(others)
    for score, alt_name, aa, bb in others[:MAX_ALTERNATIVES]:
        phenotype, activity = _phenotype_for(gene, alleles[aa].name, alleles[bb].name)
        result.alternatives.append(
            {
                "diplotype": alt_name,
                "score": score,
                "phenotype": phenotype,
                "activity_score": activity,
            }
        )
    if missing:
        result.status = "partial"
        missing_idx = {gene.index_of(m.variant.position) for m in missing}
        fitting = {k for pair in pairs for k in pair[2:]}
        hidden = sorted(
            {
                alleles[k].name
                for k in fitting
                if alleles[k].variant_indices & missing_idx and not alleles[k].reference
            },
            key=natural_key,
        )
        alt_phenotypes = sorted(
            {alt["phenotype"] for alt in result.alternatives} - {result.phenotype}
        )
        note = (
            f"{len(missing)} of {total} allele-defining positions have no call; the diplotype "
            f"uses the {len(called)} called positions"
        )
        if hidden:
            note += (
                f"; alleles defined at missing positions cannot be ruled out "
                f"({', '.join(hidden[:12])}{', ...' if len(hidden) > 12 else ''})"
            )
        if alt_phenotypes:
            note += f"; other diplotypes that fit imply: {', '.join(alt_phenotypes)}"
        result.notes.append(note)
    if gene.gene == "CYP2D6" and result.phenotype == "Ultrarapid Metabolizer":  # pragma: no cover
        result.phenotype = "Indeterminate"
    return result


def _explain_no_match(
    result: GeneCall,
    gene: GeneDefinition,
    alleles: list[NamedAllele],
    order: list[int],
    called: dict[int, Observation],
    masks0: list[int],
    masks1: list[int],
    scores: list[int],
) -> None:
    best: tuple[int, int, str, int] | None = None
    for a in range(len(alleles)):
        for b in range(a, len(alleles)):
            mask = (masks0[a] & masks1[b]) | (masks1[a] & masks0[b])
            key = (mask.bit_count(), scores[a] + scores[b])
            name = _diplotype_name(alleles[a].name, alleles[b].name)
            if best is None or key > (best[0], best[1]):
                best = (key[0], key[1], name, mask)
    assert best is not None
    _, _, closest, mask = best
    for bit, i in enumerate(order):
        if not mask >> bit & 1:
            obs = called[i]
            result.unmatched.append(
                PositionReport(gene.variants[i], obs.display(), filter=obs.filter)
            )
    result.status = "no_match"
    result.phenotype = None
    result.notes.append(
        "the genotype fits no pair of defined alleles: "
        + ", ".join(
            f"{u.variant.rsid or u.variant.position} {u.genotype}" for u in result.unmatched
        )
        + f" cannot be explained (closest diplotype {closest}); possibly a novel or "
        "undefined haplotype, or a genotyping error; no phenotype is inferred"
    )
    result.alternatives = [{"diplotype": closest, "score": None, "phenotype": None}]
    result.alternatives_total = 1


def call_dpyd(gene: GeneDefinition, genotypes: SampleGenotypes) -> GeneCall:
    """DPYD activity score from the two lowest-function variant alleles (CPIC)."""
    called, missing, found = _collect(gene, genotypes, set())
    total = len(gene.variants)
    result = GeneCall(
        gene=gene.gene,
        status="called",
        positions_total=total,
        positions_called=len(called),
        missing=missing,
        variants_found=found,
    )
    if not called:
        result.status = "not_called"
        result.notes.append(
            f"not called: none of the {total} allele-defining positions has a genotype in the "
            "VCF (missing is a no-call, not reference); no activity score is inferred"
        )
        return result
    reference = gene.reference_allele
    phased = _is_phased(called)
    result.phased = phased
    # remaining non-reference allele copies per position and haplotype slot
    remaining: dict[int, list[bool]] = {
        i: [obs.alleles[k] != gene.variants[i].ref for k in (0, 1)]  # type: ignore[index]
        for i, obs in called.items()
    }
    variant_alleles = sorted(
        (a for a in gene.alleles if not a.reference and a.variant_indices),
        key=lambda a: (-len(a.variant_indices), natural_key(a.name)),
    )
    per_slot: list[list[NamedAllele]] = [[], []]
    unphased_found: list[NamedAllele] = []
    for allele in variant_alleles:
        if not allele.variant_indices <= called.keys():
            continue
        if phased:
            for k in (0, 1):
                if all(
                    remaining[i][k] and matches(allele.expected[i], called[i].alleles[k])  # type: ignore[index]
                    for i in allele.variant_indices
                ):
                    per_slot[k].append(allele)
                    for i in allele.variant_indices:
                        remaining[i][k] = False
        else:
            while True:
                slots: list[tuple[int, int]] = []
                for i in allele.variant_indices:
                    obs = called[i].alleles
                    assert obs is not None
                    slot = next(
                        (
                            k
                            for k in (0, 1)
                            if remaining[i][k] and matches(allele.expected[i], obs[k])
                        ),
                        None,
                    )
                    if slot is None:
                        break
                    slots.append((i, slot))
                else:
                    unphased_found.append(allele)
                    for i, k in slots:
                        remaining[i][k] = False
                    continue
                break
    for entry in found:
        i = gene.index_of(entry.variant.position)
        names = [a.name for a in variant_alleles if i in a.variant_indices]
        single = [a for a in variant_alleles if a.variant_indices == {i}]
        if single:
            entry.allele = single[0].name
            entry.activity_value = gene.activity_values.get(single[0].name)
        elif names:
            entry.allele = names[0]
            entry.activity_value = gene.activity_values.get(names[0])
    leftovers = [i for i, slots in remaining.items() if any(slots)]
    if leftovers:
        for i in sorted(leftovers):
            obs = called[i]
            result.unmatched.append(
                PositionReport(gene.variants[i], obs.display(), filter=obs.filter)
            )
        result.status = "no_match"
        result.notes.append(
            "variant allele(s) not matching any defined DPYD allele: "
            + ", ".join(
                f"{u.variant.rsid or u.variant.position} {u.genotype}" for u in result.unmatched
            )
            + "; no activity score is inferred"
        )
        return result

    ref_value = gene.activity_values.get(reference.name, 1.0)

    def value(allele: NamedAllele) -> float:
        return gene.activity_values.get(allele.name, ref_value)

    if phased:
        chosen: list[tuple[float, str]] = []
        for k in (0, 1):
            if per_slot[k]:
                worst = min(per_slot[k], key=lambda a: (value(a), natural_key(a.name)))
                chosen.append((value(worst), worst.name))
            else:
                chosen.append((ref_value, reference.name))
        n_variants = len(per_slot[0]) + len(per_slot[1])
    else:
        ranked = sorted(
            ((value(a), a.name) for a in unphased_found), key=lambda v: (v[0], natural_key(v[1]))
        )
        chosen = ranked[:2]
        while len(chosen) < 2:
            chosen.append((ref_value, reference.name))
        n_variants = len(unphased_found)
    chosen.sort(key=lambda v: (v[0], natural_key(v[1])))
    score = chosen[0][0] + chosen[1][0]
    result.activity_score = score
    result.alleles = (chosen[0][1], chosen[1][1])
    result.diplotype = f"{chosen[0][1]}/{chosen[1][1]}"
    result.phenotype = gene.activity_phenotypes.get(f"{score:.2f}", "Indeterminate")
    result.allele_details = _allele_details(gene, result.alleles)
    if n_variants > 2:
        result.notes.append(
            f"{n_variants} DPYD variant alleles found; as CPIC specifies, the activity score uses "
            "the two lowest-function variants"
            + ("" if phased else " (unphased: assumed to lie on different chromosomes)")
        )
    if missing:
        result.status = "partial"
        missing_idx = {gene.index_of(m.variant.position) for m in missing}
        risky = sorted(
            {
                f"{a.name} ({gene.activity_values.get(a.name)})"
                for a in variant_alleles
                if a.variant_indices & missing_idx and value(a) < ref_value
            },
            key=natural_key,
        )
        note = (
            f"{len(missing)} of {total} DPYD positions have no call; the activity score uses the "
            f"{len(called)} called positions"
        )
        if risky:
            note += (
                "; reduced- or no-function alleles at the missing positions would lower it: "
                + ", ".join(risky)
            )
        result.notes.append(note)
    return result


def call_gene(gene: GeneDefinition, genotypes: SampleGenotypes) -> GeneCall:
    if gene.gene == "DPYD":
        return call_dpyd(gene, genotypes)
    return call_star_gene(gene, genotypes)
