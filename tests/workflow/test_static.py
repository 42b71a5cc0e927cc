"""Workflow checks that run no jobs: lint, formatting, dry-run, sheet validation."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.workflow import DEMO, REPO, demo_config, snakemake, write_config, write_sheets

BIN = Path(sys.executable).parent


def run(*command: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, **kwargs)


def test_snakemake_lint_is_clean() -> None:
    result = run(sys.executable, "-m", "snakemake", "--lint")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Congratulations, your workflow is in a good condition!" in result.stdout + result.stderr


def test_snakefmt_is_clean() -> None:
    result = run(str(BIN / "snakefmt"), "--check", "Snakefile", "workflow")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]])
def test_ruff_is_clean(command: list[str]) -> None:
    result = run(str(BIN / "ruff"), *command, ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_dry_run_plans_every_stage(tmp_path: Path) -> None:
    """The demo configuration, planned in a scratch directory: whatever the checkout holds."""
    demo_config(tmp_path)
    result = snakemake(tmp_path, "--dry-run", "--quiet", "rules")
    for rule in (
        "fastp",
        "fastqc",
        "bwa_mem",
        "merge_markdup",
        "call_germline",
        "normalise_filter",
        "snpeff_build",
        "snpeff_annotate",
        "mosdepth",
        "multiqc",
    ):
        assert rule in result.stdout, rule


@pytest.fixture
def sheet_dir(tmp_path: Path) -> Path:
    reads = sorted((DEMO / "reads").glob("DEMO_G1_L001_R*.fastq.gz"))
    write_config(tmp_path, DEMO / "genome.fa", DEMO / "genes.gtf", "demo")
    write_sheets(
        tmp_path,
        [
            {"sample": "bad name", "patient": "P1", "type": "germline", "tumor_type": ""},
            {"sample": "S2", "patient": "P1", "type": "somatic", "tumor_type": ""},
        ],
        [
            {"sample": "S2", "unit": "L1", "fq1": str(reads[0]), "fq2": str(reads[1])},
            {"sample": "S2", "unit": "L1", "fq1": str(reads[0]), "fq2": "missing_R2.fq.gz"},
        ],
    )
    return tmp_path


def test_sheet_errors_name_line_and_column(sheet_dir: Path) -> None:
    result = snakemake(sheet_dir, "--dry-run", check=False)
    assert result.returncode != 0
    out = result.stderr + result.stdout
    assert "samples.tsv line 2, column sample" in out
    assert "samples.tsv line 3, column type" in out
    assert "Traceback" not in out
    assert "Job stats" not in out


def test_unit_errors(sheet_dir: Path) -> None:
    write_sheets(
        sheet_dir,
        [{"sample": "S2", "patient": "P1", "type": "germline", "tumor_type": ""}],
        [
            {"sample": "S2", "unit": "L1", "fq1": "a_R1.fq.gz", "fq2": "a_R2.fq.gz"},
            {"sample": "S2", "unit": "L1", "fq1": "a_R1.fq.gz", "fq2": "a_R2.fq.gz"},
            {"sample": "S9", "unit": "L1", "fq1": "a_R1.fq.gz", "fq2": "a_R2.fq.gz"},
        ],
    )
    result = snakemake(sheet_dir, "--dry-run", check=False)
    out = result.stdout + result.stderr
    assert "units.tsv line 3: unit L1 of sample S2 is repeated" in out
    assert "units.tsv line 4: sample S9 is not in samples.tsv" in out
    assert "units.tsv line 2, column fq1: file a_R1.fq.gz does not exist" in out


def test_missing_tool_is_named_with_both_remedies(sheet_dir: Path, tmp_path: Path) -> None:
    write_sheets(
        sheet_dir,
        [{"sample": "S2", "patient": "P1", "type": "germline", "tumor_type": ""}],
        [
            {
                "sample": "S2",
                "unit": "L1",
                "fq1": str(DEMO / "reads/DEMO_G1_L001_R1.fastq.gz"),
                "fq2": str(DEMO / "reads/DEMO_G1_L001_R2.fastq.gz"),
            }
        ],
    )
    # a PATH holding every tool but fastp
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    for directory in os.environ["PATH"].split(os.pathsep):
        for tool in Path(directory).glob("*") if Path(directory).is_dir() else ():
            target = fake_bin / tool.name
            if tool.name != "fastp" and not target.exists():
                target.symlink_to(tool)
    env = {**os.environ, "PATH": str(fake_bin)}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "snakemake",
            "-s",
            str(REPO / "Snakefile"),
            "-d",
            str(sheet_dir),
            "--configfile",
            str(sheet_dir / "config.yaml"),
            "-n",
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode != 0
    out = result.stdout + result.stderr
    assert "fastp is not on PATH: run with '--sdm conda'" in out
    assert "apt-get install fastp" in out
    assert shutil.which("fastp"), "fastp should be installed for the rest of the suite"


def test_prebuilt_snpeff_database_is_downloaded_not_built(tmp_path: Path) -> None:
    reads = sorted((DEMO / "reads").glob("DEMO_G1_L001_R*.fastq.gz"))
    write_sheets(
        tmp_path,
        [{"sample": "S1", "patient": "P1", "type": "germline", "tumor_type": ""}],
        [{"sample": "S1", "unit": "L1", "fq1": str(reads[0]), "fq2": str(reads[1])}],
    )
    write_config(
        tmp_path,
        DEMO / "genome.fa",
        DEMO / "genes.gtf",
        "GRCh38",
        snpeff={"database": "GRCh38.mane.1.2.refseq"},
    )
    result = snakemake(tmp_path, "--dry-run", "--quiet", "rules")
    assert "snpeff_download" in result.stdout
    assert "snpeff_build" not in result.stdout
