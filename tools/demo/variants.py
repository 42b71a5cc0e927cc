"""Germline truth of the demo sample and the map of real PGx definition sites onto the demo.

The truth is a seeded random set of SNVs and indels, spread over every contig, plus a few
named variants placed at their real coding positions (BRCA2 c.5946delT, EGFR c.1562G>A,
CYP2C19 c.681G>A = *2) and the CYP2C19 site that separates *1 from the GRCh38-reference *38.
Random variants stay out of coding sequence (except a few designated missense/synonymous
SNVs), away from splice sites, microsatellites, PGx sites and clinically important codons.
Indels are left-aligned and trimmed (VCF normalisation).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from actionable.errors import InputFileError
from tools.demo.genome import CODON_TABLE, DemoGenome, GeneModel

SAMPLE = "DEMO_G1"
END_MARGIN = 250
MIN_SPACING = 40
SPLICE_MARGIN = 10
REPEAT_MARGIN = 25
PGX_MARGIN = 10
TRANSITIONS = {"A": "G", "G": "A", "C": "T", "T": "C"}
COMPLEMENT = {"A": "T", "C": "G", "G": "C", "T": "A"}
# (gene, kind) of the designated coding SNVs; the exons named in the spec are avoided.
EXONIC_SNVS: tuple[tuple[str, str], ...] = (
    ("GAPDH", "missense"),
    ("GAPDH", "missense"),
    ("GAPDH", "synonymous"),
    ("EML4", "missense"),
    ("EML4", "synonymous"),
    ("BCR", "missense"),
    ("BCR", "synonymous"),
    ("MET", "synonymous"),
    ("BRCA2", "synonymous"),
    ("EGFR", "synonymous"),
    ("ALK", "synonymous"),
)


@dataclass(frozen=True)
class PgxDefinition:
    """One definition position of a PharmCAT-style allele definition file."""

    gene: str
    chrom: str
    position: int
    ref: str
    alts: tuple[str, ...]
    rsid: str


@dataclass(frozen=True)
class PgxSite:
    """Where a GRCh38 definition position sits on the demo genome."""

    gene: str
    grch38_chrom: str
    grch38_pos: int
    ref: str
    demo_chrom: str
    demo_pos: int


@dataclass(frozen=True)
class TruthVariant:
    """One truth record; `genotype` holds the allele (0/1) on haplotype 1 and 2."""

    contig: str
    pos: int
    ref: str
    alt: str
    genotype: tuple[int, int]
    kind: str
    name: str = ""
    rsid: str = ""

    @property
    def is_snv(self) -> bool:
        return len(self.ref) == 1 and len(self.alt) == 1

    @property
    def end(self) -> int:
        return self.pos + len(self.ref) - 1


def read_pgx_definitions(path: Path) -> list[PgxDefinition]:
    """Definition positions of a PharmCAT `<GENE>.alleles.json` file, sorted by position."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputFileError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    except json.JSONDecodeError as exc:
        raise InputFileError(f"{path}: not valid JSON ({exc})") from exc
    try:
        gene = data["gene"]
        definitions = [
            PgxDefinition(
                gene,
                v["chromosome"],
                int(v["position"]),
                v["ref"],
                tuple(v.get("alts") or ()),
                v.get("rsid") or "",
            )
            for v in data["variants"]
        ]
    except (KeyError, TypeError, ValueError) as exc:
        raise InputFileError(f"{path}: unexpected allele-definition layout ({exc!r})") from exc
    return sorted(definitions, key=lambda d: d.position)


def _intronic_or_flank(model: GeneModel, margin: int = 15) -> np.ndarray:
    """Boolean mask (index = position - 1): outside exons (±margin), repeats and contig ends."""
    length = len(model.sequence)
    ok = np.ones(length, dtype=bool)
    ok[:END_MARGIN] = False
    ok[length - END_MARGIN :] = False
    for start, end in model.transcript.exons:
        ok[max(0, start - 1 - margin) : end + margin] = False
    for repeat in model.microsatellites + model.indel_repeats:
        ok[max(0, repeat.start - 1 - REPEAT_MARGIN) : repeat.end + REPEAT_MARGIN] = False
    return ok


