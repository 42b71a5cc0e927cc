"""QC numbers for the report: per-gene depth (mosdepth) and read statistics (samtools stats).

QC files are given one by one, or found in QC directories; per sample they are:
``**/{sample}.regions.bed.gz`` (mean depth per region, 4th column the gene),
``**/{sample}.thresholds.bed.gz`` (bases at >= 1/10/20/30x per region),
``**/{sample}.mosdepth.summary.txt`` and ``**/{sample}.txt`` under a ``samtools_stats`` folder.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from actionable.errors import InputFileError
from actionable.formats.mosdepth import (
    REGIONS_SUFFIX,
    SUMMARY_SUFFIX,
    THRESHOLDS_SUFFIX,
    read_regions,
    read_summary,
    read_thresholds,
)
from actionable.formats.samtools_stats import read_summary_numbers

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


def _find(
    dirs: Iterable[Path], name: str, parent: str | None = None, files: Iterable[Path] = ()
) -> Path | None:
    for path in files:
        if path.name == name and (parent is None or path.parent.name == parent):
            return path
    for directory in dirs:
        for path in sorted(directory.rglob(name)):
            if parent is None or path.parent.name == parent:
                return path
    return None


def discover_samples(dirs: Iterable[Path], files: Iterable[Path] = ()) -> list[str]:
    """Samples with a mosdepth regions file among the files or in any of the directories."""
    names = {p.name[: -len(REGIONS_SUFFIX)] for p in files if p.name.endswith(REGIONS_SUFFIX)}
    for directory in dirs:
        for path in directory.rglob(f"*{REGIONS_SUFFIX}"):
            names.add(path.name[: -len(REGIONS_SUFFIX)])
    return sorted(names)


def read_samtools_stats(path: Path, qc: SampleQC) -> None:
    """Fill read counts and rates from the SN section of `samtools stats`."""
    sn = read_summary_numbers(path)
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


def load_qc(
    dirs: list[Path], samples: list[str] | None = None, files: list[Path] | None = None
) -> list[SampleQC]:
    """QC of each sample found (or named) among the files and in the directories."""
    for directory in dirs:
        if not directory.is_dir():
            raise InputFileError(f"{directory}: QC directory not found")
    files = files or []
    names = samples or discover_samples(dirs, files)
    out = []
    for sample in names:
        qc = SampleQC(sample)
        regions = _find(dirs, f"{sample}{REGIONS_SUFFIX}", files=files)
        thresholds = _find(dirs, f"{sample}{THRESHOLDS_SUFFIX}", files=files)
        summary = _find(dirs, f"{sample}{SUMMARY_SUFFIX}", files=files)
        stats = _find(dirs, f"{sample}.txt", parent="samtools_stats", files=files)
        if not any((regions, thresholds, summary, stats)):
            where = ", ".join(map(str, [*dirs, *files]))
            raise InputFileError(
                f"{where}: no QC files for sample {sample!r} (expected "
                f"{sample}{REGIONS_SUFFIX} and samtools_stats/{sample}.txt)"
            )
        depth = read_regions(regions) if regions else {}
        pct = read_thresholds(thresholds, MIN_DEPTH) if thresholds else {}
        qc.genes = [
            GeneCoverage(gene, region.bases, region.depth, pct.get(gene))
            for gene, region in sorted(depth.items())
        ]
        if summary:
            qc.mean_depth_targets = read_summary(summary)
        if stats:
            read_samtools_stats(stats, qc)
        out.append(qc)
    return out
