"""Scatter-gather calling on the demo: the merged calls equal the unscattered ones.

Runs (each in its own scratch copy; alignments are made once and copied):
  1. demo config, calling.scatter 1: germline (bcftools, one job per sample as before) and
     somatic (freebayes T/N, one job per patient) VCFs;
  2. the same with calling.scatter 3: three jobs per call, merged;
  3./4. germline freebayes restricted to calling.regions (each demo gene in two pieces),
     scatter 1 and 7.
Comparisons are exact: every field of every record, QUAL to the last digit.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from tests.support.workflow import DEMO, assert_same_records, demo_config, records, snakemake

GERMLINE = "results/calls/DEMO_G1.germline.vcf.gz"
SOMATIC = "results/somatic/DEMO_P2.somatic.vcf.gz"
SOMATIC_ALL = "results/somatic/DEMO_P2.all.vcf.gz"


def configure(workdir: Path, **calling: object) -> None:
    path = workdir / "config.yaml"
    config = yaml.safe_load(path.read_text())
    config["calling"].update(calling)
    path.write_text(yaml.safe_dump(config, sort_keys=False))


def copy_run(source: Path, target: Path) -> Path:
    """A copy of a finished run (alignments kept, mtimes too) without its calls."""
    shutil.copytree(source, target, symlinks=True)
    for calls in ("results/calls", "results/somatic", "results/reference/regions"):
        shutil.rmtree(target / calls, ignore_errors=True)
    return target


def job_counts(result) -> dict[str, int]:
    """The "Job stats" table Snakemake prints before running."""
    text = result.stdout + result.stderr
    table = text.split("Job stats:", 1)[1].split("total", 1)[0]
    return {m[1]: int(m[2]) for m in re.finditer(r"^(\w+)\s+(\d+)\s*$", table, re.M)}


@pytest.fixture(scope="module")
def unscattered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    workdir = tmp_path_factory.mktemp("scatter1")
    demo_config(workdir)
    configure(workdir, scatter=1)
    result = snakemake(workdir, GERMLINE, SOMATIC)
    counts = job_counts(result)
    assert counts["call_germline"] == 1 and counts["call_somatic"] == 1, counts
    # bcftools calls the sample as before; freebayes always calls block by block
    assert "gather_germline" not in counts and counts["gather_somatic"] == 1, counts
    return workdir


def test_scatter_3_equals_unscattered_calls(
    unscattered: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    workdir = copy_run(unscattered, tmp_path_factory.mktemp("scatter3") / "run")
    configure(workdir, scatter=3)
    result = snakemake(workdir, GERMLINE, SOMATIC)

    counts = job_counts(result)
    assert counts["call_germline"] == 3 and counts["call_somatic"] == 3, counts
    assert counts["gather_germline"] == counts["gather_somatic"] == 1, counts
    assert not {"bwa_mem", "merge_markdup"} & set(counts), "alignments were redone"
    chunks = sorted((workdir / "results/reference/regions").glob("[0-9][0-9][0-9][0-9].bed"))
    assert len(chunks) == 3 and all(chunk.stat().st_size for chunk in chunks)
    logs = sorted((workdir / "logs/call/DEMO_G1").glob("*.bcftools.log"))
    assert [log.name for log in logs] == [f"000{k}.bcftools.log" for k in (1, 2, 3)]

    germline = assert_same_records(unscattered / GERMLINE, workdir / GERMLINE)
    somatic = assert_same_records(unscattered / SOMATIC, workdir / SOMATIC)
    every = assert_same_records(unscattered / SOMATIC_ALL, workdir / SOMATIC_ALL)
    print(f"identical: {germline} germline, {somatic} somatic PASS, {every} somatic candidates")
    assert germline > 200 and somatic > 30


def split_genes_bed(path: Path) -> Path:
    """Each demo gene as two targets 1200 bases apart, in reference order."""
    lines = []
    for line in (DEMO / "genes.bed").read_text().splitlines():
        contig, start, end = line.split("\t")[:3]
        middle = (int(start) + int(end)) // 2
        lines += [f"{contig}\t{start}\t{middle - 600}", f"{contig}\t{middle + 600}\t{end}"]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_freebayes_on_regions_scattered_equals_one_region_job(
    unscattered: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    bed = split_genes_bed(tmp_path_factory.mktemp("bed") / "targets.bed")
    runs = {}
    for scatter in (1, 7):
        workdir = copy_run(unscattered, tmp_path_factory.mktemp(f"regions{scatter}") / "run")
        configure(workdir, scatter=scatter, regions=str(bed), caller="freebayes")
        counts = job_counts(snakemake(workdir, GERMLINE))
        assert counts["call_germline"] == scatter and counts["gather_germline"] == 1, counts
        runs[scatter] = workdir

    # the chunks keep exactly the targets, each in one chunk, in reference order
    kept = [
        line
        for k in range(1, 8)
        for line in (workdir / f"results/reference/regions/{k:04d}.bed").read_text().splitlines()
    ]
    assert kept == bed.read_text().splitlines()
    calls = assert_same_records(runs[1] / GERMLINE, runs[7] / GERMLINE)
    positions = [(r[0], int(r[1])) for r in records(runs[7] / GERMLINE)]
    targets = [line.split("\t") for line in bed.read_text().splitlines()]
    assert calls > 100
    # records start inside the targets (left-aligning may move an indel a little before one)
    assert all(
        any(c == contig and int(s) - 50 < pos <= int(e) for c, s, e in targets)
        for contig, pos in positions
    )