def place_pgx_sites(
    model: GeneModel, definitions: Sequence[PgxDefinition], anchors: Mapping[int, int]
) -> list[PgxSite]:
    """Put every definition position on the gene's contig, keeping the GRCh38 order.

    `anchors` maps GRCh38 positions to demo positions chosen for their meaning (a real
    coding/promoter site); their demo bases must already equal the GRCh38 reference. The other
    positions are spread evenly over intron/flank positions between the anchors, and the demo
    reference there is set to the GRCh38 reference allele.
    """
    sites: dict[int, int] = {}
    for definition in definitions:
        if definition.position in anchors:
            pos = anchors[definition.position]
            demo = model.sequence[pos - 1 : pos - 1 + len(definition.ref)]
            if demo != definition.ref:
                raise ValueError(
                    f"{model.name}:{pos} is {demo}, not {definition.ref} as GRCh38 "
                    f"{definition.chrom}:{definition.position}"
                )
            sites[definition.position] = pos
    anchor_list = sorted(anchors.items())
    if [d for _, d in anchor_list] != sorted(d for _, d in anchor_list):
        raise ValueError(f"{model.name}: anchors are not in GRCh38 order on the demo contig")
    allowed = _intronic_or_flank(model)
    for _, demo_pos in anchor_list:
        allowed[max(0, demo_pos - 1 - PGX_MARGIN) : demo_pos + PGX_MARGIN] = False
    bounds = [0, *(d for _, d in anchor_list), len(model.sequence) + 1]
    grch_bounds = [0, *(g for g, _ in anchor_list), 10**12]
    for k in range(len(bounds) - 1):
        group = [
            d
            for d in definitions
            if grch_bounds[k] < d.position < grch_bounds[k + 1] and d.position not in anchors
        ]
        if not group:
            continue
        low, high = bounds[k], bounds[k + 1]
        candidates = [p for p in range(low + 1, high) if allowed[p - 1]]
        if len(candidates) < 4 * len(group):
            raise ValueError(f"{model.name}: no room for {len(group)} PGx sites in {low}-{high}")
        for i, definition in enumerate(group):
            index = round((i + 1) * len(candidates) / (len(group) + 1))
            pos = candidates[index]
            while not allowed[pos - 1 : pos - 1 + len(definition.ref)].all():
                index += 1
                pos = candidates[index]
            sites[definition.position] = pos
            allowed[max(0, pos - 1 - PGX_MARGIN) : pos + PGX_MARGIN] = False
            model.set_bases(pos, definition.ref)
    return [
        PgxSite(d.gene, d.chrom, d.position, d.ref, model.name, sites[d.position])
        for d in definitions
    ]


def normalize(sequence: str, pos: int, ref: str, alt: str) -> tuple[int, str, str]:
    """Left-align and trim a variant against `sequence` (1-based `pos`), like bcftools norm."""
    changed = True
    while changed:
        changed = False
        if ref and alt and ref[-1] == alt[-1] and (len(ref) > 1 or len(alt) > 1):
            ref, alt = ref[:-1], alt[:-1]
            changed = True
        if not ref or not alt:
            pos -= 1
            base = sequence[pos - 1]
            ref, alt = base + ref, base + alt
            changed = True
    while len(ref) > 1 and len(alt) > 1 and ref[0] == alt[0]:
        ref, alt = ref[1:], alt[1:]
        pos += 1
    return pos, ref, alt


