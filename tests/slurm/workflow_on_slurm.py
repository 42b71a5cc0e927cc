"""The demo workflow on a real one-node SLURM cluster, through the profiles in profiles/.

`make test-slurm` runs this file inside tests/slurm/cluster.sh, which starts munged,
slurmctld and slurmd and stops them afterwards. A plain `pytest` does not collect it (the
name does not start with test_); named explicitly without that cluster, it skips.

Four Snakemake runs start together and the tests wait for the one they look at: the demo
locally, the demo with --profile profiles/slurm, a job that fails under SLURM, and two jobs
through --profile profiles/cluster-generic.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.slurm import (
    PROFILES,
    SUBMITTED,
    Finished,
    Run,
    comparable,
    demo_workdir,
    executed_jobs,
    job_blocks,
    node_memory_mb,
    planned_jobs,
    planned_total,
    result_files,
    slurm_jobs,
)

pytestmark = pytest.mark.skipif(
    os.environ.get("ACTIONABLE_SLURM_CLUSTER") != "1",
    reason="needs the one-node cluster of tests/slurm/cluster.sh (make test-slurm)",
)

# Only what differs from a production cluster: no accounting database here (so job states
# come from squeue, which keeps finished jobs for MinJobAge seconds), jobs of seconds (so
# the first status check comes early: by then most have ended; each check that finds none
# ended puts the next one 10 s later), and SLURM logs kept for the checks below.
TEST_CLUSTER = (
    "--slurm-status-command",
    "squeue",
    "--slurm-init-seconds-before-status-checks",
    "8",
    "--slurm-keep-successful-logs",
)


def broken_workdir(path: Path) -> Path:
    """One sample with one unit whose FASTQ files are not gzip/FASTQ at all."""
    import yaml

    workdir = demo_workdir(path)
    config = yaml.safe_load((workdir / "config" / "config.yaml").read_text())
    config["samples"], config["units"] = "samples.tsv", "units.tsv"
    (workdir / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    samples = (workdir / "config" / "samples.tsv").read_text().splitlines()
    (workdir / "samples.tsv").write_text("\n".join(samples[:2]) + "\n")
    sample = samples[1].split("\t")[samples[0].split("\t").index("sample")]
    header = (workdir / "config" / "units.tsv").read_text().splitlines()[0].split("\t")
    row = {column: "" for column in header}
    row.update(sample=sample, unit="BROKEN", fq1="broken_R1.fastq.gz", fq2="broken_R2.fastq.gz")
    if "platform" in row:
        row["platform"] = "ILLUMINA"
    lines = ["\t".join(header), "\t".join(row[c] for c in header)]
    (workdir / "units.tsv").write_text("\n".join(lines) + "\n")
    for name in ("broken_R1.fastq.gz", "broken_R2.fastq.gz"):
        (workdir / name).write_text("this is not a FASTQ file\n")
    return workdir


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Run]]:
    root = tmp_path_factory.mktemp("cluster")
    cap = f"mem_mb={node_memory_mb()}"  # no job asks for more than the one node has
    started = {
        "local": Run(demo_workdir(root / "local")),
        "slurm": Run(
            demo_workdir(root / "slurm"),
            *("--profile", str(PROFILES / "slurm"), *TEST_CLUSTER, "--resources", cap),
        ),
        "failing": Run(
            broken_workdir(root / "failing"),
            *("--profile", str(PROFILES / "slurm"), *TEST_CLUSTER, "--resources", cap),
            *("--configfile", "config.yaml", "--retries", "1", "--until", "check_reads"),
        ),
        "generic": Run(
            demo_workdir(root / "generic"),
            *("--profile", str(PROFILES / "cluster-generic"), "--resources", cap),
            *("--seconds-between-status-checks", "3"),
            *("--until", "reference_faidx", "snpeff_config"),
        ),
    }
    yield started
    for run in started.values():
        run.stop()


def finished(run: Run) -> Finished:
    done = run.finish()
    print(f"{run.workdir.name}: exit {done.returncode}, output in {run.log_path}")
    return done


@pytest.fixture(scope="module")
def local_run(runs: dict[str, Run]) -> Finished:
    done = finished(runs["local"])
    assert done.returncode == 0, done.log[-5000:]
    return done


@pytest.fixture(scope="module")
def slurm_run(runs: dict[str, Run]) -> Finished:
    done = finished(runs["slurm"])
    assert done.returncode == 0, done.log[-5000:]
    return done


def test_every_demo_job_ran_as_a_slurm_job(slurm_run: Finished) -> None:
    log = slurm_run.log
    planned = planned_jobs(log)
    # every job but the target rule `all` went to the cluster
    assert len(planned) == planned_total(log) - 1
    assert {b.rule for b in job_blocks(log) if b.kind == "localrule"} <= {"all"}

    run_id = re.search(r"^SLURM run ID: (\S+)$", log, re.M)[1]
    submissions = SUBMITTED.findall(log)
    ours = {job.jobid: job for job in slurm_jobs().values() if job.name == run_id}
    assert sorted(ours, key=int) == sorted((sid for _, sid, _ in submissions), key=int)
    assert {job.state for job in ours.values()} == {"COMPLETED"}

    # each SLURM job's log shows the job step running its Snakemake job(s)
    executed: set[tuple[str, str]] = set()
    for _, slurm_id, slurm_log in submissions:
        ran = executed_jobs(Path(slurm_log).read_text())
        assert ran, f"SLURM job {slurm_id} ran no Snakemake job ({slurm_log})"
        executed |= ran
    assert executed == planned
    # grouped small jobs share one SLURM job
    assert len(submissions) < len(planned)
    print(f"{len(planned)} Snakemake jobs in {len(submissions)} SLURM jobs")


def test_slurm_results_equal_local_results(local_run: Finished, slurm_run: Finished) -> None:
    files = result_files(local_run.workdir)
    assert files == result_files(slurm_run.workdir)
    compared = []
    for name in sorted(files):
        local = comparable(local_run.workdir / "results" / name, local_run.workdir)
        if local is None:
            continue
        remote = comparable(slurm_run.workdir / "results" / name, slurm_run.workdir)
        assert local == remote, f"results/{name} differs between the local and the SLURM run"
        compared.append(name)
    print(f"{len(compared)} of {len(files)} result files compared")
    assert any(name.endswith(".bam") for name in compared)
    annotated = [n for n in compared if n.startswith("annotated/") and n.endswith(".vcf.gz")]
    assert annotated
    records = comparable(local_run.workdir / "results" / annotated[0], local_run.workdir)
    assert any(not line.startswith("#") and "ANN=" in line for line in records)


def test_failed_slurm_job_is_reported_with_its_slurm_log(runs: dict[str, Run]) -> None:
    done = finished(runs["failing"])
    assert done.returncode != 0
    submissions = SUBMITTED.findall(done.log)
    assert len(submissions) == 2, "one job, submitted again once (--retries 1)"
    jobs = slurm_jobs()
    for _, slurm_id, slurm_log in submissions:
        assert f"SLURM-job '{slurm_id}' failed" in done.log
        # the error report names the SLURM log, and that log holds the job's own error
        assert re.search(rf"^\s+log: .*{re.escape(slurm_log)} \(check log", done.log, re.M)
        text = Path(slurm_log).read_text()
        assert "Error in rule check_reads" in text
        assert "returned non-zero exit status" in text
        assert jobs[slurm_id].state == "FAILED"
    assert "Error in rule check_reads:" in done.log
    # the retry asked SLURM for more memory (mem_mb grows with `attempt`)
    first, second = (jobs[slurm_id].mem_mb for _, slurm_id, _ in submissions)
    assert second == 2 * first


def test_cluster_generic_profile_submits_through_sbatch(
    runs: dict[str, Run], local_run: Finished
) -> None:
    done = finished(runs["generic"])
    assert done.returncode == 0, done.log[-5000:]
    submitted = re.compile(r"^Submitted (?:group job|job) \S+ with external jobid '(\d+)'\.$", re.M)
    ids = submitted.findall(done.log)
    assert len(ids) == 2  # the reference group (fasta + faidx) and snpeff_config
    jobs = slurm_jobs()
    for slurm_id in ids:
        assert jobs[slurm_id].state == "COMPLETED"
        assert jobs[slurm_id].name.startswith("smk-")
        assert list(done.workdir.glob(f"logs/cluster/*/{slurm_id}.log"))
    for name in ("reference/genome.fa.fai", "reference/snpeff/snpEff.config"):
        mine = comparable(done.workdir / "results" / name, done.workdir)
        assert mine == comparable(local_run.workdir / "results" / name, local_run.workdir)
