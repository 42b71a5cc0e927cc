"""The demo tumour/normal patient DEMO_P2: germline, somatic truth, fusions, copy number, cells.

Patient `DEMO_P2` (lung adenocarcinoma, OncoTree `LUAD`) has a normal sample `DEMO_P2_N`
(the patient's germline variants, diploid) and a tumour sample `DEMO_P2_T`: 60 % tumour cells
mixed with 40 % normal cells.

- Germline: a seeded subset of the DEMO_G1 truth (same phased genotypes), shared by both
  samples; the designed EGFR c.1562G>A and the CYP2C19 *2/*1 variants are always in it.
- Somatic SNVs/indels on one haplotype each, in nested subclones (cellular fractions
  `CLONE_FRACTIONS`): the named drivers at their real c. positions, random coding and
  non-coding variants, and one-unit indels in a few microsatellites. Expected tumour allele
  fraction = purity x cellular fraction x carrying copies / average copies per cell
  (`expected_vaf`; 0.6 x CF / 2 in a diploid region).
- Fusions: in every tumour cell one homologue of each partner pair is rearranged into the
  derivative that carries the 5' part of one gene joined to the 3' part of the other (intronic
  breakpoints, in frame). The two leftover pieces stay in the cell as separate molecules, so
  every base keeps two copies, but their (reciprocal) junction is not simulated: only the
  productive fusion junction appears in the reads.
- Copy number: the ERBB2 contig at 8 copies in tumour cells (7 copies of haplotype 1, one of
  haplotype 2); everything else diploid.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise

import numpy as np

from actionable.calling.gtf import reverse_complement
from actionable.formats.fusions import exon_range, fusions_tsv_text
from tools.demo.genome import CODON_TABLE, DemoGenome, GeneModel, translate
from tools.demo.reads import CellPopulation, Molecule
from tools.demo.variants import (
    COMPLEMENT,
    MIN_SPACING,
    TRANSITIONS,
    PgxSite,
    TruthVariant,
    _exonic_snv,
    _Placement,
    _random_insert,
    _region_kind,
    haplotype_sequence,
    normalize,
)

PATIENT = "DEMO_P2"
TUMOUR_SAMPLE = "DEMO_P2_T"
NORMAL_SAMPLE = "DEMO_P2_N"
TUMOUR_TYPE = "LUAD"
PURITY = 0.6
TUMOUR_DEPTH = 120.0  # nominal depth of a diploid region (150x would not fit the size budget)
NORMAL_DEPTH = 50.0
GERMLINE_COUNT = 70
# cellular fractions of nested tumour subclones: every tumour cell, 80 % of them, ...
CLONE_FRACTIONS: tuple[float, ...] = (1.0, 0.8, 0.6, 0.4, 0.25, 1 / 6)
# copies of (haplotype 1, haplotype 2) in tumour cells where they are not (1, 1)
TUMOUR_COPIES: dict[str, tuple[int, int]] = {"ERBB2": (7, 1)}
# which haplotype (0-based) of both partners forms the fusion derivative
FUSION_HAPLOTYPE = 1
BREAKPOINT_EXON_MARGIN = 100
BREAKPOINT_REPEAT_MARGIN = 100
BREAKPOINT_VARIANT_MARGIN = 150
N_SNVS = 32
N_INDELS = 12
MAX_INDEL = 15
GERMLINE_ALWAYS = ("EGFR:c.1562G>A", "CYP2C19:c.681G>A", "CYP2C19:rs12769205", "CYP2C19:rs3758581")
GERMLINE_NEVER = ("BRCA2:c.5946delT",)
CNA_HEADER = ("gene", "call", "copy_number")
# the columns of the workflow's fusions TSV (actionable.formats.fusions) the truth gives, with
# the same meaning: a partner's contig is named after its gene, each breakpoint is in an
# intron, `exons5p`/`exons3p` are the exons each partner keeps
FUSION_TRUTH_COLUMNS = (
    "gene5p",
    "gene3p",
    "chrom5p",
    "pos5p",
    "chrom3p",
    "pos3p",
    "strand5p",
    "strand3p",
    "site5p",
    "site3p",
    "exons5p",
    "exons3p",
    "in_frame",
)


@dataclass(frozen=True)
class Driver:
    """A named somatic driver at its real coding position (`hgvsc` on the transcript strand)."""

    gene: str
    hgvsc: str
    protein: str
    cellular_fraction: float
    haplotype: int


DRIVERS: tuple[Driver, ...] = (
    Driver("EGFR", "c.2573T>G", "p.L858R", 1.0, 0),
    Driver("EGFR", "c.2369C>T", "p.T790M", 0.4, 0),  # in cis with L858R, a subclone
    Driver("EGFR", "c.2235_2249del", "p.E746_A750del", 0.6, 1),
    Driver("KRAS", "c.34G>T", "p.G12C", 0.8, 0),
    Driver("PIK3CA", "c.3140A>G", "p.H1047R", 0.6, 1),
    Driver("ABL1", "c.944C>T", "p.T315I", 0.4, FUSION_HAPLOTYPE),  # on the BCR::ABL1 allele
)
# random coding SNVs (gene, kind) and coding deletions (gene, length); clinically important
# codons and the exons named in the gene specifications are avoided
CODING_SNVS: tuple[tuple[str, str], ...] = (
    ("GAPDH", "missense"),
    ("GAPDH", "missense"),
    ("EML4", "missense"),
    ("BCR", "missense"),
    ("MET", "missense"),
    ("DPYD", "missense"),
    ("ABL1", "synonymous"),
    ("EGFR", "synonymous"),
)
CODING_DELETIONS: tuple[tuple[str, int], ...] = (("GAPDH", 1), ("DPYD", 3))
# one-unit indels in microsatellites: (homopolymer?, deletion?, cellular fraction)
MICROSATELLITE_INDELS: tuple[tuple[bool, bool, float], ...] = (
    (True, True, 1.0),
    (False, True, 0.8),
    (True, False, 0.6),
)


@dataclass(frozen=True)
class FusionSpec:
    """5' gene kept through exon `intron5p`, 3' gene from exon `intron3p + 1` on."""

    gene5p: str
    intron5p: int
    gene3p: str
    intron3p: int


FUSION_SPECS: tuple[FusionSpec, ...] = (
    FusionSpec("BCR", 14, "ABL1", 1),  # e14a2 (b3a2)
    FusionSpec("EML4", 13, "ALK", 19),  # EML4 exon 13 :: ALK exon 20 (variant 1)
)


@dataclass(frozen=True)
class DesignedSomaticVariant:
    """A somatic SNV/indel on one haplotype (0 or 1) of the tumour cells that carry it."""

    contig: str
    pos: int
    ref: str
    alt: str
    haplotype: int
    cellular_fraction: float
    kind: str
    name: str = ""
    protein: str = ""
    locus: str = ""

    @property
    def is_snv(self) -> bool:
        return len(self.ref) == 1 and len(self.alt) == 1

    @property
    def end(self) -> int:
        return self.pos + len(self.ref) - 1

    def as_truth(self) -> TruthVariant:
        """The variant as an allele on its haplotype (for building haplotype sequences)."""
        genotype = (1, 0) if self.haplotype == 0 else (0, 1)
        return TruthVariant(
            self.contig, self.pos, self.ref, self.alt, genotype, self.kind, self.name
        )


@dataclass(frozen=True)
class DesignedFusion:
    """A designed fusion: breakpoints are the last 5' base and the first 3' base kept, in the
    introns after exon `last_exon5p` of the 5' gene and before exon `first_exon3p` of the 3'
    gene (which has `exon_count3p` exons)."""

    gene5p: str
    gene3p: str
    pos5p: int
    pos3p: int
    strand5p: str
    strand3p: str
    last_exon5p: int
    first_exon3p: int
    exon_count3p: int
    in_frame: str

    def row(self) -> dict[str, str]:
        """The truth row (columns `FUSION_TRUTH_COLUMNS`)."""
        return {
            "gene5p": self.gene5p,
            "gene3p": self.gene3p,
            "chrom5p": self.gene5p,
            "pos5p": str(self.pos5p),
            "chrom3p": self.gene3p,
            "pos3p": str(self.pos3p),
            "strand5p": self.strand5p,
            "strand3p": self.strand3p,
            "site5p": f"intron {self.last_exon5p}",
            "site3p": f"intron {self.first_exon3p - 1}",
            "exons5p": exon_range(1, self.last_exon5p),
            "exons3p": exon_range(self.first_exon3p, self.exon_count3p),
            "in_frame": self.in_frame,
        }


@dataclass
class TumourDesign:
    """Everything that defines the simulated patient."""

    germline: list[TruthVariant]
    somatic: list[DesignedSomaticVariant]
    fusions: list[DesignedFusion]
    purity: float = PURITY
    tumour_copies: Mapping[str, tuple[int, int]] = field(
        default_factory=lambda: dict(TUMOUR_COPIES)
    )

    def copies(self, contig: str) -> tuple[int, int]:
        """Copies of (haplotype 1, haplotype 2) of a contig in a tumour cell."""
        return self.tumour_copies.get(contig, (1, 1))

    def expected_vaf(self, variant: DesignedSomaticVariant) -> float:
        """purity x CF x carrying copies / (purity x tumour copies + (1 - purity) x 2)."""
        copies = self.copies(variant.contig)
        carried = self.purity * variant.cellular_fraction * copies[variant.haplotype]
        return carried / (self.purity * sum(copies) + (1 - self.purity) * 2)

    def copy_number(self, contig: str) -> int:
        return sum(self.copies(contig))


# ---- germline ------------------------------------------------------------------------------


def patient_germline(
    truth: Sequence[TruthVariant], rng: np.random.Generator, count: int = GERMLINE_COUNT
) -> list[TruthVariant]:
    """A subset of the DEMO_G1 truth: the `GERMLINE_ALWAYS` variants plus random others."""
    always = [v for v in truth if v.name in GERMLINE_ALWAYS]
    if len(always) != len(GERMLINE_ALWAYS):
        raise ValueError("the germline truth lacks a variant of GERMLINE_ALWAYS")
    pool = [v for v in truth if v.name not in GERMLINE_ALWAYS and v.name not in GERMLINE_NEVER]
    picked = rng.choice(len(pool), size=count - len(always), replace=False)
    chosen = {id(v) for v in always} | {id(pool[int(i)]) for i in picked}
    return [v for v in truth if id(v) in chosen]  # keeps the truth's (FASTA) order


# ---- fusions -------------------------------------------------------------------------------


def _intron_span(model: GeneModel, number: int) -> tuple[int, int]:
    """Genomic span (1-based inclusive) of intron `number` (it follows exon `number`)."""
    a, b = model.transcript.exons[number - 1], model.transcript.exons[number]
    return min(a[1], b[1]) + 1, max(a[0], b[0]) - 1


def _exon_end_c(model: GeneModel, number: int, five_prime_end: bool) -> int | None:
    """c. of the 5'-most (or 3'-most) base of exon `number`; None when it is not coding."""
    start, end = model.transcript.exons[number - 1]
    plus = model.transcript.strand == "+"
    position = (start if plus else end) if five_prime_end else (end if plus else start)
    return model.transcript.coding_position(position)


def in_frame(model5: GeneModel, exon5: int, model3: GeneModel, exon3: int) -> str:
    """`yes` when the coding bases kept by the 5' part leave the 3' part's first codon phase."""
    kept = _exon_end_c(model5, exon5, five_prime_end=False)
    first = _exon_end_c(model3, exon3, five_prime_end=True)
    if kept is None or first is None:
        return "unknown"
    return "yes" if kept % 3 == (first - 1) % 3 else "no"