class _Placement:
    """Where random variants may go on one contig, and which spans are already taken."""

    def __init__(self, model: GeneModel, pgx_positions: Sequence[int]) -> None:
        self.model = model
        length = len(model.sequence)
        ok = np.ones(length, dtype=bool)
        ok[:END_MARGIN] = False
        ok[length - END_MARGIN :] = False
        for start, end in model.transcript.coding_intervals():
            ok[start - 1 : end] = False
        exons = sorted(model.transcript.exons)
        for i, (start, end) in enumerate(exons):
            if i > 0:  # acceptor side
                ok[max(0, start - 1 - SPLICE_MARGIN) : start - 1 + SPLICE_MARGIN] = False
            if i < len(exons) - 1:  # donor side
                ok[end - SPLICE_MARGIN : end + SPLICE_MARGIN] = False
        for repeat in model.microsatellites + model.indel_repeats:
            ok[max(0, repeat.start - 1 - REPEAT_MARGIN) : repeat.end + REPEAT_MARGIN] = False
        for pos in pgx_positions:
            ok[max(0, pos - 1 - PGX_MARGIN) : pos + PGX_MARGIN] = False
        for pos in model.protected:
            ok[pos - 1] = False
        self.allowed = ok
        self.taken: list[tuple[int, int]] = []

    def free(self, start: int, end: int, check_allowed: bool = True) -> bool:
        if start < 1 or end > len(self.model.sequence):
            return False
        if check_allowed and not self.allowed[start - 1 : end + 1].all():
            return False
        return all(end + MIN_SPACING <= s or e + MIN_SPACING <= start for s, e in self.taken)

    def take(self, start: int, end: int) -> None:
        self.taken.append((start, end))


def _random_genotype(rng: np.random.Generator, het_fraction: float) -> tuple[int, int]:
    if rng.random() < het_fraction:
        return (0, 1) if rng.random() < 0.5 else (1, 0)
    return (1, 1)


def _region_kind(model: GeneModel, pos: int) -> str:
    transcript = model.transcript
    if transcript.coding_position(pos) is not None:
        return "coding"
    if transcript.exon_number(pos) is not None:
        five, _ = model.utr_intervals()
        return "utr5" if any(s <= pos <= e for s, e in five) else "utr3"
    low, high = model.span
    return "intron" if low <= pos <= high else "flank"


def _exonic_snv(
    model: GeneModel, kind: str, rng: np.random.Generator, placement: _Placement
) -> tuple[int, str, str, str]:
    """A coding SNV of the given kind away from named exons and protected codons."""
    spec, transcript, seq = model.spec, model.transcript, model.sequence
    avoid_exons = set(spec.exon_anchors)
    for _attempt in range(1000):
        codon_number = int(rng.integers(2, spec.protein_length))
        c_first = 3 * codon_number - 2
        genomic = [transcript.genomic_position(c) for c in range(c_first, c_first + 3)]
        ranks = {transcript.exon_number(g) for g in genomic}
        if len(ranks) != 1 or ranks & avoid_exons:
            continue
        rank = ranks.pop()
        assert rank is not None
        exon = transcript.exons[rank - 1]
        if min(genomic) - exon[0] < 12 or exon[1] - max(genomic) < 12:
            continue
        if any(g in model.protected for g in genomic):
            continue
        codon = "".join(seq[g - 1] for g in genomic)
        if transcript.strand == "-":
            codon = "".join(COMPLEMENT[b] for b in codon)
        offset = int(rng.integers(3))
        alt_base = "ACGT"[int(rng.integers(4))]
        if alt_base == codon[offset]:
            continue
        new = codon[:offset] + alt_base + codon[offset + 1 :]
        old_aa, new_aa = CODON_TABLE[codon], CODON_TABLE[new]
        if new_aa == "*" or (kind == "synonymous") != (new_aa == old_aa):
            continue
        pos = genomic[offset]
        if not placement.free(pos, pos, check_allowed=False):
            continue
        alt = alt_base if transcript.strand == "+" else COMPLEMENT[alt_base]
        name = f"{spec.name}:c.{c_first + offset}{codon[offset]}>{alt_base}"
        return pos, seq[pos - 1], alt, name
    raise ValueError(f"{spec.name}: no place found for a {kind} SNV")


def _random_insert(rng: np.random.Generator, length: int) -> str:
    while True:
        text = "".join("ACGT"[i] for i in rng.integers(4, size=length))
        if length < 3 or len(set(text)) > 1:
            return text


