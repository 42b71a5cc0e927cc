"""Reading transcript models from a GTF file and extracting their coding sequences.

Works on the bundled demo annotation and on real GENCODE/Ensembl GTFs (plain or gzipped).
Coordinates are 1-based and inclusive, as in the GTF itself. Intervals of a transcript are kept
in transcript order: ascending on the plus strand, descending on the minus strand.

`write_snpeff_check_files` writes the two FASTA files that `snpEff build -gtf22` compares its
own model against (`cds.fa`: spliced CDS including the stop codon, as snpEff 5.1 counts a CDS
without it as an error; `protein.fa`: the translation without the terminal `*`), keyed by
transcript id (header line `>TRANSCRIPT_ID`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol

from Bio.Seq import Seq

from actionable.errors import FormatError, InputFileError
from actionable.io.atomic import atomic_path
from actionable.io.text import open_text

Interval = tuple[int, int]

STOP_CODONS = frozenset({"TAA", "TAG", "TGA"})
_WANTED = frozenset({"transcript", "exon", "CDS", "start_codon", "stop_codon"})
_COMPLEMENT = str.maketrans("ACGTNacgtn", "TGCANtgcan")


def reverse_complement(sequence: str) -> str:
    """Reverse complement of a DNA string (IUPAC other than ACGTN is left as is)."""
    return sequence.translate(_COMPLEMENT)[::-1]


class SequenceSource(Protocol):
    """Anything that can return reference bases, like `pysam.FastaFile`."""

    def fetch(self, reference: str, start: int, end: int) -> str:
        """Bases of `reference` in the 0-based half-open interval [start, end)."""
        ...


@dataclass
class Transcript:
    """One transcript model; intervals are 1-based inclusive and in transcript order."""

    transcript_id: str
    gene_name: str
    gene_id: str
    contig: str
    strand: str
    exons: list[Interval] = field(default_factory=list)
    cds: list[Interval] = field(default_factory=list)
    start_codon: list[Interval] = field(default_factory=list)
    stop_codon: list[Interval] = field(default_factory=list)
    cds_frames: list[int] = field(default_factory=list)  # GTF frame of each `cds` interval

    @property
    def is_coding(self) -> bool:
        return bool(self.cds)

    @property
    def start_frame(self) -> int:
        """GTF frame of the 5'-most CDS piece: non-zero when the CDS starts mid-codon."""
        return self.cds_frames[0] if self.cds_frames else 0

    def coding_intervals(self) -> list[Interval]:
        """CDS plus stop codon (GTF CDS lines exclude it), overlaps merged, transcript order."""
        merged: list[list[int]] = []
        for start, end in sorted(self.cds + self.stop_codon):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        intervals = [(start, end) for start, end in merged]
        return intervals[::-1] if self.strand == "-" else intervals

    def exon_number(self, position: int) -> int | None:
        """1-based rank (transcript order) of the exon containing `position`, else None."""
        for rank, (start, end) in enumerate(self.exons, start=1):
            if start <= position <= end:
                return rank
        return None

    def genomic_position(self, c_position: int) -> int:
        """Genomic coordinate of coding position c.N (c.1 = first base of the start codon)."""
        remaining = c_position
        if remaining < 1:
            raise ValueError(f"c.{c_position} is not a coding position")
        for start, end in self.coding_intervals():
            length = end - start + 1
            if remaining <= length:
                return start + remaining - 1 if self.strand == "+" else end - remaining + 1
            remaining -= length
        raise ValueError(f"c.{c_position} is beyond the coding sequence of {self.transcript_id}")

    def coding_position(self, position: int) -> int | None:
        """c.N of a genomic coordinate inside the coding sequence, else None."""
        offset = 0
        for start, end in self.coding_intervals():
            if start <= position <= end:
                inside = position - start if self.strand == "+" else end - position
                return offset + inside + 1
            offset += end - start + 1
        return None


def _open(path: Path) -> IO[str]:
    """`open_text` with the message of an unreadable GTF or FASTA."""
    try:
        return open_text(path)
    except OSError as exc:
        raise InputFileError(f"{path}: cannot read ({exc.strerror or exc})") from exc


_ATTRIBUTE = re.compile(r'\s*([^\s";]+)\s+(?:"([^"]*)"|([^\s";]+))\s*(?:;|$)')