def _oriented_base(model: GeneModel, pos: int) -> str:
    """Base at `pos` read on the gene's transcript strand."""
    base = model.sequence[pos - 1]
    return base if model.transcript.strand == "+" else COMPLEMENT[base]


def junction_homology(model5: GeneModel, pos5: int, model3: GeneModel, pos3: int) -> bool:
    """True when the junction could slide by a base (the bases next to it match).

    In transcript orientation the derivative is ...A|B...; it slides right when the first base
    of B equals the base that followed A in its own gene, left when the last base of A equals
    the base that preceded B in its gene.
    """
    step5 = 1 if model5.transcript.strand == "+" else -1
    step3 = 1 if model3.transcript.strand == "+" else -1
    after_a = _oriented_base(model5, pos5 + step5)
    before_b = _oriented_base(model3, pos3 - step3)
    return after_a == _oriented_base(model3, pos3) or before_b == _oriented_base(model5, pos5)


def _breakpoint_candidates(model: GeneModel, number: int, avoid: Sequence[int]) -> np.ndarray:
    """Positions of intron `number` away from its exons, repeats and `avoid` positions."""
    low, high = _intron_span(model, number)
    candidates = np.arange(low + BREAKPOINT_EXON_MARGIN, high - BREAKPOINT_EXON_MARGIN + 1)
    ok = np.ones(len(candidates), dtype=bool)
    for repeat in model.microsatellites + model.indel_repeats:
        ok &= (candidates < repeat.start - BREAKPOINT_REPEAT_MARGIN) | (
            candidates > repeat.end + BREAKPOINT_REPEAT_MARGIN
        )
    for pos in avoid:
        ok &= np.abs(candidates - pos) > BREAKPOINT_VARIANT_MARGIN
    if not ok.any():
        raise ValueError(f"{model.name}: no room for a breakpoint in intron {number}")
    return candidates[ok]


