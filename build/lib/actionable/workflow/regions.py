"""Region chunks for scatter-gather variant calling.

The workflow calls variants per chunk of the genome (``calling.scatter`` chunks) and
appends the chunks' records in chunk order. For that to equal the call on the whole genome,
a chunk border must fall where no caller carries anything across it. This module cuts only

* between two contigs;
* in the middle of an internal run of at least ``min_gap`` N bases of the reference (an
  assembly gap: no read reaches its middle, so no record, pileup or haplotype window spans
  the cut);

and never inside a target interval (``calling.regions``). The stretches between these cuts
are the :class:`Block` s; they depend on the reference (and targets) only, not on the
number of chunks.

bcftools calls each position from the reads over it alone, so any grouping of blocks gives
the same records. freebayes does not: its QUAL and ODDS at a site depend on what the same
process analysed before (measured: a constant factor in its prior over a whole contig, QUAL
shifted by 8-12 and ODDS by ln 7 when another contig came first), so the workflow runs one
freebayes process per block - on the block's targets, or its whole stretch - in every mode.
Each block is then called the same way whatever the number of chunks.

The blocks, in reference (``.fai``) order and weighted by the bases to call (non-gap bases,
or target bases; with targets, stretches without any are left out), are grouped into
``chunks`` *consecutive* runs with the smallest possible largest weight, so

* chunk ``i`` lies wholly before chunk ``i + 1`` in reference order: appending the chunks'
  VCFs gives a sorted VCF, no re-sorting;
* every base of the genome (or of the merged targets) is in exactly one chunk; callers keep
  the records *starting* in their chunk (``bcftools mpileup -R`` piles up only those
  positions, freebayes's records are filtered on POS), so a record is called exactly once,
  even a deletion reaching into the next chunk;
* the largest chunk weighs at most ``total / chunks + largest block`` (the optimum of
  consecutive grouping never exceeds it); with fewer blocks than chunks, the surplus chunks
  are empty (the workflow writes an empty file for them);
* the output depends on nothing but the inputs (no randomness, no dictionary order).

Files written into the output directory (see :func:`write_layout`)::

    blocks/000001.bed ...   one per block: what one freebayes process calls
    0001.bed ...            per chunk: the positions whose records it keeps (merged)
    0001.blocks ...         per chunk: its block files, one path a line, in order

Command line (used by the workflow)::

    python -m actionable.workflow.regions --fasta REF.fa [--targets BED] --chunks N --out DIR
"""

from __future__ import annotations

import argparse
import gzip
import re
import sys
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate, pairwise
from pathlib import Path

from actionable.errors import ActionableError, FormatError, InputFileError, UsageError
from actionable.io.atomic import write_atomic

#: Shortest N-run at which a chunk may be cut: a cut in its middle is at least 500 bases
#: from any base a short read can align to.
MIN_GAP = 1000

# The reference is scanned for N-runs in windows of this many bases (bounded memory).
_SCAN_WINDOW = 4_000_000
_N_RUN = re.compile(r"[Nn]+")


@dataclass(frozen=True, order=True)
class Interval:
    """A stretch of one contig, 0-based half-open as in BED."""

    contig: str
    start: int
    end: int

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class Block:
    """A stretch of one contig that no chunk border may cut, the targets in it (the
    stretch itself without targets) and its weight, the bases to call."""

    stretch: Interval
    targets: tuple[Interval, ...]
    weight: int


@dataclass(frozen=True)
class Chunks:
    """The blocks of each chunk, in reference order, and the chunks' weights."""

    blocks: list[list[Block]]
    weights: list[int]

    @property
    def stretches(self) -> list[list[Interval]]:
        """Per chunk, the genome it spans (adjacent blocks joined)."""
        return [_merge_adjacent([b.stretch for b in chunk]) for chunk in self.blocks]

    @property
    def targets(self) -> list[list[Interval]]:
        """Per chunk, the positions whose records it keeps (adjacent intervals joined)."""
        return [_merge_adjacent([t for b in chunk for t in b.targets]) for chunk in self.blocks]

    @property
    def empty(self) -> int:
        return sum(1 for chunk in self.blocks if not chunk)