def make_truth(
    genome: DemoGenome,
    pgx_sites: Sequence[PgxSite],
    seed: int,
    n_snvs: int = 172,
    n_indels: int = 52,
    het_fraction: float = 0.6,
) -> list[TruthVariant]:
    """The germline truth of DEMO_G1 (see the module docstring), sorted like the FASTA."""
    rng = np.random.default_rng([seed, 7])
    pgx_by_contig: dict[str, list[int]] = {}
    for site in pgx_sites:
        pgx_by_contig.setdefault(site.demo_chrom, []).append(site.demo_pos)
    placements = {
        model.name: _Placement(model, pgx_by_contig.get(model.name, [])) for model in genome.genes
    }
    variants: list[TruthVariant] = []

    def add(
        model: GeneModel,
        pos: int,
        ref: str,
        alt: str,
        gt: tuple[int, int],
        kind: str,
        name: str = "",
        rsid: str = "",
    ) -> None:
        pos, ref, alt = normalize(model.sequence, pos, ref, alt)
        placements[model.name].take(pos, pos + len(ref) - 1)
        variants.append(TruthVariant(model.name, pos, ref, alt, gt, kind, name, rsid))

    # 1. named variants at their real coding positions
    brca2 = genome.gene("BRCA2")
    g = brca2.transcript.genomic_position(5946)
    assert brca2.sequence[g - 1] == "T"
    deletion = brca2.sequence[g - 2 : g]
    add(brca2, g - 1, deletion, deletion[0], (0, 1), "named", "BRCA2:c.5946delT")
    egfr = genome.gene("EGFR")
    g = egfr.transcript.genomic_position(1562)
    assert egfr.sequence[g - 1] == "G"
    add(egfr, g, "G", "A", (1, 0), "named", "EGFR:c.1562G>A")
    cyp = genome.gene("CYP2C19")
    sites = {site.grch38_pos: site for site in pgx_sites if site.gene == "CYP2C19"}
    star2 = sites[94781859]
    assert star2.demo_pos == cyp.transcript.genomic_position(681)
    add(cyp, star2.demo_pos, "G", "A", (0, 1), "named", "CYP2C19:c.681G>A", "rs4244285")
    # *2 is defined by c.681A together with rs12769205 (GRCh38 94775367 A>G), in cis
    cis = sites[94775367]
    add(cyp, cis.demo_pos, "A", "G", (0, 1), "named", "CYP2C19:rs12769205", "rs12769205")
    star1 = sites[94842866]
    add(cyp, star1.demo_pos, "A", "G", (1, 1), "named", "CYP2C19:rs3758581", "rs3758581")

    # 2. designated coding SNVs
    for gene, kind in EXONIC_SNVS:
        model = genome.gene(gene)
        pos, ref, alt, name = _exonic_snv(model, kind, rng, placements[gene])
        add(model, pos, ref, alt, _random_genotype(rng, het_fraction), kind, name)

    # 3. one-unit indels in the short tandem repeats built for them
    for model in genome.genes:
        for repeat in model.indel_repeats:
            seq = model.sequence
            anchor = seq[repeat.start - 2]
            units = 1 if rng.random() < 0.75 else 2
            if rng.random() < 0.5:
                ref = anchor + repeat.unit * units
                alt = anchor
            else:
                ref, alt = anchor, anchor + repeat.unit * units
            gt = _random_genotype(rng, het_fraction)
            add(model, repeat.start - 1, ref, alt, gt, "repeat_indel", repeat.name)

    # 4. random SNVs and indels outside coding sequence, spread by contig length
    n_snv_left = n_snvs - sum(v.is_snv for v in variants)
    n_indel_left = n_indels - sum(not v.is_snv for v in variants)
    total = sum(len(m.sequence) for m in genome.genes)
    for model in genome.genes:
        share = len(model.sequence) / total
        want_snv = max(5, round(n_snv_left * share))
        want_indel = max(2, round(n_indel_left * share))
        placement = placements[model.name]
        seq = model.sequence
        allowed_positions = np.flatnonzero(placement.allowed) + 1
        made_snv = made_indel = 0
        attempts = 0
        while made_snv < want_snv or made_indel < want_indel:
            attempts += 1
            if attempts > 20000:
                raise ValueError(f"{model.name}: cannot place the random variants")
            pos = int(allowed_positions[int(rng.integers(len(allowed_positions)))])
            gt = _random_genotype(rng, het_fraction)
            if made_snv < want_snv and (made_indel >= want_indel or rng.random() < 0.78):
                if not placement.free(pos, pos):
                    continue
                ref = seq[pos - 1]
                if rng.random() < 2 / 3:
                    alt = TRANSITIONS[ref]
                else:
                    alt = "ACGT"[int(rng.integers(4))]
                    if alt in (ref, TRANSITIONS[ref]):
                        continue
                add(model, pos, ref, alt, gt, _region_kind(model, pos))
                made_snv += 1
                continue
            size = int(rng.choice(np.arange(1, 13), p=_indel_size_weights()))
            if rng.random() < 0.5:
                ref, alt = seq[pos - 1 : pos + size], seq[pos - 1]
            else:
                ref, alt = seq[pos - 1], seq[pos - 1] + _random_insert(rng, size)
            npos, nref, nalt = normalize(seq, pos, ref, alt)
            if not placement.free(npos, npos + len(nref)):
                continue
            add(model, npos, nref, nalt, gt, _region_kind(model, npos))
            made_indel += 1
    order = {model.name: i for i, model in enumerate(genome.genes)}
    return sorted(variants, key=lambda v: (order[v.contig], v.pos))