def place_fusions(
    genome: DemoGenome, avoid: Mapping[str, Sequence[int]], rng: np.random.Generator
) -> list[DesignedFusion]:
    """Breakpoints in the specified introns, away from exons, repeats and `avoid` positions,
    with no microhomology: the junction position is unambiguous."""
    fusions = []
    for spec in FUSION_SPECS:
        model5, model3 = genome.gene(spec.gene5p), genome.gene(spec.gene3p)
        five = _breakpoint_candidates(model5, spec.intron5p, avoid.get(spec.gene5p, ()))
        three = _breakpoint_candidates(model3, spec.intron3p, avoid.get(spec.gene3p, ()))
        pos5 = int(five[int(rng.integers(len(five)))])
        three = np.array([p for p in three if not junction_homology(model5, pos5, model3, p)])
        pos3 = int(three[int(rng.integers(len(three)))])
        fusions.append(
            DesignedFusion(
                gene5p=spec.gene5p,
                gene3p=spec.gene3p,
                pos5p=pos5,
                pos3p=pos3,
                strand5p=model5.transcript.strand,
                strand3p=model3.transcript.strand,
                last_exon5p=spec.intron5p,
                first_exon3p=spec.intron3p + 1,
                exon_count3p=len(model3.transcript.exons),
                in_frame=in_frame(model5, spec.intron5p, model3, spec.intron3p + 1),
            )
        )
    return fusions


