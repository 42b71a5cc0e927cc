"""QC given as the files themselves (the workflow's declared inputs) reads like a QC folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from actionable.errors import InputFileError
from actionable.report.build import load_report_data
from actionable.report.qc import load_qc
from tests.support.report_fixtures import FIXTURES

QC = FIXTURES / "qc"


def qc_files(samples: list[str]) -> list[Path]:
    files = []
    for sample in samples:
        files += [
            QC / "mosdepth" / f"{sample}.regions.bed.gz",
            QC / "mosdepth" / f"{sample}.thresholds.bed.gz",
            QC / "mosdepth" / f"{sample}.mosdepth.summary.txt",
            QC / "samtools_stats" / f"{sample}.txt",
        ]
    return [f for f in files if f.exists()]


def test_files_give_the_same_qc_as_their_folder() -> None:
    from_dir = load_qc([QC])
    samples = [qc.sample for qc in from_dir]
    assert len(samples) == 2
    files = qc_files(samples)
    assert load_qc([], files=files) == from_dir
    assert load_qc([], samples[:1], files=files) == from_dir[:1]


def test_report_data_with_qc_files() -> None:
    samples = [qc.sample for qc in load_qc([QC])]
    by_dir = load_report_data(FIXTURES / "findings.json", qc_dirs=[QC], qc_samples=samples)
    by_files = load_report_data(
        FIXTURES / "findings.json", qc_files=qc_files(samples), qc_samples=samples
    )
    assert by_files.qc == by_dir.qc


def test_a_sample_without_files_is_an_error() -> None:
    with pytest.raises(InputFileError, match="no QC files for sample 'OTHER'"):
        load_qc([], ["OTHER"], files=qc_files(["DEMO_P1_T"]))
