"""Broken reads stop a unit with one message naming sample, unit and file (issue 11):
R1/R2 of unequal length or unpaired names, truncated gzip, too few or zero reads, and a
fastp report that did not read every read."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from actionable.errors import FormatError, InputFileError
from actionable.workflow.reads import Unit, check_fastp, check_unit, main

UNIT = Unit("S1", "L001")


def fastq(path: Path, names: list[str], mate: int, compress: bool = True) -> Path:
    text = "".join(f"@{name}/{mate}\nACGTACGTAC\n+\nIIIIIIIIII\n" for name in names)
    if compress:
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text)
    return path


def pair(tmp_path: Path, n1: int, n2: int | None = None) -> tuple[Path, Path]:
    names = [f"read{i}" for i in range(max(n1, n2 if n2 is not None else n1))]
    r1 = fastq(tmp_path / "x_R1.fastq.gz", names[:n1], 1)
    r2 = fastq(tmp_path / "x_R2.fastq.gz", names[: n1 if n2 is None else n2], 2)
    return r1, r2


def test_good_unit_counts_its_pairs(tmp_path: Path) -> None:
    r1, r2 = pair(tmp_path, 1200)
    assert check_unit(r1, r2, UNIT, 1000) == 1200


def test_plain_fastq_and_illumina_comments_pair(tmp_path: Path) -> None:
    r1 = tmp_path / "a_R1.fastq"
    r2 = tmp_path / "a_R2.fastq"
    r1.write_text("@M1:1:FC:1:1:1:1 1:N:0:ACGT\nAC\n+\nII\n")
    r2.write_text("@M1:1:FC:1:1:1:1 2:N:0:ACGT\nGT\n+\nII\n")
    assert check_unit(r1, r2, UNIT, 1) == 1


@pytest.mark.parametrize(("n1", "n2"), [(11542, 5000), (5000, 11542)])
def test_unequal_read_counts_name_both_files_and_counts(tmp_path: Path, n1: int, n2: int) -> None:
    r1, r2 = pair(tmp_path, n1, n2)
    with pytest.raises(FormatError) as error:
        check_unit(r1, r2, UNIT, 1000)
    message = str(error.value)
    assert message.startswith("sample S1, unit L001: ")
    assert f"{r1} has {n1} reads but {r2} has {n2}" in message


def test_unpaired_names(tmp_path: Path) -> None:
    r1 = fastq(tmp_path / "a_R1.fastq.gz", ["a", "b", "c"], 1)
    r2 = fastq(tmp_path / "a_R2.fastq.gz", ["a", "c", "b"], 2)
    with pytest.raises(FormatError, match=r"sample S1, unit L001: read 2 is b in .* but c in"):
        check_unit(r1, r2, UNIT, 1)


@pytest.mark.parametrize("broken", ["R1", "R2"])
def test_truncated_gzip_names_the_file(tmp_path: Path, broken: str) -> None:
    r1, r2 = pair(tmp_path, 5000)
    target = r1 if broken == "R1" else r2
    data = target.read_bytes()
    target.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputFileError) as error:
        check_unit(r1, r2, UNIT, 1000)
    assert f"sample S1, unit L001: {target}: the gzip data is truncated or corrupt" in str(
        error.value
    )


@pytest.mark.parametrize("pairs", [0, 999])
def test_too_few_pairs(tmp_path: Path, pairs: int) -> None:
    r1, r2 = pair(tmp_path, pairs)
    with pytest.raises(FormatError) as error:
        check_unit(r1, r2, UNIT, 1000)
    assert f"hold {pairs} read pairs, fewer than reads.min_pairs (1000)" in str(error.value)


def test_record_with_fewer_qualities_than_bases(tmp_path: Path) -> None:
    r1 = tmp_path / "a_R1.fastq"
    r1.write_text("@a/1\nACGT\n+\nIII\n")
    r2 = fastq(tmp_path / "a_R2.fastq", ["a"], 2, compress=False)
    with pytest.raises(FormatError, match="read 1 has 4 bases but 3 qualities"):
        check_unit(r1, r2, UNIT, 1)


def test_fastp_report_must_count_every_read(tmp_path: Path) -> None:
    counts = tmp_path / "counts.json"
    counts.write_text(json.dumps({"sample": "S1", "unit": "L001", "pairs": 11542}))
    report = tmp_path / "fastp.json"
    report.write_text(json.dumps({"summary": {"before_filtering": {"total_reads": 23084}}}))
    check_fastp(counts, report)
    report.write_text(json.dumps({"summary": {"before_filtering": {"total_reads": 10000}}}))
    with pytest.raises(FormatError, match="sample S1, unit L001: fastp read 10000 reads"):
        check_fastp(counts, report)


def test_command_line_writes_nothing_for_a_failing_unit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    r1, r2 = pair(tmp_path, 1000, 10)
    out = tmp_path / "counts.json"
    argv = ["check", "--sample", "S1", "--unit", "L001", "--r1", str(r1), "--r2", str(r2)]
    assert main([*argv, "--min-pairs", "5", "--out", str(out)]) == 2
    assert not out.exists()
    assert capsys.readouterr().err.count("\n") == 1
    r1, r2 = pair(tmp_path, 10)
    assert main([*argv, "--min-pairs", "5", "--out", str(out)]) == 0
    assert json.loads(out.read_text()) == {"sample": "S1", "unit": "L001", "pairs": 10}
