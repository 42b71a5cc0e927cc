"""actionable.formats.mosdepth: the one reader of mosdepth output (copy number and report)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from actionable.errors import FormatError, InputFileError
from actionable.formats.mosdepth import GeneRegion, read_regions, read_summary, read_thresholds


def write_gz(path: Path, text: str) -> Path:
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(text)
    return path


def test_regions_of_a_gene_are_merged(tmp_path: Path) -> None:
    path = write_gz(
        tmp_path / "s.regions.bed.gz",
        "chr1\t200\t500\tA\t30.00\nchr1\t0\t100\tA\t10.00\n\nchr2\t0\t50\tB\t7\n",
    )
    regions = read_regions(path)
    assert list(regions) == ["A", "B"]  # order of first appearance
    assert regions["A"] == GeneRegion("A", "chr1", 0, 500, 25.0, 400)
    assert regions["B"] == GeneRegion("B", "chr2", 0, 50, 7.0, 50)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("chr1\t0\t100\tA\n", "line 1: expected contig, start, end, name and mean depth"),
        ("chr1\tx\t100\tA\t3\n", "line 1: start/end/mean must be numbers"),
    ],
)
def test_malformed_regions(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "bad.regions.bed"
    path.write_text(line)
    with pytest.raises(FormatError, match=message):
        read_regions(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match=r"absent\.regions\.bed\.gz: file not found"):
        read_regions(tmp_path / "absent.regions.bed.gz")


def test_thresholds_and_summary(tmp_path: Path) -> None:
    thresholds = write_gz(
        tmp_path / "s.thresholds.bed.gz",
        "#chrom\tstart\tend\tregion\t1X\t10X\t20X\t30X\n"
        "chr1\t0\t100\tA\t100\t100\t50\t0\nchr1\t200\t300\tA\t100\t100\t100\t10\n",
    )
    assert read_thresholds(thresholds, 20) == {"A": 75.0}
    with pytest.raises(FormatError, match="no 50X column"):
        read_thresholds(thresholds, 50)
    summary = tmp_path / "s.mosdepth.summary.txt"
    summary.write_text(
        "chrom\tlength\tbases\tmean\tmin\tmax\nchr1\t1000\t30000\t30.00\t0\t60\n"
        "total\t1000\t30000\t30.00\t0\t60\ntotal_region\t200\t8000\t40.00\t0\t60\n"
    )
    assert read_summary(summary) == 40.0
