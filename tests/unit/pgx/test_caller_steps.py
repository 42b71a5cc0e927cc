"""The named steps of the diplotype and DPYD callers, on small synthetic and real definitions."""

from __future__ import annotations

from pathlib import Path

from actionable.pgx import caller
from actionable.pgx.caller import (
    GENE_CALLERS,
    UGT1A1_PROXY_ALLELES,
    UGT1A1_PROXY_NOTE,
    UGT1A1_REPEAT,
    ActivityValues,
    AlleleFit,
    GeneCall,
    Pair,
    call_dpyd,
    call_gene,
    star_rules,
)
from actionable.pgx.definitions import DefinitionVariant, GeneDefinition, NamedAllele, load_gene
from actionable.pgx.genotypes import Observation, SampleGenotypes, VcfHeader

DPYD_2A = 97450058  # rs3918290 c.1905+1G>A, no function
DPYD_2846 = 97082391  # rs67376798 c.2846A>T, decreased function
DPYD_HAPB3 = (97573863, 97579893)  # c.1236G>A, c.1129-5923C>G


def sample(
    gene: GeneDefinition, genotypes: dict[int, str], ps: str | None = None
) -> SampleGenotypes:
    """Genotypes by GRCh38 position, e.g. ``{pos: "A|G"}``; other positions are absent."""
    observations = {}
    for position, gt in genotypes.items():
        phased = "|" in gt
        first, second = gt.split("|" if phased else "/")
        observations[(gene.gene, gene.index_of(position))] = Observation(
            (first, second), phased, ps if phased else None
        )
    return SampleGenotypes("S1", VcfHeader(Path("in.vcf"), {}, ["S1"], []), observations)


def reference_sample(gene: GeneDefinition, **changes: str) -> SampleGenotypes:
    """Every position homozygous reference, then ``changes`` by ``p<position>`` keyword."""
    gts = {v.position: f"{v.ref}/{v.ref}" for v in gene.variants}
    gts.update({int(k[1:]): gt for k, gt in changes.items()})
    return sample(gene, gts)


def toy_gene(name: str = "TOY", activity: dict[str, float] | None = None) -> GeneDefinition:
    """Two SNVs; *2 is A>G at the first, *3 C>T at the second, *4 both."""
    variants = (
        DefinitionVariant("chr1", 100, "A", ("G",), "rs100", None),
        DefinitionVariant("chr1", 200, "C", ("T",), "rs200", None),
    )

    def allele(name: str, expected: tuple[str, str], reference: bool = False) -> NamedAllele:
        changed = frozenset(i for i, e in enumerate(expected) if e != variants[i].ref)
        return NamedAllele(name, reference, expected, frozenset({0, 1}), changed)

    return GeneDefinition(
        gene=name,
        chromosome="chr1",
        genome_build="GRCh38",
        variants=variants,
        alleles=(
            allele("*1", ("A", "C"), reference=True),
            allele("*2", ("G", "C")),
            allele("*3", ("A", "T")),
            allele("*4", ("G", "T")),
        ),
        functions={},
        activity_values=activity or {},
        diplotype_phenotypes={"*1/*4": "Intermediate Metabolizer", "*2/*3": "Poor Metabolizer"},
        activity_phenotypes={},
    )


# ---------------------------------------------------------------------------------- rules


def test_rules_registry_and_defaults() -> None:
    cyp2d6 = star_rules("CYP2D6")
    assert cyp2d6.copy_number_assessed is False
    assert cyp2d6.caveats == (caller.CYP2D6_NOTE,)
    assert "Ultrarapid Metabolizer" in cyp2d6.unsupported_phenotypes
    default = star_rules("TPMT")
    assert default is caller.DEFAULT_STAR_RULES
    assert default.caveats == () and default.copy_number_assessed is None


def test_dpyd_dispatches_to_its_own_caller() -> None:
    assert GENE_CALLERS["DPYD"] is call_dpyd
    dpyd = load_gene("DPYD")
    assert call_gene(dpyd, reference_sample(dpyd)).activity_score == 2.0