def read_fai(path: str | Path) -> dict[str, int]:
    """Contig lengths of a samtools .fai index, in the index's order."""
    lengths: dict[str, int] = {}
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputFileError(f"{path}: cannot read the FASTA index ({exc.strerror})") from None
    for lineno, line in enumerate(lines, 1):
        fields = line.split("\t")
        if len(fields) < 2 or not fields[1].isdigit() or fields[0] in lengths:
            raise FormatError(f"{path}:{lineno}: not a .fai line (contig, length, ...)")
        lengths[fields[0]] = int(fields[1])
    if not lengths:
        raise FormatError(f"{path}: the FASTA index lists no contigs")
    return lengths


def find_gaps(sequence: str, min_length: int, offset: int = 0) -> list[tuple[int, int]]:
    """Runs of at least `min_length` N/n bases in `sequence`, as (start, end) + `offset`."""
    return [
        (offset + m.start(), offset + m.end())
        for m in _N_RUN.finditer(sequence)
        if m.end() - m.start() >= min_length
    ]


def fasta_gaps(
    fasta: str | Path, lengths: Mapping[str, int], min_length: int = MIN_GAP
) -> dict[str, list[tuple[int, int]]]:
    """N-runs of at least `min_length` bases per contig of an indexed FASTA."""
    import pysam

    gaps: dict[str, list[tuple[int, int]]] = {}
    try:
        reference = pysam.FastaFile(str(fasta))
    except (OSError, ValueError) as exc:
        raise InputFileError(f"{fasta}: cannot open the indexed FASTA ({exc})") from None
    with reference:
        for contig, length in lengths.items():
            runs: list[tuple[int, int]] = []
            for start in range(0, length, _SCAN_WINDOW):
                window = reference.fetch(contig, start, min(length, start + _SCAN_WINDOW))
                for run in find_gaps(window, 1, start):
                    if runs and runs[-1][1] == run[0]:  # a run across the window border
                        run = (runs.pop()[0], run[1])
                    runs.append(run)
            gaps[contig] = [run for run in runs if run[1] - run[0] >= min_length]
    return gaps


def genome_blocks(
    lengths: Mapping[str, int],
    gaps: Mapping[str, Sequence[tuple[int, int]]],
    targets: Sequence[Interval] | None = None,
) -> list[Block]:
    """The genome in blocks, cut in the middle of every internal gap not inside a target.

    Without targets a block's weight is its bases outside the gaps (gaps touching a contig
    end are not cut, the contig border is a cut already). With targets (sorted, merged, as
    :func:`read_targets` gives them) the weight is the target bases, and blocks without
    targets are left out.
    """
    by_contig: dict[str, list[Interval]] = {}
    for target in targets or ():
        by_contig.setdefault(target.contig, []).append(target)
    blocks = []
    for contig, length in lengths.items():
        contig_gaps = sorted(gaps.get(contig, ()))
        inside = by_contig.get(contig, [])
        starts = [t.start for t in inside]
        cuts = []
        for a, b in contig_gaps:
            cut = (a + b) // 2
            k = bisect_right(starts, cut) - 1  # the last target starting at or before the cut
            if a > 0 and b < length and not (k >= 0 and inside[k].start < cut < inside[k].end):
                cuts.append(cut)
        edges = [0, *cuts, length]
        gap_bases = [0] * (len(edges) - 1)
        for a, b in contig_gaps:  # a gap overlaps the block(s) around its cut, no more
            for k in range(bisect_right(edges, a) - 1, bisect_left(edges, b)):
                gap_bases[k] += min(b, edges[k + 1]) - max(a, edges[k])
        for k, (start, end) in enumerate(pairwise(edges)):
            stretch = Interval(contig, start, end)
            if targets is None:
                blocks.append(Block(stretch, (stretch,), end - start - gap_bases[k]))
                continue
            first, last = bisect_left(starts, start), bisect_left(starts, end)
            held = tuple(inside[first:last])
            if held:
                blocks.append(Block(stretch, held, sum(t.length for t in held)))
    return blocks


def _bed_lines(path: Path) -> Iterator[tuple[int, str]]:
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8") as handle:
            yield from enumerate(handle, 1)
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(f"{path}: cannot read the regions BED ({exc})") from None