def fusion_cds(fusion: DesignedFusion, cds: Mapping[str, str], genome: DemoGenome) -> str:
    """Coding sequence of the fusion transcript (5' coding bases kept + 3' from its exon)."""
    kept = _exon_end_c(genome.gene(fusion.gene5p), fusion.last_exon5p, five_prime_end=False)
    first = _exon_end_c(genome.gene(fusion.gene3p), fusion.first_exon3p, five_prime_end=True)
    if kept is None or first is None:
        raise ValueError(f"{fusion.gene5p}::{fusion.gene3p}: breakpoint outside the CDS")
    return cds[fusion.gene5p][:kept] + cds[fusion.gene3p][first - 1 :]


# ---- somatic SNVs and indels ---------------------------------------------------------------

_SNV = re.compile(r"c\.(\d+)([ACGT])>([ACGT])")
_DELETION = re.compile(r"c\.(\d+)_(\d+)del")


def driver_allele(model: GeneModel, hgvsc: str) -> tuple[int, str, str]:
    """(pos, ref, alt) on the contig of a coding SNV or deletion given on the transcript."""
    transcript, seq = model.transcript, model.sequence
    plus = transcript.strand == "+"
    snv = _SNV.fullmatch(hgvsc)
    if snv:
        c, ref_t, alt_t = int(snv.group(1)), snv.group(2), snv.group(3)
        pos = transcript.genomic_position(c)
        ref = seq[pos - 1]
        if ref != (ref_t if plus else COMPLEMENT[ref_t]):
            raise ValueError(f"{model.name}:{hgvsc}: the demo has {ref} at c.{c}")
        return pos, ref, alt_t if plus else COMPLEMENT[alt_t]
    deletion = _DELETION.fullmatch(hgvsc)
    if deletion:
        first, last = int(deletion.group(1)), int(deletion.group(2))
        ends = [transcript.genomic_position(c) for c in (first, last)]
        low, high = min(ends), max(ends)
        if high - low != last - first:
            raise ValueError(f"{model.name}:{hgvsc}: the deletion spans an intron")
        return normalize(seq, low - 1, seq[low - 2 : high], seq[low - 2])
    raise ValueError(f"{model.name}:{hgvsc}: only c.NX>Y and c.N_Mdel are supported")


def _coding_deletion(
    model: GeneModel, size: int, rng: np.random.Generator, placement: _Placement
) -> tuple[int, str, str]:
    """A deletion of `size` coding bases inside one exon, away from named exons and codons."""
    transcript, seq, spec = model.transcript, model.sequence, model.spec
    for _attempt in range(1000):
        c_first = 3 * int(rng.integers(2, spec.protein_length)) - 2
        genomic = [transcript.genomic_position(c) for c in range(c_first, c_first + size)]
        ranks = {transcript.exon_number(g) for g in genomic}
        if len(ranks) != 1 or ranks & set(spec.exon_anchors):
            continue
        rank = ranks.pop()
        assert rank is not None
        exon = transcript.exons[rank - 1]
        low, high = min(genomic), max(genomic)
        if low - exon[0] < 12 or exon[1] - high < 12:
            continue
        pos, ref, alt = normalize(seq, low - 1, seq[low - 2 : high], seq[low - 2])
        removed = range(pos + 1, pos + len(ref))
        if any(transcript.coding_position(p) is None or p in model.protected for p in removed):
            continue
        if not exon[0] + 12 <= pos < pos + len(ref) <= exon[1] - 12:
            continue
        if placement.free(pos, pos + len(ref) - 1, check_allowed=False):
            return pos, ref, alt
    raise ValueError(f"{model.name}: no place found for a {size}-bp coding deletion")


