"""QC numbers for the report: per-gene depth (mosdepth) and read statistics (samtools stats).

A QC directory is searched for, per sample:
``**/{sample}.regions.bed.gz`` (mean depth per region, 4th column the gene),
``**/{sample}.thresholds.bed.gz`` (bases at >= 1/10/20/30x per region),
``**/{sample}.mosdepth.summary.txt`` and ``**/{sample}.txt`` under a ``samtools_stats`` folder.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from actionable.errors import FormatError, InputFileError

REGIONS_SUFFIX = ".regions.bed.gz"
THRESHOLDS_SUFFIX = ".thresholds.bed.gz"
SUMMARY_SUFFIX = ".mosdepth.summary.txt"
MIN_DEPTH = 20


@dataclass(frozen=True)
class GeneCoverage:
    gene: str
    length: int
    mean_depth: float
    pct_at_min_depth: float | None  # % of bases >= MIN_DEPTH


@dataclass
class SampleQC:
    sample: str
    genes: list[GeneCoverage] = field(default_factory=list)
    mean_depth_targets: float | None = None
    reads_total: int | None = None
    mapped_pct: float | None = None
    duplicate_pct: float | None = None
    properly_paired_pct: float | None = None
    error_rate: float | None = None
    insert_size: float | None = None

    @property
    def pct_target_at_min_depth(self) -> float | None:
        known = [g for g in self.genes if g.pct_at_min_depth is not None]
        total = sum(g.length for g in known)
        if not total:
            return None
        covered = sum(g.length * (g.pct_at_min_depth or 0.0) / 100 for g in known)
        return 100 * covered / total


def _open_text(path: Path) -> Iterator[str]:
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rt", encoding="utf-8") as handle:
                yield from handle
        else:
            with path.open(encoding="utf-8") as handle:
                yield from handle
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise InputFileError(f"{path}: cannot read QC file ({exc})") from None


def _find(dirs: Iterable[Path], name: str, parent: str | None = None) -> Path | None:
    for directory in dirs:
        for path in sorted(directory.rglob(name)):
            if parent is None or path.parent.name == parent:
                return path
    return None


def discover_samples(dirs: Iterable[Path]) -> list[str]:
    """Samples with a mosdepth regions file in any of the directories."""
    names = set()
    for directory in dirs:
        for path in directory.rglob(f"*{REGIONS_SUFFIX}"):
            names.add(path.name[: -len(REGIONS_SUFFIX)])
    return sorted(names)


def read_regions(path: Path) -> dict[str, tuple[int, float]]:
    """Gene -> (bases, length-weighted mean depth) from a mosdepth regions file."""
    sums: dict[str, list[float]] = {}
    for lineno, line in enumerate(_open_text(path), start=1):
        fields = line.rstrip("\n").split("\t")
        if not line.strip() or line.startswith("#"):
            continue
        if len(fields) < 5:
            raise FormatError(
                f"{path}: line {lineno}: expected chrom, start, end, name, mean depth "
                "(run mosdepth with --by a BED that names each region)"
            )
        try:
            length = int(fields[2]) - int(fields[1])
            mean = float(fields[4])
        except ValueError:
            raise FormatError(f"{path}: line {lineno}: start/end/mean must be numbers") from None
        acc = sums.setdefault(fields[3], [0.0, 0.0])
        acc[0] += length
        acc[1] += length * mean
    return {gene: (int(n), (d / n if n else 0.0)) for gene, (n, d) in sums.items()}


def read_thresholds(path: Path, depth: int = MIN_DEPTH) -> dict[str, float]:
    """Gene -> % of bases at >= depth, from a mosdepth thresholds file."""
    column: int | None = None
    sums: dict[str, list[int]] = {}
    for lineno, line in enumerate(_open_text(path), start=1):
        fields = line.rstrip("\n").split("\t")
        if line.startswith("#"):
            header = [f.strip() for f in fields]
            if f"{depth}X" not in header:
                raise FormatError(
                    f"{path}: line {lineno}: no {depth}X column (run mosdepth with "
                    f"--thresholds including {depth})"
                )
            column = header.index(f"{depth}X")
            continue
        if not line.strip():
            continue
        if column is None:
            raise FormatError(f"{path}: line {lineno}: header line (#chrom ...) missing")
        try:
            length = int(fields[2]) - int(fields[1])
            covered = int(fields[column])
        except (ValueError, IndexError):
            raise FormatError(f"{path}: line {lineno}: expected integer columns") from None
        acc = sums.setdefault(fields[3], [0, 0])
        acc[0] += length
        acc[1] += covered
    return {gene: (100.0 * c / n if n else 0.0) for gene, (n, c) in sums.items()}


def read_summary(path: Path) -> float | None:
    """Mean depth over the target regions (the total_region row), else over the genome."""
    rows: dict[str, float] = {}
    for line in _open_text(path):
        fields = line.rstrip("\n").split("\t")
        if len(fields) >= 4 and fields[0] != "chrom":
            try:
                rows[fields[0]] = float(fields[3])
            except ValueError:
                continue
    return rows.get("total_region", rows.get("total"))


def read_samtools_stats(path: Path, qc: SampleQC) -> None:
    """Fill read counts and rates from the SN section of `samtools stats`."""
    sn: dict[str, float] = {}
    for line in _open_text(path):
        if not line.startswith("SN\t"):
            continue
        fields = line.rstrip("\n").split("\t")
        if len(fields) < 3:
            continue
        try:
            sn[fields[1].rstrip(":")] = float(fields[2])
        except ValueError:
            continue
    total = sn.get("raw total sequences")
    if not total:
        return
    qc.reads_total = int(total)
    if "reads mapped" in sn:
        qc.mapped_pct = 100 * sn["reads mapped"] / total
    if "reads duplicated" in sn:
        qc.duplicate_pct = 100 * sn["reads duplicated"] / total
    if "reads properly paired" in sn:
        qc.properly_paired_pct = 100 * sn["reads properly paired"] / total
    qc.error_rate = sn.get("error rate")
    qc.insert_size = sn.get("insert size average")


def load_qc(dirs: list[Path], samples: list[str] | None = None) -> list[SampleQC]:
    """QC of each sample found (or named) in the directories."""
    for directory in dirs:
        if not directory.is_dir():
            raise InputFileError(f"{directory}: QC directory not found")
    names = samples or discover_samples(dirs)
    out = []
    for sample in names:
        qc = SampleQC(sample)
        regions = _find(dirs, f"{sample}{REGIONS_SUFFIX}")
        thresholds = _find(dirs, f"{sample}{THRESHOLDS_SUFFIX}")
        summary = _find(dirs, f"{sample}{SUMMARY_SUFFIX}")
        stats = _find(dirs, f"{sample}.txt", parent="samtools_stats")
        if not any((regions, thresholds, summary, stats)):
            raise InputFileError(
                f"{', '.join(map(str, dirs))}: no QC files for sample {sample!r} (expected "
                f"{sample}{REGIONS_SUFFIX} and samtools_stats/{sample}.txt)"
            )
        depth = read_regions(regions) if regions else {}
        pct = read_thresholds(thresholds) if thresholds else {}
        qc.genes = [
            GeneCoverage(gene, length, mean, pct.get(gene))
            for gene, (length, mean) in sorted(depth.items())
        ]
        if summary:
            qc.mean_depth_targets = read_summary(summary)
        if stats:
            read_samtools_stats(stats, qc)
        out.append(qc)
    return out
