"""Rebuilding reference windows from the MD tags of aligned reads."""

from __future__ import annotations

from pathlib import Path

import pysam
import pytest

from actionable.errors import FormatError
from tests.support.md_reference import Window, collect_bases, rebuild, shift_bed, to_window

REF = "ACGTTGCAACGGTACCTTAG"  # chrZ:1001-1020


def write_bam(path: Path, reads: list[tuple[str, int, str, str, str | None]]) -> Path:
    header = {"HD": {"VN": "1.6", "SO": "coordinate"}, "SQ": [{"SN": "chrZ", "LN": 100000}]}
    with pysam.AlignmentFile(str(path), "wb", header=header) as bam:
        for name, pos, cigar, seq, md in reads:
            read = pysam.AlignedSegment()
            read.query_name, read.reference_id, read.reference_start = name, 0, pos - 1
            read.cigarstring, read.query_sequence = cigar, seq
            read.mapping_quality, read.flag = 60, 0
            read.query_qualities = pysam.qualitystring_to_array("I" * len(seq))
            if md is not None:
                read.set_tag("MD", md)
            bam.write(read)
    pysam.index(str(path))
    return path


READS = [
    # mismatch: the read has A where the reference has T (chrZ:1004)
    ("a", 1001, "10M", "ACGATGCAAC", "3T6"),
    # 2-base deletion of chrZ:1012-1013 (GT), soft clip at the start
    ("b", 1008, "2S4M2D5M", "GGAACGACCTT", "4^GT5"),
]


def test_rebuild_windows(tmp_path: Path) -> None:
    bam = write_bam(tmp_path / "x.bam", READS)
    fasta = tmp_path / "ref.fa"
    reference = rebuild([bam], fasta, padding=5)
    assert reference.reads_used == 2 and reference.conflicts == 0
    assert reference.windows == [Window("chrZ", 996, 1023)]
    records = fasta.read_text().split()
    assert records == [">chrZ_996_1023", "N" * 5 + REF[:18] + "N" * 5]
    assert to_window(reference.windows, "chrZ", 1001) == ("chrZ_996_1023", 6)
    assert to_window(reference.windows, "chrZ", 2000) is None


def test_far_apart_reads_make_separate_windows(tmp_path: Path) -> None:
    far = [*READS, ("c", 5001, "4M", "ACGT", "4")]
    reference = rebuild([write_bam(tmp_path / "x.bam", far)], tmp_path / "r.fa", padding=100)
    assert [w.name for w in reference.windows] == ["chrZ_901_1118", "chrZ_4901_5104"]


def test_shift_bed(tmp_path: Path) -> None:
    reference = rebuild([write_bam(tmp_path / "x.bam", READS)], tmp_path / "r.fa", padding=5)
    bed = tmp_path / "t.bed"
    bed.write_text("chrZ\t1000\t1010\tt1\nchrZ\t50000\t50010\toutside\n")
    assert shift_bed(reference.windows, bed, tmp_path / "out.bed") == 1
    assert (tmp_path / "out.bed").read_text() == "chrZ_996_1023\t5\t15\tt1\n"


def test_reads_without_md_are_an_error(tmp_path: Path) -> None:
    bam = write_bam(tmp_path / "x.bam", [("a", 1001, "10M", "ACGATGCAAC", None)])
    with pytest.raises(FormatError, match="no aligned read with an MD tag"):
        collect_bases([bam])