def _microsatellite_indels(
    genome: DemoGenome, placements: Mapping[str, _Placement], rng: np.random.Generator
) -> list[DesignedSomaticVariant]:
    loci = [ms for model in genome.genes for ms in model.microsatellites]
    order = [loci[int(i)] for i in rng.permutation(len(loci))]
    chosen: list[DesignedSomaticVariant] = []
    used: set[str] = set()
    for homopolymer, deletion, fraction in MICROSATELLITE_INDELS:
        for locus in order:
            if locus.contig in used or locus.contig in TUMOUR_COPIES:
                continue
            if (len(locus.unit) == 1) != homopolymer:
                continue
            placement = placements[locus.contig]
            if not placement.free(locus.start - 1, locus.end, check_allowed=False):
                continue
            seq = genome.gene(locus.contig).sequence
            anchor = seq[locus.start - 2]
            ref, alt = (anchor + locus.unit, anchor) if deletion else (anchor, anchor + locus.unit)
            pos, ref, alt = normalize(seq, locus.start - 1, ref, alt)
            placement.take(locus.start - 1, locus.end)
            used.add(locus.contig)
            haplotype = int(rng.integers(2))
            chosen.append(
                DesignedSomaticVariant(
                    locus.contig,
                    pos,
                    ref,
                    alt,
                    haplotype,
                    fraction,
                    "microsatellite",
                    locus=locus.name,
                )
            )
            break
        else:
            raise ValueError("no free microsatellite for a somatic indel")
    return chosen


def _fractions(n: int, rng: np.random.Generator) -> list[float]:
    """Cellular fractions of `n` random variants: 4 each at the two smallest, the rest even."""
    low = list(CLONE_FRACTIONS[-2:]) * 4
    high = [CLONE_FRACTIONS[i % (len(CLONE_FRACTIONS) - 2)] for i in range(n - len(low))]
    values = high + low
    return [values[int(i)] for i in rng.permutation(len(values))]


def make_somatic(
    genome: DemoGenome,
    pgx_sites: Sequence[PgxSite],
    germline_all: Sequence[TruthVariant],
    fusions: Sequence[DesignedFusion],
    rng: np.random.Generator,
) -> list[DesignedSomaticVariant]:
    """Somatic SNVs and indels (see the module docstring), sorted like the FASTA."""
    pgx_by_contig: dict[str, list[int]] = {}
    for site in pgx_sites:
        pgx_by_contig.setdefault(site.demo_chrom, []).append(site.demo_pos)
    placements = {m.name: _Placement(m, pgx_by_contig.get(m.name, [])) for m in genome.genes}
    for v in germline_all:  # every DEMO_G1 variant, not only the patient's
        placements[v.contig].take(v.pos, v.end)
    for fusion in fusions:
        for gene, pos in ((fusion.gene5p, fusion.pos5p), (fusion.gene3p, fusion.pos3p)):
            margin = BREAKPOINT_VARIANT_MARGIN - MIN_SPACING
            placements[gene].take(pos - margin, pos + margin)
    variants: list[DesignedSomaticVariant] = []

    for driver in DRIVERS:
        model = genome.gene(driver.gene)
        pos, ref, alt = driver_allele(model, driver.hgvsc)
        end = pos + len(ref) - 1
        if not placements[model.name].free(pos, end, check_allowed=False):
            raise ValueError(f"{driver.gene}:{driver.hgvsc} is too close to another variant")
        placements[model.name].take(pos, end)
        variants.append(
            DesignedSomaticVariant(
                model.name,
                pos,
                ref,
                alt,
                driver.haplotype,
                driver.cellular_fraction,
                "driver",
                f"{driver.gene}:{driver.hgvsc}",
                driver.protein,
            )
        )
    variants += _microsatellite_indels(genome, placements, rng)

    random: list[tuple[str, int, str, str, str]] = []  # contig, pos, ref, alt, kind
    for gene, kind in CODING_SNVS:
        model = genome.gene(gene)
        pos, ref, alt, _name = _exonic_snv(model, kind, rng, placements[gene])
        placements[gene].take(pos, pos)
        random.append((gene, pos, ref, alt, kind))
    for gene, size in CODING_DELETIONS:
        model = genome.gene(gene)
        pos, ref, alt = _coding_deletion(model, size, rng, placements[gene])
        placements[gene].take(pos, pos + len(ref) - 1)
        random.append((gene, pos, ref, alt, "frameshift" if size % 3 else "inframe_deletion"))

    snvs_left = N_SNVS - sum(v.is_snv for v in variants) - len(CODING_SNVS)
    indels_left = N_INDELS - sum(not v.is_snv for v in variants) - len(CODING_DELETIONS)
    eligible = [m for m in genome.genes if m.name not in TUMOUR_COPIES]
    total = sum(len(m.sequence) for m in eligible)
    want = {
        m.name: [round(snvs_left * len(m.sequence) / total), 0] for m in eligible
    }  # per contig: [SNVs, indels]
    shortfall = snvs_left - sum(w[0] for w in want.values())
    for m in sorted(eligible, key=lambda m: -len(m.sequence))[: abs(shortfall)]:
        want[m.name][0] += 1 if shortfall > 0 else -1
    for index in rng.choice(len(eligible), size=indels_left, replace=False):
        want[eligible[int(index)].name][1] += 1
    weights = np.array([1 / size for size in range(1, MAX_INDEL + 1)])
    weights /= weights.sum()
    for model in eligible:
        placement = placements[model.name]
        seq = model.sequence
        positions = np.flatnonzero(placement.allowed) + 1
        n_snv, n_indel = want[model.name]
        attempts = 0
        while n_snv or n_indel:
            attempts += 1
            if attempts > 20000:
                raise ValueError(f"{model.name}: cannot place the somatic variants")
            pos = int(positions[int(rng.integers(len(positions)))])
            if n_snv:
                if not placement.free(pos, pos):
                    continue
                ref = seq[pos - 1]
                alt = TRANSITIONS[ref] if rng.random() < 0.5 else "ACGT"[int(rng.integers(4))]
                if alt == ref:
                    continue
                placement.take(pos, pos)
                random.append((model.name, pos, ref, alt, _region_kind(model, pos)))
                n_snv -= 1
                continue
            size = int(rng.choice(np.arange(1, MAX_INDEL + 1), p=weights))
            if rng.random() < 0.5:
                ref, alt = seq[pos - 1 : pos + size], seq[pos - 1]
            else:
                ref, alt = seq[pos - 1], seq[pos - 1] + _random_insert(rng, size)
            npos, nref, nalt = normalize(seq, pos, ref, alt)
            if not placement.free(npos, npos + len(nref)):
                continue
            placement.take(npos, npos + len(nref) - 1)
            random.append((model.name, npos, nref, nalt, _region_kind(model, npos)))
            n_indel -= 1
    fractions = _fractions(len(random), rng)
    for (contig, pos, ref, alt, kind), fraction in zip(random, fractions, strict=True):
        haplotype = int(rng.integers(2))
        variants.append(DesignedSomaticVariant(contig, pos, ref, alt, haplotype, fraction, kind))
    order = {model.name: i for i, model in enumerate(genome.genes)}
    return sorted(variants, key=lambda v: (order[v.contig], v.pos))