def read_targets(path: str | Path, lengths: Mapping[str, int]) -> list[Interval]:
    """Target intervals of a BED file, sorted in reference order, overlapping ones merged.

    Header, ``track`` and ``browser`` lines are skipped, and so are empty intervals
    (start == end). A contig the reference lacks or an interval past its end is an error.
    """
    path = Path(path)
    order = {contig: index for index, contig in enumerate(lengths)}
    found: list[Interval] = []
    for lineno, line in _bed_lines(path):
        if not line.strip() or line.startswith(("#", "track", "browser")):
            continue
        fields = line.rstrip("\n\r").split("\t")
        where = f"{path}:{lineno}"
        if len(fields) < 3:
            raise FormatError(f"{where}: a BED line needs contig, start and end (tab-separated)")
        contig = fields[0]
        try:
            start, end = int(fields[1]), int(fields[2])
        except ValueError:
            raise FormatError(f"{where}: start and end must be integers") from None
        if contig not in order:
            example = ", ".join(list(lengths)[:3])
            raise FormatError(
                f"{where}: contig {contig!r} is not in the reference (it has e.g. {example}); "
                "the BED and the FASTA must name contigs alike"
            )
        if start < 0 or end < start or end > lengths[contig]:
            raise FormatError(
                f"{where}: interval {start}-{end} is not within {contig} (0-{lengths[contig]})"
            )
        if end > start:
            found.append(Interval(contig, start, end))
    if not found:
        raise FormatError(f"{path}: the regions BED has no intervals")
    found.sort(key=lambda i: (order[i.contig], i.start, i.end))
    merged = [found[0]]
    for interval in found[1:]:
        last = merged[-1]
        if interval.contig == last.contig and interval.start <= last.end:
            merged[-1] = Interval(last.contig, last.start, max(last.end, interval.end))
        else:
            merged.append(interval)
    return merged


def _next_starts(prefix: Sequence[int], capacity: int) -> list[int]:
    """For each item i, the index after the longest group from i whose sum fits `capacity`."""
    return [bisect_right(prefix, prefix[i] + capacity) - 1 for i in range(len(prefix) - 1)]


def _fits(prefix: Sequence[int], capacity: int, groups: int) -> bool:
    """Whether all items fit into `groups` consecutive groups of sum <= `capacity`."""
    start, end = 0, len(prefix) - 1
    for _ in range(groups):
        start = bisect_right(prefix, prefix[start] + capacity) - 1
        if start >= end:
            return True
    return False


def _groups_needed(prefix: Sequence[int], capacity: int) -> list[int]:
    """For each suffix (item i to the end), the fewest groups of sum <= `capacity`.

    Greedy filling is optimal; the counts never grow as the suffix gets shorter."""
    after = _next_starts(prefix, capacity)
    needed = [0] * len(prefix)
    for i in range(len(prefix) - 2, -1, -1):
        needed[i] = 1 + needed[after[i]]
    return needed


def partition(weights: Sequence[int], parts: int) -> list[int]:
    """Sizes (numbers of items) of `parts` consecutive groups of `weights`.

    The largest group sum is as small as possible (at most ``sum / parts + max(weights)``);
    within that limit each group, from the first, takes the share of the remaining weight
    nearest to an equal split among the groups left. Every group is non-empty while there
    are items for it; surplus groups (more groups than items) are empty and come last.
    """
    if parts < 1:
        raise UsageError("the number of chunks must be at least 1")
    if not weights:
        return [0] * parts
    if min(weights) < 0:
        raise UsageError("weights must not be negative")
    count, used = len(weights), min(parts, len(weights))
    prefix = list(accumulate(weights, initial=0))
    total = prefix[-1]
    low, high = max(weights), total
    while low < high:  # the smallest capacity that `used` groups can hold
        middle = (low + high) // 2
        if _fits(prefix, middle, used):
            high = middle
        else:
            low = middle + 1
    needed = _groups_needed(prefix, low)
    after = _next_starts(prefix, low)
    sizes: list[int] = []
    start = 0
    for group in range(used - 1):
        left = used - group - 1  # groups after this one
        # this group ends at `end`: within capacity, the rest fits into `left` groups of at
        # most `low`, and at least one item remains for each of them
        first, last = start + 1, min(after[start], count - left)
        lo, hi = first, last
        while lo < hi:  # earliest end whose remainder fits (needed never grows with end)
            middle = (lo + hi) // 2
            if needed[middle] <= left:
                hi = middle
            else:
                lo = middle + 1
        # aim at an equal share of what remains: prefix[end] near prefix[start] + rest / share
        share = left + 1
        ideal = share * prefix[start] + total - prefix[start]  # compared with share * prefix
        at = bisect_left(prefix, ideal / share, lo, last + 1)
        candidates = [e for e in (at - 1, at) if lo <= e <= last]
        end = min(candidates, key=lambda e: (abs(share * prefix[e] - ideal), e))
        sizes.append(end - start)
        start = end
    sizes.append(count - start)
    return sizes + [0] * (parts - used)


