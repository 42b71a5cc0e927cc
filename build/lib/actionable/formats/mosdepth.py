"""Reading mosdepth output: per-gene depth, bases above depth thresholds, the summary.

The workflow runs `mosdepth --by genes.bed --thresholds 1,10,20,30` per sample, which writes
(plain or gzip/BGZF; the reader tells them apart by content):

``{sample}.regions.bed.gz``
    contig, start, end, name, mean depth: one line per BED region; the name is the gene.
    A gene made of several regions gets its span and the length-weighted mean depth.
``{sample}.thresholds.bed.gz``
    a header line ``#chrom start end region 1X 10X 20X 30X``, then per region the number of
    bases covered at least that deep.
``{sample}.mosdepth.summary.txt``
    chrom, length, bases, mean, min, max; `total_region` (or `total`) is the whole target.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from actionable.errors import FormatError, InputFileError
from actionable.io.text import read_lines

REGIONS_SUFFIX = ".regions.bed.gz"
THRESHOLDS_SUFFIX = ".thresholds.bed.gz"
SUMMARY_SUFFIX = ".mosdepth.summary.txt"


@dataclass(frozen=True)
class GeneRegion:
    """A gene's span and its mean depth (length-weighted over its regions)."""

    gene: str
    chrom: str
    start: int  # 0-based, BED: the smallest start of the gene's regions
    end: int  # the largest end
    depth: float
    bases: int  # total length of the gene's regions


def _lines(path: Path) -> Iterator[str]:
    if not path.is_file():
        raise InputFileError(f"{path}: file not found")
    return read_lines(path, "QC file")


def read_regions(path: str | os.PathLike[str]) -> dict[str, GeneRegion]:
    """Gene -> span and mean depth from a mosdepth `regions.bed.gz` (or a BED with a 5th
    column holding the mean depth), in the order the genes first appear."""
    source = Path(path)
    sums: dict[str, tuple[str, int, int, float, int]] = {}
    for number, line in enumerate(_lines(source), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.rstrip("\n").split("\t")
        if len(fields) < 5:
            raise FormatError(
                f"{source}: line {number}: expected contig, start, end, name and mean depth"
                " (run mosdepth with --by a BED that names each region)"
            )
        try:
            start, end, mean = int(fields[1]), int(fields[2]), float(fields[4])
        except ValueError:
            raise FormatError(f"{source}: line {number}: start/end/mean must be numbers") from None
        chrom, low, high, total, length = sums.get(fields[3], (fields[0], start, end, 0.0, 0))
        sums[fields[3]] = (
            chrom,
            min(low, start),
            max(high, end),
            total + mean * (end - start),
            length + end - start,
        )
    return {
        gene: GeneRegion(gene, chrom, start, end, total / length if length else 0.0, length)
        for gene, (chrom, start, end, total, length) in sums.items()
    }


def read_thresholds(path: str | os.PathLike[str], depth: int) -> dict[str, float]:
    """Gene -> % of its bases covered at least `depth` deep, from a `thresholds.bed.gz`."""
    source = Path(path)
    column: int | None = None
    sums: dict[str, list[int]] = {}
    for lineno, line in enumerate(_lines(source), start=1):
        fields = line.rstrip("\n").split("\t")
        if line.startswith("#"):
            header = [f.strip() for f in fields]
            if f"{depth}X" not in header:
                raise FormatError(
                    f"{source}: line {lineno}: no {depth}X column (run mosdepth with "
                    f"--thresholds including {depth})"
                )
            column = header.index(f"{depth}X")
            continue
        if not line.strip():
            continue
        if column is None:
            raise FormatError(f"{source}: line {lineno}: header line (#chrom ...) missing")
        try:
            length = int(fields[2]) - int(fields[1])
            covered = int(fields[column])
        except (ValueError, IndexError):
            raise FormatError(f"{source}: line {lineno}: expected integer columns") from None
        acc = sums.setdefault(fields[3], [0, 0])
        acc[0] += length
        acc[1] += covered
    return {gene: (100.0 * c / n if n else 0.0) for gene, (n, c) in sums.items()}


def read_summary(path: str | os.PathLike[str]) -> float | None:
    """Mean depth over the target regions (the total_region row), else over the genome."""
    rows: dict[str, float] = {}
    for line in _lines(Path(path)):
        fields = line.rstrip("\n").split("\t")
        if len(fields) >= 4 and fields[0] != "chrom":
            try:
                rows[fields[0]] = float(fields[3])
            except ValueError:
                continue
    return rows.get("total_region", rows.get("total"))