def design_tumour(
    genome: DemoGenome,
    pgx_sites: Sequence[PgxSite],
    germline_truth: Sequence[TruthVariant],
    seed: int,
) -> TumourDesign:
    """The whole patient from a seed (independent of the DEMO_G1 random streams)."""
    germline = patient_germline(germline_truth, np.random.default_rng([seed, 21]))
    avoid: dict[str, list[int]] = {}
    for v in germline_truth:
        avoid.setdefault(v.contig, []).extend((v.pos, v.end))
    for driver in DRIVERS:
        pos, ref, _alt = driver_allele(genome.gene(driver.gene), driver.hgvsc)
        avoid.setdefault(driver.gene, []).extend((pos, pos + len(ref) - 1))
    fusions = place_fusions(genome, avoid, np.random.default_rng([seed, 22]))
    somatic = make_somatic(
        genome, pgx_sites, germline_truth, fusions, np.random.default_rng([seed, 23])
    )
    return TumourDesign(germline=germline, somatic=somatic, fusions=fusions)


# ---- cells and their molecules -------------------------------------------------------------


def segment(
    reference: str, variants: Sequence[TruthVariant], haplotype: int, start: int, end: int
) -> str:
    """Haplotype sequence of reference bases `start`..`end` (1-based, inclusive)."""
    inside = []
    for v in variants:
        if v.genotype[haplotype] != 1 or v.end < start or v.pos > end:
            continue
        if v.pos < start or v.end > end:
            raise ValueError(f"{v.contig}:{v.pos}: variant crosses a breakpoint")
        inside.append(replace(v, pos=v.pos - start + 1))
    return haplotype_sequence(reference[start - 1 : end], inside, haplotype)