def parse_attributes(text: str) -> dict[str, str]:
    """GTF column 9 as a dict; repeated keys (GENCODE `tag`) keep their first value."""
    if text.count('"') % 2:
        raise ValueError("unbalanced quotes in the attributes")
    attributes: dict[str, str] = {}
    position, end = 0, len(text)
    while position < end:
        if text[position] == ";" or text[position].isspace():
            position += 1
            continue
        match = _ATTRIBUTE.match(text, position)
        if match is None:
            item = text[position:].split(";", 1)[0].strip()
            raise ValueError(f"attribute {item!r} is not 'key value' or 'key \"value\"'")
        key, quoted, bare = match.groups()
        attributes.setdefault(key, quoted if quoted is not None else bare)
        position = match.end()
    return attributes


def read_transcripts(gtf_path: str | os.PathLike[str]) -> dict[str, Transcript]:
    """Every transcript of a GTF (GTF2.2 / GENCODE / Ensembl), keyed by transcript id.

    Non-coding transcripts are included with an empty `cds`. Raises `FormatError` naming the
    file and line for a malformed line, and `InputFileError` if the file cannot be read.
    """
    path = Path(gtf_path)
    transcripts: dict[str, Transcript] = {}
    with _open(path) as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.rstrip("\n").split("\t")
            where = f"{path}: line {number}"
            if len(fields) != 9:
                raise FormatError(
                    f"{where}: expected 9 tab-separated GTF columns, found {len(fields)}"
                    " (is it a GTF file with tabs between columns?)"
                )
            contig, _source, feature, start_text, end_text, _score, strand, frame, attrs = fields
            if feature not in _WANTED:
                continue
            try:
                start, end = int(start_text), int(end_text)
            except ValueError:
                raise FormatError(
                    f"{where}: start/end must be integers, found {start_text!r}/{end_text!r}"
                ) from None
            if start < 1 or end < start:
                raise FormatError(
                    f"{where}: invalid interval {start}-{end} (need 1 <= start <= end)"
                )
            if strand not in ("+", "-"):
                raise FormatError(f"{where}: strand must be '+' or '-', found {strand!r}")
            if feature == "CDS" and frame not in ("0", "1", "2"):
                raise FormatError(f"{where}: CDS frame must be 0, 1 or 2, found {frame!r}")
            try:
                attributes = parse_attributes(attrs)
            except ValueError as exc:
                raise FormatError(f"{where}: column 9: {exc}") from None
            transcript_id = attributes.get("transcript_id")
            if not transcript_id:
                raise FormatError(f"{where}: {feature} line without a transcript_id attribute")
            gene_id = attributes.get("gene_id", "")
            gene_name = attributes.get("gene_name") or gene_id or transcript_id
            transcript = transcripts.get(transcript_id)
            if transcript is None:
                transcript = Transcript(transcript_id, gene_name, gene_id, contig, strand)
                transcripts[transcript_id] = transcript
            elif transcript.contig != contig or transcript.strand != strand:
                raise FormatError(
                    f"{where}: transcript {transcript_id} is on {transcript.contig}"
                    f"{transcript.strand} elsewhere in the file but {contig}{strand} here"
                )
            interval = (start, end)
            if feature == "exon":
                transcript.exons.append(interval)
            elif feature == "CDS":
                transcript.cds.append(interval)
                transcript.cds_frames.append(int(frame))
            elif feature == "start_codon":
                transcript.start_codon.append(interval)
            elif feature == "stop_codon":
                transcript.stop_codon.append(interval)
    for transcript in transcripts.values():
        reverse = transcript.strand == "-"
        pairs = sorted(zip(transcript.cds, transcript.cds_frames, strict=True), reverse=reverse)
        transcript.cds = [interval for interval, _ in pairs]
        transcript.cds_frames = [frame for _, frame in pairs]
        for intervals in (transcript.exons, transcript.start_codon, transcript.stop_codon):
            intervals.sort(reverse=reverse)
    return transcripts


def cds_sequence(transcript: Transcript, fasta: SequenceSource | Mapping[str, str]) -> str:
    """Spliced coding sequence (5'→3' on the transcript strand), stop codon included."""
    pieces = []
    for start, end in transcript.coding_intervals():
        if isinstance(fasta, Mapping):
            if transcript.contig not in fasta:
                raise InputFileError(
                    f"contig {transcript.contig} of {transcript.transcript_id} not in the FASTA"
                )
            bases = fasta[transcript.contig][start - 1 : end]
        else:
            bases = fasta.fetch(transcript.contig, start - 1, end)
        if len(bases) != end - start + 1:
            raise InputFileError(
                f"{transcript.transcript_id}: {transcript.contig}:{start}-{end} lies beyond the"
                " end of the FASTA sequence (FASTA and GTF from different assemblies?)"
            )
        bases = bases.upper()
        pieces.append(reverse_complement(bases) if transcript.strand == "-" else bases)
    return "".join(pieces)


