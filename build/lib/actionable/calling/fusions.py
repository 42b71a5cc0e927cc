"""Gene fusions from structural-variant calls (delly BCF/VCF) and a GTF.

Every SV record describes a junction between two breakends. At each breakend one side of the
reference is kept: the bases up to and including the position (`left`, delly's `3` in its
connection type `CT`: "the 3' end of this segment is joined") or the bases from the position
on (`right`, delly's `5`). `CT=3to5` is a deletion-type junction (left of the first breakend
joined to right of the second), `5to3` duplication-type, `3to3` and `5to5` inversion-type.
For records without `CT` the same is read from the VCF breakend notation of `ALT`
(`t[p[`, `t]p]`, `]p]t`, `[p[t`).

A gene at a breakend is the 5' partner when its transcription runs *into* the junction: a
plus-strand gene whose left side is kept, or a minus-strand gene whose right side is kept.
Otherwise its transcription runs *out of* the junction and it can only be the 3' partner. A
junction joins two genes into a fusion transcript when exactly one of them runs into it; both
running in (or both out) makes no fusion transcript and the pair is not reported.

For each partner the breakpoint is placed in an exon or an intron of its transcript (the
transcript with the longest coding sequence among those overlapping the breakpoint). A 5'
breakpoint in intron k keeps exons 1..k; a 3' breakpoint in intron k keeps exons k+1..n.
The fusion is *in frame* when both breakpoints are intronic, the 5' part ends inside the
coding sequence and the 3' part starts inside it, and the number of coding bases the 5' part
keeps leaves the same phase (mod 3) as the first kept coding base of the 3' part; breakpoints
in exons or UTRs leave the frame `unknown`.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pysam

from actionable.calling.gtf import Transcript, read_transcripts
from actionable.errors import InputFileError, UsageError
from actionable.formats.fusions import exon_range, write_fusions

LEFT, RIGHT = "left", "right"
_CT_SIDE = {"3": LEFT, "5": RIGHT}
_BRACKET = re.compile(
    r"^(?P<before>[^\[\]]*)(?P<b1>[\[\]])(?P<chrom>[^:\[\]]+):(?P<pos>\d+)"
    r"(?P<b2>[\[\]])(?P<after>[^\[\]]*)$"
)


@dataclass(frozen=True)
class Breakend:
    """One side of a junction: position (1-based) and which side of it is kept."""

    chrom: str
    pos: int
    keeps: str  # LEFT or RIGHT


@dataclass(frozen=True)
class Junction:
    """A rearrangement junction between two breakends, with its read support."""

    first: Breakend
    second: Breakend
    sv_type: str
    sv_id: str
    filter: str
    split_reads: int
    paired_reads: int

    @property
    def connection(self) -> str:
        side = {LEFT: "3", RIGHT: "5"}
        return f"{side[self.first.keeps]}to{side[self.second.keeps]}"

    @property
    def support(self) -> int:
        return self.split_reads + self.paired_reads


def parse_connection(ct: str) -> tuple[str, str] | None:
    """delly's CT ("3to5", ...) as the kept sides of the first and second breakend."""
    match = re.fullmatch(r"([35])to([35])", ct.strip())
    if not match:
        return None
    return _CT_SIDE[match.group(1)], _CT_SIDE[match.group(2)]


def parse_breakend_alt(alt: str) -> tuple[str, str, str, int] | None:
    """VCF breakend ALT → (kept side here, kept side at mate, mate contig, mate position).

    `t[p[`: this left + mate right; `t]p]`: this left + mate left (reversed);
    `]p]t`: mate left + this right; `[p[t`: mate right (reversed) + this right.
    """
    match = _BRACKET.match(alt)
    if not match:
        return None
    bracket, before = match.group("b1"), match.group("before")
    if match.group("b2") != bracket:
        return None
    here = LEFT if before else RIGHT
    mate = RIGHT if bracket == "[" else LEFT
    return here, mate, match.group("chrom"), int(match.group("pos"))


def _sample_value(record: pysam.VariantRecord, sample: str | None, key: str) -> int | None:
    if sample is None or key not in record.format:
        return None
    value = record.samples[sample].get(key)
    return int(value) if isinstance(value, int) else None


def _info_int(record: pysam.VariantRecord, key: str) -> int:
    value = record.info.get(key) if key in record.header.info else None
    return int(value) if isinstance(value, int) else 0