def _fusion_pieces(
    fusion: DesignedFusion, genome: DemoGenome, variants: Mapping[str, Sequence[TruthVariant]]
) -> tuple[Molecule, ...]:
    """The derivative (5' part + 3' part in transcript order) and the two leftover pieces."""
    h = FUSION_HAPLOTYPE
    pieces: dict[str, tuple[str, str]] = {}  # gene -> (kept part in transcript order, rest)
    for gene, pos, keeps_left in (
        (fusion.gene5p, fusion.pos5p, fusion.strand5p == "+"),
        (fusion.gene3p, fusion.pos3p, fusion.strand3p == "-"),
    ):
        ref = genome.gene(gene).sequence
        v = variants.get(gene, ())
        if keeps_left:
            kept, rest = segment(ref, v, h, 1, pos), segment(ref, v, h, pos + 1, len(ref))
        else:
            kept, rest = segment(ref, v, h, pos, len(ref)), segment(ref, v, h, 1, pos - 1)
        strand = fusion.strand5p if gene == fusion.gene5p else fusion.strand3p
        pieces[gene] = (kept if strand == "+" else reverse_complement(kept), rest)
    five, three = pieces[fusion.gene5p], pieces[fusion.gene3p]
    suffix = f"#{h + 1}"
    return (
        Molecule(f"{fusion.gene5p}::{fusion.gene3p}", five[0] + three[0]),
        Molecule(f"{fusion.gene5p}{suffix}:rest", five[1]),
        Molecule(f"{fusion.gene3p}{suffix}:rest", three[1]),
    )


def cell_molecules(
    genome: DemoGenome,
    variants: Sequence[TruthVariant],
    design: TumourDesign | None = None,
) -> tuple[Molecule, ...]:
    """Molecules of one cell: two haplotypes per contig, or a tumour cell's (with `design`)."""
    by_contig: dict[str, list[TruthVariant]] = {}
    for v in variants:
        by_contig.setdefault(v.contig, []).append(v)
    fused: set[str] = set()
    for fusion in design.fusions if design else ():
        fused |= {fusion.gene5p, fusion.gene3p}
    molecules: list[Molecule] = []
    for model in genome.genes:
        copies = design.copies(model.name) if design else (1, 1)
        for h in (0, 1):
            if model.name in fused and h == FUSION_HAPLOTYPE:
                continue
            sequence = haplotype_sequence(model.sequence, by_contig.get(model.name, []), h)
            molecules.append(Molecule(f"{model.name}#{h + 1}", sequence, copies[h]))
    for fusion in design.fusions if design else ():
        molecules += _fusion_pieces(fusion, genome, by_contig)
    return tuple(molecules)


def normal_populations(genome: DemoGenome, design: TumourDesign) -> list[CellPopulation]:
    return [CellPopulation("normal", 1.0, cell_molecules(genome, design.germline))]


def tumour_populations(genome: DemoGenome, design: TumourDesign) -> list[CellPopulation]:
    """Normal cells plus nested subclones, each with the somatic variants of its fraction."""
    populations = [
        CellPopulation("normal", 1 - design.purity, cell_molecules(genome, design.germline))
    ]
    levels = sorted({v.cellular_fraction for v in design.somatic} | {1.0}, reverse=True)
    for k, level in enumerate(levels):
        below = levels[k + 1] if k + 1 < len(levels) else 0.0
        carried = [v.as_truth() for v in design.somatic if v.cellular_fraction >= level - 1e-9]
        cell = cell_molecules(genome, [*design.germline, *carried], design)
        populations.append(CellPopulation(f"clone{k + 1}", design.purity * (level - below), cell))
    return populations


# ---- writers and checks --------------------------------------------------------------------


def _format_float(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".")