def translate(cds: str, offset: int = 0) -> str:
    """Protein of a CDS from `offset`, trailing partial codon dropped, terminal `*` removed."""
    coding = cds[offset:]
    coding = coding[: len(coding) - len(coding) % 3]
    protein = str(Seq(coding).translate(table=1))
    return protein[:-1] if protein.endswith("*") else protein


@dataclass
class CheckFilesSummary:
    """What `write_snpeff_check_files` wrote."""

    written: int = 0
    skipped_non_coding: int = 0
    incomplete: dict[str, str] = field(default_factory=dict)  # transcript id -> reason


def read_fasta(path: str | os.PathLike[str], wanted: set[str] | None = None) -> dict[str, str]:
    """Sequences of a (plain or gzipped) FASTA file; only `wanted` contigs if given."""
    fasta_path = Path(path)
    sequences: dict[str, list[str]] = {}
    current: list[str] | None = None
    with _open(fasta_path) as handle:
        for line in handle:
            if line.startswith(">"):
                name = line[1:].split(maxsplit=1)[0] if line[1:].strip() else ""
                if not name:
                    raise FormatError(f"{fasta_path}: a FASTA header line has no sequence name")
                current = [] if wanted is None or name in wanted else None
                if current is not None:
                    sequences[name] = current
            elif current is not None:
                current.append(line.strip())
    return {name: "".join(parts) for name, parts in sequences.items()}


def _write_fasta_record(handle: IO[str], name: str, sequence: str, width: int = 60) -> None:
    handle.write(f">{name}\n")
    for i in range(0, len(sequence), width):
        handle.write(sequence[i : i + width] + "\n")


def write_snpeff_check_files(
    fasta_path: str | os.PathLike[str],
    gtf_path: str | os.PathLike[str],
    cds_out: str | os.PathLike[str],
    protein_out: str | os.PathLike[str],
) -> CheckFilesSummary:
    """Write snpEff's `cds.fa` and `protein.fa` for every coding transcript of the GTF.

    CDS records include the stop codon; protein records are the translation without the
    terminal `*`. Incomplete CDS (length not a multiple of 3, no ATG start, no stop codon,
    internal stop) are still written and listed in the returned summary with the reason.
    Outputs are written to temporary files beside the targets, then renamed.
    """
    transcripts = read_transcripts(gtf_path)
    coding = [t for t in transcripts.values() if t.is_coding]
    fai = Path(str(fasta_path) + ".fai")
    source: SequenceSource | Mapping[str, str]
    if fai.exists():  # indexed (e.g. a whole human genome): read only what is needed
        import pysam

        try:
            source = pysam.FastaFile(str(fasta_path))
        except (OSError, ValueError) as exc:
            raise InputFileError(f"{fasta_path}: cannot open the indexed FASTA ({exc})") from exc
    else:
        source = read_fasta(fasta_path, {t.contig for t in coding})
    summary = CheckFilesSummary(skipped_non_coding=len(transcripts) - len(coding))
    with (
        atomic_path(cds_out) as cds_tmp,
        atomic_path(protein_out) as pep_tmp,
        open(cds_tmp, "w") as cds_handle,
        open(pep_tmp, "w") as pep_handle,
    ):
        for transcript in coding:
            sequence = cds_sequence(transcript, source)
            offset = transcript.start_frame
            protein = translate(sequence, offset)
            reasons = []
            if offset:
                reasons.append(f"CDS starts at frame {offset}")
            if len(sequence) % 3:
                reasons.append(f"length {len(sequence)} is not a multiple of 3")
            if not sequence.startswith("ATG"):
                reasons.append("no ATG start")
            if sequence[-3:] not in STOP_CODONS or len(sequence) % 3:
                reasons.append("no stop codon at the end")
            if "*" in protein:
                reasons.append("internal stop codon")
            if reasons:
                summary.incomplete[transcript.transcript_id] = "; ".join(reasons)
            _write_fasta_record(cds_handle, transcript.transcript_id, sequence)
            _write_fasta_record(pep_handle, transcript.transcript_id, protein)
            summary.written += 1
    return summary