def junction_of(record: pysam.VariantRecord, tumour: str | None = None) -> Junction | None:
    """The junction of one SV record; None for insertions and unparseable records."""
    sv_type = str(record.info.get("SVTYPE", "")) if "SVTYPE" in record.header.info else ""
    alt = record.alts[0] if record.alts else ""
    sides: tuple[str, str] | None = None
    if "CT" in record.header.info and record.info.get("CT"):
        sides = parse_connection(str(record.info["CT"]))
    mate_chrom, mate_pos = None, None
    if sv_type == "BND" or "[" in alt or "]" in alt:
        parsed = parse_breakend_alt(alt)
        if parsed is not None:
            if sides is None:
                sides = parsed[0], parsed[1]
            mate_chrom, mate_pos = parsed[2], parsed[3]
        if "CHR2" in record.header.info and record.info.get("CHR2"):
            mate_chrom = str(record.info["CHR2"])
        if "POS2" in record.header.info and record.info.get("POS2"):
            mate_pos = int(record.info["POS2"])
        sv_type = sv_type or "BND"
    elif sv_type in ("DEL", "DUP", "INV"):
        mate_chrom, mate_pos = record.chrom, record.stop
        if sides is None:
            sides = {"DEL": (LEFT, RIGHT), "DUP": (RIGHT, LEFT)}.get(sv_type)
    if sides is None or mate_chrom is None or mate_pos is None:
        return None
    split = _sample_value(record, tumour, "RV")
    paired = _sample_value(record, tumour, "DV")
    if split is None and paired is None:
        split, paired = _info_int(record, "SR"), _info_int(record, "PE")
    filters = list(record.filter.keys())
    return Junction(
        first=Breakend(record.chrom, record.pos, sides[0]),
        second=Breakend(mate_chrom, mate_pos, sides[1]),
        sv_type=sv_type,
        sv_id=record.id or ".",
        filter=";".join(filters) if filters else "PASS",
        split_reads=split or 0,
        paired_reads=paired or 0,
    )


def read_junctions(path: str | os.PathLike[str], tumour: str | None = None) -> list[Junction]:
    """Junctions of every SV record of a VCF/BCF; support counted in the `tumour` sample."""
    try:
        vcf = pysam.VariantFile(str(path))
    except (OSError, ValueError) as exc:
        raise InputFileError(f"{path}: cannot read as VCF/BCF ({exc})") from exc
    with vcf:
        samples = list(vcf.header.samples)
        if tumour is not None and tumour not in samples:
            raise UsageError(
                f"{path}: tumour sample {tumour} not in the file (samples: "
                f"{', '.join(samples) or 'none'})"
            )
        junctions = []
        for record in vcf:
            junction = junction_of(record, tumour)
            if junction is not None:
                junctions.append(junction)
    return junctions


@dataclass(frozen=True)
class Site:
    """Where a breakpoint falls in a transcript: `exon` or `intron` and its number."""

    transcript: Transcript
    kind: str
    number: int

    @property
    def label(self) -> str:
        return f"{self.kind} {self.number}"


def site_in(transcript: Transcript, pos: int) -> Site | None:
    """Exon/intron of `pos` in the transcript (intron k follows exon k), None outside it."""
    exons = transcript.exons
    for rank, (start, end) in enumerate(exons, start=1):
        if start <= pos <= end:
            return Site(transcript, "exon", rank)
    for rank in range(1, len(exons)):
        (a_start, a_end), (b_start, b_end) = exons[rank - 1], exons[rank]
        low, high = (a_end, b_start) if transcript.strand == "+" else (b_end, a_start)
        if low < pos < high:
            return Site(transcript, "intron", rank)
    return None


class GeneIndex:
    """Transcripts by contig, for finding the genes at a breakpoint."""

    def __init__(self, transcripts: Mapping[str, Transcript]) -> None:
        self._by_contig: dict[str, list[tuple[int, int, Transcript]]] = defaultdict(list)
        for transcript in transcripts.values():
            if not transcript.exons:
                continue
            start = min(s for s, _ in transcript.exons)
            end = max(e for _, e in transcript.exons)
            self._by_contig[transcript.contig].append((start, end, transcript))

    @classmethod
    def from_gtf(cls, path: str | os.PathLike[str]) -> GeneIndex:
        return cls(read_transcripts(path))

    def sites(self, chrom: str, pos: int) -> list[Site]:
        """One site per gene overlapping the position (its longest-CDS transcript)."""
        best: dict[str, tuple[tuple[int, int, str], Site]] = {}
        for start, end, transcript in self._by_contig.get(chrom, ()):
            if not start <= pos <= end:
                continue
            site = site_in(transcript, pos)
            if site is None:
                continue
            cds = sum(e - s + 1 for s, e in transcript.cds)
            exonic = sum(e - s + 1 for s, e in transcript.exons)
            # longest CDS, then longest transcript, then the smallest id (stable)
            key = (-cds, -exonic, transcript.transcript_id)
            current = best.get(transcript.gene_name)
            if current is None or key < current[0]:
                best[transcript.gene_name] = (key, site)
        return [site for _, site in sorted(best.values(), key=lambda item: item[1].label)]


def runs_into_junction(keeps: str, strand: str) -> bool:
    """True when a gene on `strand` whose `keeps` side is kept is transcribed into the junction."""
    return (keeps == LEFT and strand == "+") or (keeps == RIGHT and strand == "-")


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]) + 1)


def coding_bases_through_exon(transcript: Transcript, exon: int) -> int:
    """Coding bases (stop codon included) in exons 1..`exon` of the transcript."""
    coding = transcript.coding_intervals()
    return sum(_overlap(e, c) for e in transcript.exons[:exon] for c in coding)


