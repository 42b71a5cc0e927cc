"""Building the demo contigs and their gene models, and writing FASTA, GTF and BED files.

Each gene is built on the plus strand, left to right: 5' flank, exons (UTR parts, coding
parts) and introns (GT...AG), 3' flank. Random bases avoid homopolymers longer than 6 and
other short tandem repeats, so the only long repeats are the designed ones (microsatellites
for MSI, short repeats that carry germline indels). A minus-strand gene is then turned round:
the whole contig is reverse-complemented and every coordinate converted.
"""

from __future__ import annotations

import itertools
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from actionable.calling.gtf import Interval, Transcript, reverse_complement
from tools.demo.genes import HOTSPOT_CODONS, GeneSpec

BASES = "ACGT"
STOP_CODONS = frozenset({"TAA", "TAG", "TGA"})
CODON_TABLE: dict[str, str] = {}
for _i, _aa in enumerate("FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"):
    CODON_TABLE["TCAG"[_i // 16] + "TCAG"[(_i // 4) % 4] + "TCAG"[_i % 4]] = _aa
SENSE_CODONS: tuple[str, ...] = tuple(sorted(c for c, aa in CODON_TABLE.items() if aa != "*"))
SYNONYMS: dict[str, tuple[str, ...]] = {}
for _codon in SENSE_CODONS:
    SYNONYMS.setdefault(CODON_TABLE[_codon], ())
    SYNONYMS[CODON_TABLE[_codon]] += (_codon,)

# Longest run allowed in random sequence for a repeat period of 1, 2, 3, 4 bases.
MAX_RANDOM_RUN = {1: 6, 2: 9, 3: 11, 4: 13}
# Longest run tolerated anywhere outside the designed repeats (junctions of random parts).
MAX_ACCIDENTAL_RUN = {1: 8, 2: 11, 3: 13, 4: 15}
NONCODING_GC = 0.42
INTRON_LENGTHS = (150, 400)
MICROSATELLITE_KINDS: tuple[tuple[str, int, int], ...] = (
    ("A", 10, 16),
    ("CA", 12, 20),
    ("T", 10, 16),
    ("AT", 10, 15),
    ("AAAG", 6, 10),
)
INDEL_REPEAT_KINDS: tuple[tuple[str, int, int], ...] = (
    ("A", 7, 9),
    ("TG", 6, 7),
    ("T", 7, 9),
    ("AG", 6, 7),
    ("C", 6, 7),
)


def translate(cds: str) -> str:
    """Protein of a CDS (complete codons only), `*` for stops."""
    return "".join(CODON_TABLE.get(cds[i : i + 3], "X") for i in range(0, len(cds) - 2, 3))


def periodic_suffix_length(sequence: str, period: int, limit: int = 64) -> int:
    """Length of the longest suffix of `sequence` that repeats with the given period."""
    n = len(sequence)
    if n <= period:
        return n
    length = period
    stop = max(0, n - limit)
    i = n - period - 1
    while i >= stop and sequence[i] == sequence[i + period]:
        length += 1
        i -= 1
    return length


def longest_runs(
    sequence: str, periods: Iterable[int] = (1, 2, 3, 4), skip: Sequence[Interval] = ()
) -> dict[int, tuple[int, int]]:
    """Longest periodic stretch per period: period -> (length, 1-based start), `skip` masked."""
    masked = list(sequence)
    for start, end in skip:
        for i in range(start - 1, end):
            masked[i] = "N"
    text = "".join(masked)
    best: dict[int, tuple[int, int]] = {}
    for period in periods:
        best_len, best_start, run = 0, 0, 0
        for i in range(period, len(text)):
            if text[i] != "N" and text[i] == text[i - period]:
                run += 1
                if run + period > best_len:
                    best_len, best_start = run + period, i - run - period + 2
            else:
                run = 0
        best[period] = (best_len, best_start)
    return best


@dataclass(frozen=True)
class Repeat:
    """A designed tandem repeat on a contig (1-based inclusive, unit on the contig strand)."""

    contig: str
    start: int
    end: int
    unit: str
    copies: int
    name: str


@dataclass
class GeneModel:
    """A built demo gene: its contig sequence, transcript and designed features."""

    spec: GeneSpec
    sequence: str
    transcript: Transcript
    microsatellites: list[Repeat] = field(default_factory=list)
    indel_repeats: list[Repeat] = field(default_factory=list)
    protected: set[int] = field(default_factory=set)

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def span(self) -> Interval:
        starts = [s for s, _ in self.transcript.exons]
        ends = [e for _, e in self.transcript.exons]
        return min(starts), max(ends)

    def coding_set(self) -> set[int]:
        return {p for s, e in self.transcript.coding_intervals() for p in range(s, e + 1)}

    def exon_set(self) -> set[int]:
        return {p for s, e in self.transcript.exons for p in range(s, e + 1)}

    def set_bases(self, position: int, bases: str) -> None:
        """Overwrite reference bases from a 1-based position (non-coding sites only)."""
        coding = self.coding_set()
        if any(p in coding for p in range(position, position + len(bases))):
            raise ValueError(f"{self.name}:{position} is coding; refusing to change it")
        i = position - 1
        self.sequence = self.sequence[:i] + bases + self.sequence[i + len(bases) :]

    def utr_intervals(self) -> tuple[list[Interval], list[Interval]]:
        """(5'UTR, 3'UTR) exon parts in transcript order."""
        coding = self.transcript.coding_intervals()
        lo = min(s for s, _ in coding)
        hi = max(e for _, e in coding)
        five: list[Interval] = []
        three: list[Interval] = []
        for start, end in self.transcript.exons:
            for part in _subtract((start, end), (lo, hi)):
                before = part[1] < lo
                if self.transcript.strand == "-":
                    before = part[0] > hi
                (five if before else three).append(part)
        return five, three


def _subtract(interval: Interval, cut: Interval) -> list[Interval]:
    start, end = interval
    parts = []
    if start < cut[0]:
        parts.append((start, min(end, cut[0] - 1)))
    if end > cut[1]:
        parts.append((max(start, cut[1] + 1), end))
    return parts


class _Builder:
    """Appends sequence left to right, keeping random parts free of accidental repeats."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.parts: list[str] = []
        self.length = 0
        self._tail = ""

    def _push(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)
        self._tail = (self._tail + text)[-80:]

    def random(self, n: int, gc: float = NONCODING_GC) -> None:
        weights = np.array([(1 - gc) / 2, gc / 2, gc / 2, (1 - gc) / 2])
        draws = self.rng.choice(4, size=n * 3 + 16, p=weights)
        k = 0
        out: list[str] = []
        tail = self._tail
        while len(out) < n:
            base = BASES[draws[k % len(draws)]]
            k += 1
            if k > len(draws):  # pathological context: take any base that fits
                base = BASES[int(self.rng.integers(4))]
            candidate = tail + base
            if all(
                periodic_suffix_length(candidate, p, limit + 2) <= limit
                for p, limit in MAX_RANDOM_RUN.items()
            ):
                out.append(base)
                tail = candidate[-80:]
        self._push("".join(out))

    def fixed(self, text: str) -> None:
        self._push(text)

    def element(self, unit: str, copies: int) -> tuple[int, int]:
        """A tandem repeat; the base before it is changed if it would lengthen the repeat."""
        text = unit * copies
        last_part = self.parts[-1] if self.parts else ""
        if last_part and (last_part[-1] == unit[-1]):
            choices = [b for b in BASES if b != unit[-1] and b != unit[0]]
            replacement = choices[int(self.rng.integers(len(choices)))]
            self.parts[-1] = last_part[:-1] + replacement
            self._tail = self._tail[:-1] + replacement
        start = self.length + 1
        self._push(text)
        return start, self.length

    @property
    def sequence(self) -> str:
        return "".join(self.parts)


def _gene_rng(seed: int, name: str) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(name.encode())])


def coding_exon_bounds(spec: GeneSpec, rng: np.random.Generator) -> list[Interval]:
    """(c.first, c.last) of the coding part of each coding exon, in exon order."""
    protected_codons = set(spec.fixed_codons) | set(spec.fixed_residues)
    protected_codons |= set(HOTSPOT_CODONS.get(spec.name, ()))
    bounds: dict[int, Interval] = {}
    pending: list[int] = []
    cursor = 1
    exons = range(spec.first_coding_exon, spec.n_exons + 1)

    def fill(numbers: list[int], first: int, last: int) -> None:
        total = last - first + 1
        if not numbers:
            if total > 0:
                raise ValueError(f"{spec.name}: anchored exons leave c.{first}-{last} uncovered")
            return
        if total < 40 * len(numbers):
            raise ValueError(f"{spec.name}: c.{first}-{last} too short for {len(numbers)} exons")
        weights = rng.uniform(0.6, 1.4, size=len(numbers))
        sizes = np.maximum(40, np.floor(weights / weights.sum() * total)).astype(int)
        sizes[-1] = total - sizes[:-1].sum()
        ends = list(np.cumsum(sizes) + first - 1)
        for i in range(len(ends) - 1):
            end = int(ends[i])
            # no boundary inside or right beside a protected codon: move it downstream
            while (end + 2) // 3 in protected_codons or (end + 3) // 3 in protected_codons:
                end += 1
            ends[i] = end
        start = first
        for number, end in zip(numbers, ends, strict=True):
            if end - start + 1 < 30:
                raise ValueError(f"{spec.name}: exon {number} would be too short")
            bounds[number] = (start, int(end))
            start = int(end) + 1

    for number in exons:
        if number in spec.exon_anchors:
            first, last = spec.exon_anchors[number]
            fill(pending, cursor, first - 1)
            bounds[number] = (first, last)
            cursor = last + 1
            pending = []
        else:
            pending.append(number)
    fill(pending, cursor, spec.cds_length)
    result = [bounds[n] for n in exons]
    if result[-1][1] != spec.cds_length:
        raise ValueError(f"{spec.name}: the last exon must end with the stop codon")
    return result


def coding_sequence(spec: GeneSpec, rng: np.random.Generator) -> str:
    """ATG + random sense codons (real codons/residues where fixed) + a stop codon."""
    codons: list[str] = []
    text = ""
    for number in range(1, spec.protein_length + 1):
        if number in spec.fixed_codons:
            codon = spec.fixed_codons[number]
        elif number == 1:
            codon = "ATG"
        else:
            pool = SYNONYMS[spec.fixed_residues[number]] if number in spec.fixed_residues else None
            choices = pool or SENSE_CODONS
            for _attempt in range(30):
                codon = choices[int(rng.integers(len(choices)))]
                candidate = text[-40:] + codon
                if all(
                    periodic_suffix_length(candidate, p, limit + 2) <= limit
                    for p, limit in MAX_RANDOM_RUN.items()
                ):
                    break
        codons.append(codon)
        text += codon
    stop = ("TAA", "TAG", "TGA")[int(rng.integers(3))]
    return text + stop


def _element_plan(
    spec: GeneSpec,
    gene_index: int,
    n_introns: int,
    intron_lengths: list[int],
    rng: np.random.Generator,
) -> dict[str, list[tuple[str, str, int]]]:
    """Which slot ('flank5', 'flank3', 'intron<N>') hosts which designed repeats."""
    plan: dict[str, list[tuple[str, str, int]]] = {}
    slots = [f"intron{i}" for i in range(1, n_introns + 1) if intron_lengths[i - 1] >= 220]
    slots += ["flank3"] if spec.upstream_bases else ["flank5", "flank3"]
    wanted = spec.microsatellites + spec.indel_repeats
    order = list(rng.permutation(len(slots)))
    chosen = [slots[i] for i in order[:wanted]]
    while len(chosen) < wanted:  # more elements than slots: reuse flanks
        chosen.append(("flank5", "flank3")[len(chosen) % 2])
    for k in range(spec.microsatellites):
        unit, low, high = MICROSATELLITE_KINDS[(gene_index + k) % len(MICROSATELLITE_KINDS)]
        copies = int(rng.integers(low, high + 1))
        plan.setdefault(chosen[k], []).append(("ms", unit, copies))
    for k in range(spec.indel_repeats):
        unit, low, high = INDEL_REPEAT_KINDS[(gene_index + k) % len(INDEL_REPEAT_KINDS)]
        copies = int(rng.integers(low, high + 1))
        plan.setdefault(chosen[spec.microsatellites + k], []).append(("ir", unit, copies))
    return plan


def build_gene(spec: GeneSpec, seed: int, gene_index: int) -> GeneModel:
    """Build one contig and its gene model (see the module docstring)."""
    rng = _gene_rng(seed, spec.name)
    bounds = coding_exon_bounds(spec, rng)
    cds = coding_sequence(spec, rng)
    n_introns = spec.n_exons - 1
    intron_lengths = [
        spec.long_introns.get(i, int(rng.integers(INTRON_LENGTHS[0], INTRON_LENGTHS[1] + 1)))
        for i in range(1, n_introns + 1)
    ]
    utr5 = int(rng.integers(50, 151))
    utr5_second = int(rng.integers(10, 31))
    utr3 = int(rng.integers(80, 151))
    plan = _element_plan(spec, gene_index, n_introns, intron_lengths, rng)

    builder = _Builder(rng)
    elements: list[tuple[str, int, int, str, int]] = []  # kind, start, end, unit, copies

    def region(
        slot: str,
        length: int,
        prefix: str = "",
        suffix: str = "",
        margins: tuple[int, int] = (40, 40),
    ) -> None:
        """Random region of `length` bp (prefix/suffix included) hosting planned elements."""
        items = plan.get(slot, [])
        free = length - len(prefix) - len(suffix)
        free -= sum(len(unit) * copies for _, unit, copies in items)
        gaps = [free]
        if items:
            low, high = margins[0], free - margins[1]
            if high - low < 60 * len(items):
                raise ValueError(f"{spec.name}: {slot} is too short for its repeats")
            cuts = sorted(int(x) for x in rng.choice(high - low, size=len(items), replace=False))
            cuts = [low + x for x in cuts]
            if any(b - a < 40 for a, b in itertools.pairwise(cuts)):
                step = (high - low) // (len(items) + 1)
                cuts = [low + step * (k + 1) for k in range(len(items))]
            gaps = np.diff([0, *cuts, free]).tolist()
        if prefix:
            builder.fixed(prefix)
        for gap, (kind, unit, copies) in zip(gaps, items, strict=False):
            builder.random(int(gap))
            start, end = builder.element(unit, copies)
            elements.append((kind, start, end, unit, copies))
        builder.random(int(gaps[-1]))
        if suffix:
            builder.fixed(suffix)

    region("flank5", spec.flank5, margins=(350, 80))
    exons: list[Interval] = []
    coding: list[Interval] = []
    coding_index = 0
    for number in range(1, spec.n_exons + 1):
        start = builder.length + 1
        if number == 1:
            builder.random(utr5 + 60 if spec.first_exon_noncoding else utr5)
        elif number == spec.first_coding_exon:
            builder.random(utr5_second)
        if number >= spec.first_coding_exon:
            first, last = bounds[coding_index]
            coding_index += 1
            coding.append((builder.length + 1, builder.length + last - first + 1))
            builder.fixed(cds[first - 1 : last])
        if number == spec.n_exons:
            builder.random(utr3)
        exons.append((start, builder.length))
        if number < spec.n_exons:
            region(f"intron{number}", intron_lengths[number - 1], prefix="GT", suffix="AG")
    region("flank3", spec.flank3, margins=(80, 350))

    sequence = builder.sequence
    atg = coding[0][0]
    for offset, base in spec.upstream_bases.items():
        if spec.first_exon_noncoding:
            raise ValueError(f"{spec.name}: c.-N bases need a coding first exon")
        i = atg - offset - 1
        sequence = sequence[:i] + base + sequence[i + 1 :]

    length = len(sequence)
    if spec.strand == "-":
        sequence = reverse_complement(sequence)

        def flip(interval: Interval) -> Interval:
            return length - interval[1] + 1, length - interval[0] + 1

        exons = [flip(e) for e in exons]
        coding = [flip(c) for c in coding]
        elements = [
            (kind, *flip((s, e)), _revcomp_unit(unit, copies), copies)
            for kind, s, e, unit, copies in elements
        ]

    transcript = _transcript(spec, exons, coding)
    model = GeneModel(spec=spec, sequence=sequence, transcript=transcript)
    ms_index = ir_index = 0
    for kind, s, e, unit, copies in sorted(elements, key=lambda x: x[1]):
        if kind == "ms":
            ms_index += 1
            name = f"{spec.name}_MS{ms_index:02d}_{unit}x{copies}"
            model.microsatellites.append(Repeat(spec.name, s, e, unit, copies, name))
        else:
            ir_index += 1
            name = f"{spec.name}_STR{ir_index:02d}_{unit}x{copies}"
            model.indel_repeats.append(Repeat(spec.name, s, e, unit, copies, name))
    codons = set(spec.fixed_codons) | set(spec.fixed_residues)
    codons |= set(HOTSPOT_CODONS.get(spec.name, ()))
    for codon in codons:
        for c in range(3 * codon - 2, 3 * codon + 1):
            model.protected.add(transcript.genomic_position(c))
    return model


def _revcomp_unit(unit: str, copies: int) -> str:
    """Unit of the reverse-complemented repeat, phased from its (new) left end."""
    return reverse_complement(unit * copies)[: len(unit)]


def _take(intervals: list[Interval], n: int, strand: str, from_end: bool) -> list[Interval]:
    """First (or last) n bases of transcript-ordered intervals, as intervals."""
    ordered = intervals[::-1] if from_end else intervals
    taken: list[Interval] = []
    for start, end in ordered:
        if n <= 0:
            break
        size = min(n, end - start + 1)
        five_prime_low = (strand == "+") != from_end
        piece = (start, start + size - 1) if five_prime_low else (end - size + 1, end)
        taken.append(piece)
        n -= size
    return taken[::-1] if from_end else taken


def _transcript(spec: GeneSpec, exons: list[Interval], coding: list[Interval]) -> Transcript:
    """Transcript record with GTF-style CDS (stop codon excluded) and codon features."""
    strand = spec.strand
    stop = _take(coding, 3, strand, from_end=True)
    total = sum(e - s + 1 for s, e in coding)
    cds = _take(coding, total - 3, strand, from_end=False)
    start_codon = _take(coding, 3, strand, from_end=False)
    return Transcript(
        transcript_id=spec.transcript_id,
        gene_name=spec.name,
        gene_id=spec.name,
        contig=spec.name,
        strand=strand,
        exons=exons,
        cds=cds,
        start_codon=start_codon,
        stop_codon=stop,
    )


@dataclass
class DemoGenome:
    """All demo genes, in FASTA order."""

    genes: list[GeneModel]

    def gene(self, name: str) -> GeneModel:
        for model in self.genes:
            if model.name == name:
                return model
        raise KeyError(name)

    @property
    def sequences(self) -> dict[str, str]:
        return {model.name: model.sequence for model in self.genes}


def build_genome(specs: Sequence[GeneSpec], seed: int) -> DemoGenome:
    return DemoGenome([build_gene(spec, seed, index) for index, spec in enumerate(specs)])


# ---------------------------------------------------------------------------------------------
# checks


def check_gene(model: GeneModel) -> list[str]:
    """Problems with a built gene (empty when it is what its spec says)."""
    spec, transcript, seq = model.spec, model.transcript, model.sequence
    problems: list[str] = []
    cds = _cds_from(seq, transcript)
    protein = translate(cds)
    if len(cds) != spec.cds_length:
        problems.append(f"{spec.name}: CDS length {len(cds)} != {spec.cds_length}")
    if not cds.startswith("ATG"):
        problems.append(f"{spec.name}: CDS does not start with ATG")
    if protein[-1:] != "*" or "*" in protein[:-1]:
        problems.append(f"{spec.name}: stop codon missing or internal stop")
    if len(protein) - 1 != spec.protein_length:
        problems.append(f"{spec.name}: protein length {len(protein) - 1}")
    for number, codon in spec.fixed_codons.items():
        if cds[3 * number - 3 : 3 * number] != codon:
            problems.append(f"{spec.name}: codon {number} is not {codon}")
    for number, residue in spec.fixed_residues.items():
        if number not in spec.fixed_codons and protein[number - 1] != residue:
            problems.append(f"{spec.name}: residue {number} is not {residue}")
    for number, (first, last) in spec.exon_anchors.items():
        for c in (first, last):
            if transcript.exon_number(transcript.genomic_position(c)) != number:
                problems.append(f"{spec.name}: c.{c} not in exon {number}")
        if number not in (spec.first_coding_exon, spec.n_exons):  # no UTR part: exact bounds
            ends = {transcript.genomic_position(first), transcript.genomic_position(last)}
            if ends != set(transcript.exons[number - 1]):
                problems.append(f"{spec.name}: exon {number} is not exactly c.{first}-{last}")
    for rank in range(1, len(transcript.exons)):
        donor, acceptor = _intron_ends(seq, transcript, rank)
        if donor != "GT" or acceptor != "AG":
            problems.append(f"{spec.name}: intron {rank} is {donor}...{acceptor}")
    skip = [(r.start, r.end) for r in model.microsatellites + model.indel_repeats]
    for period, (length, start) in longest_runs(seq, skip=skip).items():
        if length > MAX_ACCIDENTAL_RUN[period]:
            problems.append(f"{spec.name}:{start}: accidental period-{period} run of {length}")
    return problems


def _cds_from(sequence: str, transcript: Transcript) -> str:
    pieces = [sequence[s - 1 : e] for s, e in transcript.coding_intervals()]
    if transcript.strand == "-":
        pieces = [reverse_complement(piece) for piece in pieces]
    return "".join(pieces)


def _intron_ends(sequence: str, transcript: Transcript, rank: int) -> tuple[str, str]:
    """(first two, last two) bases of intron `rank` on the transcript strand."""
    upstream, downstream = transcript.exons[rank - 1], transcript.exons[rank]
    if transcript.strand == "+":
        intron = sequence[upstream[1] : downstream[0] - 1]
    else:
        intron = reverse_complement(sequence[downstream[1] : upstream[0] - 1])
    return intron[:2], intron[-2:]


def gc_fraction(sequences: Iterable[str]) -> float:
    total = gc = 0
    for seq in sequences:
        total += len(seq)
        gc += seq.count("G") + seq.count("C")
    return gc / total if total else 0.0


# ---------------------------------------------------------------------------------------------
# writers


def write_fasta(genome: DemoGenome, path: Path, width: int = 60) -> None:
    with path.open("w", encoding="ascii", newline="\n") as handle:
        for model in genome.genes:
            handle.write(f">{model.name}\n")
            for i in range(0, len(model.sequence), width):
                handle.write(model.sequence[i : i + width] + "\n")


def _frames(transcript: Transcript) -> list[int]:
    frames = []
    done = 0
    for start, end in transcript.cds:
        frames.append((3 - done % 3) % 3)
        done += end - start + 1
    return frames


def gtf_lines(model: GeneModel) -> list[str]:
    """GTF2.2 lines (Ensembl style) of one gene: gene, transcript, exon/CDS/codons, UTRs."""
    t = model.transcript
    gene_attrs = f'gene_id "{t.gene_id}"; gene_name "{t.gene_name}"; gene_biotype "protein_coding";'
    tx_attrs = (
        f'gene_id "{t.gene_id}"; transcript_id "{t.transcript_id}"; gene_name "{t.gene_name}"; '
        f'gene_biotype "protein_coding"; transcript_name "{t.gene_name}-201"; '
        'transcript_biotype "protein_coding";'
    )

    def line(feature: str, interval: Interval, frame: str, attrs: str) -> str:
        start, end = str(interval[0]), str(interval[1])
        return "\t".join((t.contig, "demo", feature, start, end, ".", t.strand, frame, attrs))

    def exon_attrs(rank: int) -> str:
        return f'{tx_attrs} exon_number "{rank}"; exon_id "{t.transcript_id}.e{rank}";'

    gene_span = model.span
    lines = [line("gene", gene_span, ".", gene_attrs), line("transcript", gene_span, ".", tx_attrs)]
    frames = _frames(t)
    for rank, exon in enumerate(t.exons, start=1):
        lines.append(line("exon", exon, ".", exon_attrs(rank)))
        for (start, end), frame in zip(t.cds, frames, strict=True):
            if exon[0] <= start and end <= exon[1]:
                lines.append(line("CDS", (start, end), str(frame), exon_attrs(rank)))
        for feature, intervals in (("start_codon", t.start_codon), ("stop_codon", t.stop_codon)):
            done = 0
            for start, end in intervals:
                if exon[0] <= start and end <= exon[1]:
                    frame = (3 - done % 3) % 3
                    lines.append(line(feature, (start, end), str(frame), exon_attrs(rank)))
                done += end - start + 1
    five, three = model.utr_intervals()
    for feature, intervals in (("five_prime_utr", five), ("three_prime_utr", three)):
        for interval in intervals:
            rank = t.exon_number(interval[0])
            assert rank is not None
            lines.append(line(feature, interval, ".", exon_attrs(rank)))
    return lines


def write_gtf(genome: DemoGenome, path: Path) -> None:
    with path.open("w", encoding="ascii", newline="\n") as handle:
        handle.write("#!genome-build demo (synthetic actionable panel)\n")
        handle.write("#!genome-version 1\n")
        for model in genome.genes:
            handle.write("\n".join(gtf_lines(model)) + "\n")


def write_genes_bed(genome: DemoGenome, path: Path) -> None:
    with path.open("w", encoding="ascii", newline="\n") as handle:
        for model in genome.genes:
            start, end = model.span
            fields = (model.name, str(start - 1), str(end), model.name, "0", model.spec.strand)
            handle.write("\t".join(fields) + "\n")


def write_microsatellites_bed(genome: DemoGenome, path: Path) -> None:
    """BED4: contig, start (0-based), end, `<GENE>_MS<nn>_<unit>x<copies>`."""
    with path.open("w", encoding="ascii", newline="\n") as handle:
        for model in genome.genes:
            for repeat in model.microsatellites:
                handle.write(f"{repeat.contig}\t{repeat.start - 1}\t{repeat.end}\t{repeat.name}\n")