def test_ugt1a1_scope_uses_proxy_only_without_a_repeat_call() -> None:
    ugt = load_gene("UGT1A1")
    repeat = ugt.index_of(UGT1A1_REPEAT)
    without = reference_sample(ugt)
    del without.observations[("UGT1A1", repeat)]
    scope = caller._ugt1a1_proxy_scope(ugt, without)
    assert scope.skip == {repeat}
    assert [a.name for a in scope.alleles] == [
        a.name for a in ugt.alleles if a.name in UGT1A1_PROXY_ALLELES
    ]
    assert scope.notes == [UGT1A1_PROXY_NOTE]
    assert scope.proxy is not None and scope.proxy["reported_as"] == "*80+*28"

    full = caller._ugt1a1_proxy_scope(ugt, reference_sample(ugt))
    assert full.skip == set() and full.proxy is None and len(full.alleles) == len(ugt.alleles)


def test_activity_score_phenotype() -> None:
    gene = toy_gene(activity={"*1": 1.0, "*2": 0.5})
    assert caller._activity_score_phenotype(gene, "*1", "*2") == ("Normal Metabolizer", 1.5)
    assert caller._activity_score_phenotype(gene, "*1", "*3") == ("Indeterminate", None)


# ------------------------------------------------------------------ star-allele steps


def test_fit_and_pairs_unphased_vs_phased() -> None:
    gene = toy_gene()
    alleles = list(gene.alleles)
    # heterozygous at both positions
    unphased = sample(gene, {100: "A/G", 200: "C/T"})
    called, _, _ = caller._collect(gene, unphased, set())
    fit = caller._fit_alleles(alleles, called)
    assert fit.order == [0, 1] and fit.full == 0b11
    names = sorted(p.name for p in caller._fitting_pairs(alleles, fit, phased=False))
    assert names == ["*1/*4", "*2/*3"]

    cis = sample(gene, {100: "A|G", 200: "C|T"}, ps="1")
    called, _, _ = caller._collect(gene, cis, set())
    assert caller._is_phased(called)
    fit = caller._fit_alleles(alleles, called)
    assert [p.name for p in caller._fitting_pairs(alleles, fit, phased=True)] == ["*1/*4"]


def test_rank_pairs_best_first_in_natural_order() -> None:
    pairs = [Pair(2, "*1/*17", 0, 2), Pair(4, "*1/*10", 0, 1), Pair(4, "*1/*2", 0, 3)]
    best, others = caller._rank_pairs(pairs)
    assert [p.name for p in best] == ["*1/*2", "*1/*10"]
    assert [p.name for p in others] == ["*1/*17"]


def test_closest_pair_when_nothing_fits() -> None:
    gene = toy_gene()
    # homozygous for an allele no definition has at the first position
    called, _, _ = caller._collect(gene, sample(gene, {100: "T/T", 200: "C/T"}), set())
    fit = caller._fit_alleles(list(gene.alleles), called)
    assert not caller._fitting_pairs(list(gene.alleles), fit, phased=False)
    name, mask = caller._closest_pair(list(gene.alleles), fit)
    assert name == "*1/*3" and mask == 0b10


def test_resolve_phenotype_drops_a_score_the_ties_disagree_on() -> None:
    gene = toy_gene(activity={"*1": 1.0, "*2": 0.5, "*3": 0.75, "*4": 0.25})
    rules = caller.StarGeneRules(phenotype=lambda g, a, b: ("Same", {"*1": 1.0}.get(a, 0.5)))
    result = GeneCall("TOY", "called", 2, 2)
    best = [Pair(4, "*1/*4", 0, 3), Pair(4, "*2/*3", 1, 2)]
    caller._set_diplotype(result, gene, list(gene.alleles), best)
    caller._resolve_phenotype(result, gene, rules, list(gene.alleles), best)
    assert result.diplotype == "*1/*4" and result.ties == ["*2/*3"]
    assert result.phenotype == "Same" and result.activity_score is None
    assert result.notes == ["2 diplotypes fit the called positions equally well: *1/*4, *2/*3"]