def somatic_vcf_text(genome: DemoGenome, design: TumourDesign, reference: str) -> str:
    """The somatic truth as VCFv4.2 (one sample column, the tumour)."""
    lines = [
        "##fileformat=VCFv4.2",
        f"##source=tools.demo (synthetic somatic truth of {TUMOUR_SAMPLE}, seeded)",
        f"##reference={reference}",
    ]
    lines += [f"##contig=<ID={m.name},length={len(m.sequence)}>" for m in genome.genes]
    lines += [
        f"##demo_patient={PATIENT}",
        f"##demo_tumour={TUMOUR_SAMPLE};tumour_type={TUMOUR_TYPE};purity={design.purity}",
        f"##demo_normal={NORMAL_SAMPLE}",
        '##INFO=<ID=SOMATIC,Number=0,Type=Flag,Description="Somatic variant">',
        '##INFO=<ID=VAF,Number=1,Type=Float,Description="Expected tumour allele fraction: '
        "purity x cellular fraction x carrying copies / mean copies per cell "
        '(purity x CF / 2 in a diploid region)">',
        '##INFO=<ID=CF,Number=1,Type=Float,Description="Fraction of tumour cells carrying '
        'the variant">',
        '##INFO=<ID=DEMO_CLASS,Number=1,Type=String,Description="What was placed: driver, '
        "microsatellite, missense, synonymous, frameshift, inframe_deletion, intron, flank, "
        'utr5, utr3">',
        '##INFO=<ID=DEMO_NAME,Number=1,Type=String,Description="Designed driver: gene and '
        'coding change (GENE:c.)">',
        '##INFO=<ID=DEMO_PROTEIN,Number=1,Type=String,Description="Protein change of a '
        'designed driver (one-letter)">',
        '##INFO=<ID=DEMO_LOCUS,Number=1,Type=String,Description="Microsatellite '
        '(microsatellites.bed name) hit by the indel">',
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype (phased: the variant is on '
        'haplotype 1 or 2 of the patient germline truth)">',
        "\t".join(["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT"])
        + f"\t{TUMOUR_SAMPLE}",
    ]
    for v in design.somatic:
        info = [
            "SOMATIC",
            f"VAF={_format_float(design.expected_vaf(v))}",
            f"CF={_format_float(v.cellular_fraction)}",
            f"DEMO_CLASS={v.kind}",
        ]
        if v.name:
            info += [f"DEMO_NAME={v.name}", f"DEMO_PROTEIN={v.protein}"]
        if v.locus:
            info.append(f"DEMO_LOCUS={v.locus}")
        gt = "1|0" if v.haplotype == 0 else "0|1"
        fields = (v.contig, str(v.pos), ".", v.ref, v.alt, ".", "PASS", ";".join(info), "GT", gt)
        lines.append("\t".join(fields))
    return "\n".join(lines) + "\n"


def fusion_truth_text(design: TumourDesign) -> str:
    """`truth.fusions.tsv`: the designed fusions in the workflow's fusions TSV columns."""
    return fusions_tsv_text([f.row() for f in design.fusions], FUSION_TRUTH_COLUMNS)


def cna_tsv_text(genome: DemoGenome, design: TumourDesign) -> str:
    rows = ["\t".join(CNA_HEADER)]
    for model in genome.genes:
        copies = design.copy_number(model.name)
        call = "amplification" if copies > 2 else "deletion" if copies < 2 else "neutral"
        rows.append(f"{model.name}\t{call}\t{copies}")
    return "\n".join(rows) + "\n"


def check_design(genome: DemoGenome, design: TumourDesign, cds: Mapping[str, str]) -> list[str]:
    """Problems with the design (empty when it is what the module docstring promises)."""
    problems: list[str] = []
    germline = {(v.contig, v.pos) for v in design.germline}
    spans: dict[str, list[tuple[int, int]]] = {}
    for v in design.somatic:
        seq = genome.gene(v.contig).sequence
        if seq[v.pos - 1 : v.end] != v.ref:
            problems.append(f"somatic {v.contig}:{v.pos}: REF differs from the genome")
        if normalize(seq, v.pos, v.ref, v.alt) != (v.pos, v.ref, v.alt):
            problems.append(f"somatic {v.contig}:{v.pos}: not normalised")
        if (v.contig, v.pos) in germline:
            problems.append(f"somatic {v.contig}:{v.pos} is also germline")
        if not 0.05 - 1e-9 <= design.expected_vaf(v) <= 0.40:
            problems.append(f"somatic {v.contig}:{v.pos}: VAF {design.expected_vaf(v):.3f}")
        if abs(len(v.ref) - len(v.alt)) > MAX_INDEL:
            problems.append(f"somatic {v.contig}:{v.pos}: indel longer than {MAX_INDEL}")
        spans.setdefault(v.contig, []).append((v.pos, v.end))
    for v in design.germline:
        spans.setdefault(v.contig, []).append((v.pos, v.end))
    for contig, items in spans.items():
        items.sort()
        for a, b in pairwise(items):
            if b[0] - a[1] < MIN_SPACING:
                problems.append(f"{contig}: variants at {a[0]} and {b[0]} are too close")
    for fusion in design.fusions:
        if fusion.in_frame != "yes":
            problems.append(f"{fusion.gene5p}::{fusion.gene3p} is not in frame")
        model5, model3 = genome.gene(fusion.gene5p), genome.gene(fusion.gene3p)
        if junction_homology(model5, fusion.pos5p, model3, fusion.pos3p):
            problems.append(f"{fusion.gene5p}::{fusion.gene3p}: microhomology at the junction")
        protein = translate(fusion_cds(fusion, cds, genome))
        if "*" in protein[:-1] or protein[-1:] != "*":
            problems.append(f"{fusion.gene5p}::{fusion.gene3p}: stop codon inside the fusion")
    for driver in DRIVERS:
        model = genome.gene(driver.gene)
        snv = _SNV.fullmatch(driver.hgvsc)
        if snv:
            c = int(snv.group(1))
            codon_start = 3 * ((c - 1) // 3)
            codon = cds[driver.gene][codon_start : codon_start + 3]
            offset = (c - 1) % 3
            new = codon[:offset] + snv.group(3) + codon[offset + 1 :]
            change = f"p.{CODON_TABLE[codon]}{codon_start // 3 + 1}{CODON_TABLE[new]}"
            if change != driver.protein:
                problems.append(f"{model.name}:{driver.hgvsc} gives {change}")
    return problems
