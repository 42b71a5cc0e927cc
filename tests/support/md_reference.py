"""Rebuilding the reference bases under aligned reads from their MD tags.

A BAM whose reads carry MD tags holds, read by read, the reference bases of every aligned
position (matches are the read's own bases, mismatches and deletions are spelled out in the
tag). That is enough to rebuild a small reference for test data shipped as BAM without its
FASTA, such as the SEQC2 HCC1395 exome excerpt.

The reference is written as *windows* rather than whole chromosomes: every stretch covered
by reads, padded on both sides (default 1 kb) and merged with its neighbours, becomes one
FASTA record named `<contig>_<start>_<end>` (1-based, inclusive, in the original
coordinates). Bases no read covers are `N`. A whole GRCh38 chr1 of `N` would be 250 Mb for
bwa to index; the windows of a test BAM are a few kb. `shift_bed` moves BED intervals (e.g.
the capture targets) into window coordinates.

Positions where reads disagree about the reference base (which only happens if the BAM mixes
references) are counted in `MdReference.conflicts` and keep the majority base.
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pysam

from actionable.errors import FormatError, InputFileError
from actionable.io.atomic import atomic_path


@dataclass(frozen=True)
class Window:
    """A padded covered stretch of one contig; `start`/`end` are 1-based inclusive."""

    contig: str
    start: int
    end: int

    @property
    def name(self) -> str:
        return f"{self.contig}_{self.start}_{self.end}"

    def __len__(self) -> int:
        return self.end - self.start + 1


@dataclass
class MdReference:
    """Reference bases recovered from MD tags, and the windows to write."""

    lengths: dict[str, int]
    bases: dict[str, dict[int, Counter[str]]] = field(default_factory=dict)
    reads_used: int = 0
    reads_without_md: int = 0
    windows: list[Window] = field(default_factory=list)

    @property
    def conflicts(self) -> int:
        return sum(len(c) > 1 for by_pos in self.bases.values() for c in by_pos.values())

    @property
    def known_bases(self) -> int:
        return sum(len(by_pos) for by_pos in self.bases.values())

    def base(self, contig: str, position: int) -> str:
        """Reference base at a 1-based position, `N` when no read covers it."""
        counts = self.bases.get(contig, {}).get(position)
        return counts.most_common(1)[0][0] if counts else "N"

    def window_sequence(self, window: Window) -> str:
        return "".join(self.base(window.contig, p) for p in range(window.start, window.end + 1))


def collect_bases(bam_paths: Sequence[str | os.PathLike[str]]) -> MdReference:
    """Reference base of every position covered by an aligned read with an MD tag."""
    reference: MdReference | None = None
    for bam_path in bam_paths:
        try:
            bam = pysam.AlignmentFile(str(bam_path), "rb")
        except (OSError, ValueError) as exc:
            raise InputFileError(f"{bam_path}: cannot read as BAM ({exc})") from exc
        with bam:
            lengths = dict(zip(bam.references, bam.lengths, strict=True))
            if reference is None:
                reference = MdReference(lengths)
            elif any(reference.lengths.get(c, n) != n for c, n in lengths.items()):
                raise FormatError(f"{bam_path}: contig lengths differ from the first BAM's")
            for read in bam.fetch(until_eof=True):
                if read.is_unmapped or read.reference_name is None:
                    continue
                if not read.has_tag("MD"):
                    reference.reads_without_md += 1
                    continue
                by_pos = reference.bases.setdefault(read.reference_name, defaultdict(Counter))
                for _query, ref_pos, ref_base in read.get_aligned_pairs(
                    matches_only=False, with_seq=True
                ):
                    if ref_pos is not None and ref_base is not None:
                        by_pos[ref_pos + 1][ref_base.upper()] += 1
                reference.reads_used += 1
    if reference is None:
        raise InputFileError("no BAM file given")
    if reference.reads_used == 0:
        raise FormatError("no aligned read with an MD tag in " + ", ".join(map(str, bam_paths)))
    return reference


def covered_windows(reference: MdReference, padding: int = 1000) -> list[Window]:
    """Covered stretches padded by `padding` bases, merged, clamped to the contig."""
    windows: list[Window] = []
    for contig in reference.lengths:
        positions = sorted(reference.bases.get(contig, {}))
        if not positions:
            continue
        length = reference.lengths[contig]
        start = end = positions[0]
        stretches = []
        for position in positions[1:]:
            if position > end + 1:
                stretches.append((start, end))
                start = position
            end = position
        stretches.append((start, end))
        merged: list[list[int]] = []
        for first, last in stretches:
            lo, hi = max(1, first - padding), min(length, last + padding)
            if merged and lo <= merged[-1][1] + 1:
                merged[-1][1] = max(merged[-1][1], hi)
            else:
                merged.append([lo, hi])
        windows += [Window(contig, lo, hi) for lo, hi in merged]
    return windows


def write_fasta(reference: MdReference, windows: Iterable[Window], path: str | Path) -> None:
    """FASTA of the windows (60 bases a line), written to a temporary file then renamed."""
    with atomic_path(path) as tmp, tmp.open("w", encoding="ascii") as handle:
        for window in windows:
            sequence = reference.window_sequence(window)
            handle.write(f">{window.name}\n")
            for i in range(0, len(sequence), 60):
                handle.write(sequence[i : i + 60] + "\n")


def to_window(windows: Sequence[Window], contig: str, position: int) -> tuple[str, int] | None:
    """(window name, 1-based position in it) of an original coordinate, None outside."""
    for window in windows:
        if window.contig == contig and window.start <= position <= window.end:
            return window.name, position - window.start + 1
    return None


def shift_bed(windows: Sequence[Window], bed_in: str | Path, bed_out: str | Path) -> int:
    """Copy BED intervals lying inside a window into window coordinates; return how many."""
    kept = []
    with open(bed_in, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            fields = line.split()
            if not fields or fields[0].startswith(("#", "track", "browser")):
                continue
            if len(fields) < 3:
                raise FormatError(f"{bed_in}: line {number}: need contig, start and end")
            contig, start, end = fields[0], int(fields[1]), int(fields[2])
            for window in windows:
                if window.contig == contig and window.start - 1 <= start and end <= window.end:
                    first, last = start - window.start + 1, end - window.start + 1
                    kept.append("\t".join([window.name, str(first), str(last), *fields[3:]]))
                    break
    Path(bed_out).write_text("".join(line + "\n" for line in kept), encoding="utf-8")
    return len(kept)


def rebuild(
    bam_paths: Sequence[str | os.PathLike[str]], fasta_out: str | Path, padding: int = 1000
) -> MdReference:
    """Collect the bases of all BAMs, choose the windows and write the FASTA."""
    reference = collect_bases(bam_paths)
    reference.windows = covered_windows(reference, padding)
    write_fasta(reference, reference.windows, fasta_out)
    return reference