def _merge_adjacent(intervals: Sequence[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for interval in intervals:
        if merged and merged[-1].contig == interval.contig and merged[-1].end == interval.start:
            merged[-1] = Interval(interval.contig, merged[-1].start, interval.end)
        else:
            merged.append(interval)
    return merged


def chunk_blocks(blocks: Sequence[Block], chunks: int) -> Chunks:
    """Group blocks into `chunks` consecutive chunks of balanced weight."""
    sizes = partition([block.weight for block in blocks], chunks)
    groups: list[list[Block]] = []
    start = 0
    for size in sizes:
        groups.append(list(blocks[start : start + size]))
        start += size
    return Chunks(groups, [sum(block.weight for block in group) for group in groups])


def split_regions(
    fai: str | Path,
    chunks: int,
    *,
    fasta: str | Path | None = None,
    targets: str | Path | None = None,
    min_gap: int = MIN_GAP,
) -> Chunks:
    """Chunks of the genome of `fai`, cut at the N-runs of `fasta` when given; with a BED
    file of `targets`, only the stretches holding targets, weighted by target bases."""
    lengths = read_fai(fai)
    wanted = read_targets(targets, lengths) if targets else None
    gaps = fasta_gaps(fasta, lengths, min_gap) if fasta else {}
    return chunk_blocks(genome_blocks(lengths, gaps, wanted), chunks)


def bed_text(intervals: Sequence[Interval]) -> str:
    return "".join(f"{i.contig}\t{i.start}\t{i.end}\n" for i in intervals)


def write_layout(result: Chunks, directory: str | Path) -> None:
    """The chunk files in `directory` (module docstring). Block files are numbered across
    the genome, so a block has the same path - and its freebayes process the same command
    line - whatever the number of chunks. Paths in the ``.blocks`` lists start with
    `directory` as given."""
    directory = Path(directory)
    number = 0
    for index, chunk in enumerate(result.blocks, 1):
        paths = []
        for block in chunk:
            number += 1
            path = directory / "blocks" / f"{number:06d}.bed"
            write_atomic(path, bed_text(block.targets))
            paths.append(f"{path}\n")
        write_atomic(directory / f"{index:04d}.blocks", "".join(paths))
    for index, targets in enumerate(result.targets, 1):
        write_atomic(directory / f"{index:04d}.bed", bed_text(targets))


def summary(result: Chunks) -> str:
    blocks = sum(len(chunk) for chunk in result.blocks)
    lines = [
        f"{len(result.blocks)} chunks from {blocks} uncuttable blocks; "
        f"bases to call per chunk: {', '.join(str(w) for w in result.weights)}"
    ]
    if result.empty:
        lines.append(
            f"warning: {result.empty} chunk(s) empty - the reference offers only {blocks} "
            f"blocks (contigs, and stretches between N-runs of >= {MIN_GAP} bases); "
            "lower calling.scatter"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m actionable.workflow.regions",
        description="Split a genome (or target regions) into chunks for scatter-gather "
        "variant calling.",
    )
    parser.add_argument("--fasta", required=True, help="indexed reference FASTA (.fai beside)")
    parser.add_argument("--targets", help="BED of regions to call (default: whole genome)")
    parser.add_argument("--min-gap", type=int, default=MIN_GAP, help="shortest N-run to cut at")
    parser.add_argument("--chunks", type=int, required=True, help="number of chunks")
    parser.add_argument("--out", required=True, help="directory to write the chunks into")
    args = parser.parse_args(argv)
    try:
        if args.chunks < 1:
            raise UsageError("--chunks must be at least 1")
        result = split_regions(
            f"{args.fasta}.fai",
            args.chunks,
            fasta=args.fasta,
            targets=args.targets,
            min_gap=args.min_gap,
        )
        write_layout(result, args.out)
    except ActionableError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(summary(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