def first_coding_position_of_exon(transcript: Transcript, exon: int) -> int | None:
    """c. position of the exon's first base (transcript order) if that base is coding."""
    start, end = transcript.exons[exon - 1]
    first = start if transcript.strand == "+" else end
    return transcript.coding_position(first)


def frame_status(five: Site, three: Site) -> str:
    """`yes`/`no` when both breakpoints are intronic inside the CDS, else `unknown`."""
    if five.kind != "intron" or three.kind != "intron":
        return "unknown"
    t5, t3 = five.transcript, three.transcript
    if not t5.is_coding or not t3.is_coding:
        return "unknown"
    kept = coding_bases_through_exon(t5, five.number)
    total = sum(e - s + 1 for s, e in t5.coding_intervals())
    if kept == 0 or kept >= total:
        return "unknown"  # 5' part ends before the start codon or after the stop codon
    first = first_coding_position_of_exon(t3, three.number + 1)
    if first is None:
        return "unknown"  # 3' part starts in its UTR
    return "yes" if kept % 3 == (first - 1) % 3 else "no"


def kept_exons(site: Site, five_prime: bool) -> str:
    """Exon range the partner contributes, e.g. `1-13` (5') or `20-29` (3')."""
    if five_prime:
        return exon_range(1, site.number)
    first = site.number + 1 if site.kind == "intron" else site.number
    return exon_range(first, len(site.transcript.exons))


@dataclass(frozen=True)
class SvFusion:
    """A gene pair joined in transcription order by an SV junction, with where each
    breakpoint falls in the partners' transcripts (one row of the fusions TSV)."""

    five: Site
    three: Site
    end5: Breakend
    end3: Breakend
    junction: Junction

    @property
    def gene5p(self) -> str:
        return self.five.transcript.gene_name

    @property
    def gene3p(self) -> str:
        return self.three.transcript.gene_name

    @property
    def in_frame(self) -> str:
        return frame_status(self.five, self.three)

    def row(self) -> dict[str, str | int]:
        return {
            "gene5p": self.gene5p,
            "gene3p": self.gene3p,
            "chrom5p": self.end5.chrom,
            "pos5p": self.end5.pos,
            "chrom3p": self.end3.chrom,
            "pos3p": self.end3.pos,
            "strand5p": self.five.transcript.strand,
            "strand3p": self.three.transcript.strand,
            "transcript5p": self.five.transcript.transcript_id,
            "transcript3p": self.three.transcript.transcript_id,
            "site5p": self.five.label,
            "site3p": self.three.label,
            "exons5p": kept_exons(self.five, True),
            "exons3p": kept_exons(self.three, False),
            "in_frame": self.in_frame,
            "split_reads": self.junction.split_reads,
            "paired_reads": self.junction.paired_reads,
            "sv_type": self.junction.sv_type,
            "connection": self.junction.connection,
            "filter": self.junction.filter,
            "sv_id": self.junction.sv_id,
        }


def fusions_of(junction: Junction, genes: GeneIndex) -> list[SvFusion]:
    """Gene pairs the junction can join into a fusion transcript (usually 0 or 1)."""
    found = []
    for site1 in genes.sites(junction.first.chrom, junction.first.pos):
        for site2 in genes.sites(junction.second.chrom, junction.second.pos):
            if site1.transcript.gene_name == site2.transcript.gene_name:
                continue
            in1 = runs_into_junction(junction.first.keeps, site1.transcript.strand)
            in2 = runs_into_junction(junction.second.keeps, site2.transcript.strand)
            if in1 and not in2:
                found.append(SvFusion(site1, site2, junction.first, junction.second, junction))
            elif in2 and not in1:
                found.append(SvFusion(site2, site1, junction.second, junction.first, junction))
    return found


@dataclass(frozen=True)
class FusionSettings:
    """Which SV calls count (config section `fusions`)."""

    min_support: int = 4
    pass_only: bool = True


def call_fusions(
    junctions: Iterable[Junction], genes: GeneIndex, settings: FusionSettings
) -> list[SvFusion]:
    """Fusions of the junctions passing the settings; one per gene pair (best supported)."""
    best: dict[tuple[str, str], SvFusion] = {}
    for junction in junctions:
        if settings.pass_only and junction.filter != "PASS":
            continue
        if junction.support < settings.min_support:
            continue
        for fusion in fusions_of(junction, genes):
            key = (fusion.gene5p, fusion.gene3p)
            if key not in best or fusion.junction.support > best[key].junction.support:
                best[key] = fusion
    return sorted(best.values(), key=lambda f: (-f.junction.support, f.gene5p, f.gene3p))


def fusions_from_sv_file(
    sv_path: str | os.PathLike[str],
    gtf_path: str | os.PathLike[str],
    out_path: str | os.PathLike[str],
    tumour: str | None = None,
    settings: FusionSettings | None = None,
) -> list[SvFusion]:
    """Read the SV calls and the GTF, write the fusions TSV, return the fusions."""
    junctions = read_junctions(sv_path, tumour)
    fusions = call_fusions(junctions, GeneIndex.from_gtf(gtf_path), settings or FusionSettings())
    write_fusions([fusion.row() for fusion in fusions], out_path)
    return fusions