def _indel_size_weights() -> np.ndarray:
    weights = np.array([1 / size for size in range(1, 13)])
    return weights / weights.sum()


def vcf_text(
    genome: DemoGenome,
    variants: Sequence[TruthVariant],
    reference: str,
    sample: str = SAMPLE,
    description: str = "synthetic germline truth, seeded",
) -> str:
    """The truth as VCFv4.2 text (phased GT, one sample)."""
    lines = [
        "##fileformat=VCFv4.2",
        f"##source=tools.demo ({description})",
        f"##reference={reference}",
    ]
    lines += [f"##contig=<ID={m.name},length={len(m.sequence)}>" for m in genome.genes]
    lines += [
        '##INFO=<ID=DEMO_CLASS,Number=1,Type=String,Description="Where the truth variant was '
        'placed: named, missense, synonymous, repeat_indel, intron, flank, utr5, utr3">',
        '##INFO=<ID=DEMO_NAME,Number=1,Type=String,Description="Name of a designed variant '
        '(transcript coordinate or repeat)">',
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype (phased: haplotype 1|2 of '
        'the simulated reads)">',
        "\t".join(["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT"])
        + f"\t{sample}",
    ]
    for v in variants:
        info = f"DEMO_CLASS={v.kind}"
        if v.name:
            info += f";DEMO_NAME={v.name}"
        gt = f"{v.genotype[0]}|{v.genotype[1]}"
        fields = (v.contig, str(v.pos), v.rsid or ".", v.ref, v.alt, ".", "PASS", info, "GT", gt)
        lines.append("\t".join(fields))
    return "\n".join(lines) + "\n"


def write_pgx_sites(sites: Sequence[PgxSite], path: Path) -> None:
    header = ("gene", "grch38_chrom", "grch38_pos", "ref", "demo_chrom", "demo_pos")
    with path.open("w", encoding="ascii", newline="\n") as handle:
        handle.write("\t".join(header) + "\n")
        for s in sorted(sites, key=lambda s: (s.gene, s.grch38_pos)):
            row = (s.gene, s.grch38_chrom, str(s.grch38_pos), s.ref, s.demo_chrom, str(s.demo_pos))
            handle.write("\t".join(row) + "\n")


def haplotype_sequence(reference: str, variants: Sequence[TruthVariant], haplotype: int) -> str:
    """Apply the alleles carried by `haplotype` (0 or 1) to a contig sequence."""
    pieces: list[str] = []
    cursor = 0
    for v in sorted(variants, key=lambda v: v.pos):
        if v.genotype[haplotype] != 1:
            continue
        start = v.pos - 1
        if start < cursor:
            raise ValueError(f"{v.contig}:{v.pos}: overlaps the previous variant")
        if reference[start : start + len(v.ref)] != v.ref:
            raise ValueError(f"{v.contig}:{v.pos}: REF {v.ref} does not match the reference")
        pieces.append(reference[cursor:start])
        pieces.append(v.alt)
        cursor = start + len(v.ref)
    pieces.append(reference[cursor:])
    return "".join(pieces)