def test_resolve_phenotype_conflict_is_indeterminate() -> None:
    gene = toy_gene()
    result = GeneCall("TOY", "called", 2, 2)
    best = [Pair(4, "*1/*4", 0, 3), Pair(4, "*2/*3", 1, 2)]
    caller._resolve_phenotype(result, gene, star_rules("TOY"), list(gene.alleles), best)
    assert result.phenotype == "Indeterminate"
    assert result.notes[0] == (
        "equally specific diplotypes imply different phenotypes (*1/*4: Intermediate "
        "Metabolizer; *2/*3: Poor Metabolizer); phenotype Indeterminate"
    )


def test_allele_fit_trans_mask() -> None:
    fit = AlleleFit(order=[0, 1], first=[0b01, 0b10], second=[0b10, 0b01], scores=[2, 2])
    assert fit.trans_mask(0, 0) == 0b00
    assert fit.trans_mask(0, 1) == 0b11
    assert fit.explains(0, 0, phased=False) is False
    assert fit.explains(0, 1, phased=True) is False


# ------------------------------------------------------------------------- DPYD steps


def test_unphased_matching_counts_a_homozygous_variant_twice() -> None:
    dpyd = load_gene("DPYD")
    variant = dpyd.variants[dpyd.index_of(DPYD_2846)]
    gts = reference_sample(dpyd, **{f"p{DPYD_2846}": f"{variant.alts[0]}/{variant.alts[0]}"})
    called, _, _ = caller._collect(dpyd, gts, set())
    remaining = caller._variant_copies(dpyd, called)
    found = caller._match_unphased(caller._dpyd_variant_alleles(dpyd), called, remaining)
    assert [a.name for a in found] == ["c.2846A>T", "c.2846A>T"]
    assert not any(any(slots) for slots in remaining.values())


def test_haplotype_alleles_are_matched_before_their_parts() -> None:
    dpyd = load_gene("DPYD")
    changes = {}
    for position in DPYD_HAPB3:
        v = dpyd.variants[dpyd.index_of(position)]
        changes[f"p{position}"] = f"{v.ref}/{v.alts[0]}"
    called, _, _ = caller._collect(dpyd, reference_sample(dpyd, **changes), set())
    remaining = caller._variant_copies(dpyd, called)
    found = caller._match_unphased(caller._dpyd_variant_alleles(dpyd), called, remaining)
    assert [a.name for a in found] == ["c.1129-5923C>G, c.1236G>A (HapB3)"]


def test_choosing_the_two_lowest_values() -> None:
    dpyd = load_gene("DPYD")
    values = ActivityValues(dpyd)
    no_function = dpyd.allele("c.1905+1G>A (*2A)")
    decreased = dpyd.allele("c.2846A>T")
    assert caller._two_lowest([], values) == [(1.0, "Reference"), (1.0, "Reference")]
    assert caller._two_lowest([decreased, no_function, decreased], values) == [
        (0.0, "c.1905+1G>A (*2A)"),
        (0.5, "c.2846A>T"),
    ]
    assert caller._lowest_per_haplotype([[decreased, no_function], []], values) == [
        (0.0, "c.1905+1G>A (*2A)"),
        (1.0, "Reference"),
    ]


def test_found_variants_are_labelled_with_their_allele() -> None:
    dpyd = load_gene("DPYD")
    v = dpyd.variants[dpyd.index_of(DPYD_2A)]
    gts = reference_sample(dpyd, **{f"p{DPYD_2A}": f"{v.ref}/{v.alts[0]}"})
    result = call_dpyd(dpyd, gts)
    assert [(f.allele, f.activity_value) for f in result.variants_found] == [
        ("c.1905+1G>A (*2A)", 0.0)
    ]
    assert result.diplotype == "c.1905+1G>A (*2A)/Reference"
    assert result.activity_score == 1.0
