"""The cluster profiles without a cluster: what each job would request, the rules' resource
declarations, and the cluster-generic scripts against stand-ins for sbatch, sacct and
scontrol. (tests/slurm/workflow_on_slurm.py runs them on a real SLURM.)"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.slurm import PROFILES, REPO, demo_workdir, job_blocks

GENERIC = PROFILES / "cluster-generic"


def dry_run(workdir: Path, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "snakemake", "--snakefile", str(REPO / "Snakefile"), "-n", *args],
        cwd=workdir,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout + result.stderr


@pytest.fixture(scope="module")
def slurm_dry_run(tmp_path_factory: pytest.TempPathFactory) -> str:
    workdir = demo_workdir(tmp_path_factory.mktemp("dry") / "demo")
    return dry_run(workdir, "--profile", str(PROFILES / "slurm"), "--cores", "64")


def test_slurm_dry_run_shows_each_jobs_request(slurm_dry_run: str) -> None:
    jobs = [b for b in job_blocks(slurm_dry_run) if b.rule != "all"]
    assert len(jobs) > 20
    for job in jobs:
        assert job.resources["slurm_partition"] == "compute", job
        assert int(job.resources["mem_mb"]) >= 500, job
        assert int(job.resources["runtime"]) >= 10, job
    # sized for a human genome, not for the demo
    bwa = next(job for job in jobs if job.rule == "bwa_mem")
    assert bwa.threads == 8
    assert int(bwa.resources["mem_mb"]) >= 12000
    assert int(bwa.resources["runtime"]) >= 720


def test_dry_run_caps_threads_at_cores(tmp_path: Path) -> None:
    out = dry_run(demo_workdir(tmp_path / "demo"), "--profile", str(PROFILES / "slurm"))
    cores = os.cpu_count() or 1
    assert max(job.threads for job in job_blocks(out)) <= cores


def rule_bodies() -> dict[str, str]:
    bodies = {}
    for smk in sorted((REPO / "workflow" / "rules").glob("*.smk")):
        parts = re.split(r"^\s*rule (\w+):\n", smk.read_text(), flags=re.M)
        for name, body in zip(parts[1::2], parts[2::2], strict=True):
            # up to the next top-level statement
            bodies[name] = re.split(r"^\S", body, maxsplit=1, flags=re.M)[0]
    return bodies


def test_every_rule_declares_threads_memory_and_runtime() -> None:
    bodies = rule_bodies()
    assert "bwa_mem" in bodies
    for name, body in bodies.items():
        assert re.search(r"^\s+threads: ", body, re.M), f"rule {name}: no threads:"
        assert "mem_mb=" in body, f"rule {name}: no mem_mb resource"
        assert "runtime=" in body, f"rule {name}: no runtime resource"


def test_slurm_profile_keys_are_not_overridden_by_the_default_profile() -> None:
    import yaml

    default = yaml.safe_load((PROFILES / "default" / "config.yaml").read_text())
    slurm = yaml.safe_load((PROFILES / "slurm" / "config.yaml").read_text())
    # the workflow profile wins on shared keys: they must agree, except cores (see comments)
    for key in set(default) & set(slurm):
        assert default[key] == slurm[key], key
    assert slurm["executor"] == "slurm"
    assert slurm["retries"] >= 1


def test_cluster_generic_dry_run_finds_its_scripts(tmp_path: Path) -> None:
    out = dry_run(demo_workdir(tmp_path / "demo"), "--profile", str(GENERIC))
    assert "Job stats" in out
    for script in ("submit.sh", "status.sh", "cancel.sh"):
        path = GENERIC / script
        assert os.access(path, os.X_OK), f"{path} is not executable"
        subprocess.run(["bash", "-n", str(path)], check=True)


@pytest.fixture
def fake_slurm(tmp_path: Path) -> dict[str, str]:
    """sbatch/sacct/scontrol stand-ins that answer from environment variables."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    scripts = {
        "sbatch": 'printf "%s\\n" "$@" > "$FAKE_SBATCH_ARGS"; echo "4242;cluster"',
        "sacct": 'printf "%s" "${FAKE_SACCT:-}"; exit "${FAKE_SACCT_STATUS:-0}"',
        "scontrol": 'printf "%s" "${FAKE_SCONTROL:-}"',
    }
    for name, body in scripts.items():
        (bin_dir / name).write_text(f"#!/usr/bin/env bash\n{body}\n")
        (bin_dir / name).chmod(0o755)
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(bin_dir), str(Path(sys.executable).parent), env["PATH"]])
    env["FAKE_SBATCH_ARGS"] = str(tmp_path / "sbatch.args")
    return env


@pytest.mark.parametrize(
    ("sacct", "scontrol", "expected"),
    [
        pytest.param("COMPLETED\n", "", "success", id="sacct-completed"),
        pytest.param("RUNNING\n", "", "running", id="sacct-running"),
        pytest.param("PENDING\n", "", "running", id="sacct-pending"),
        pytest.param("CANCELLED by 0\n", "", "failed", id="sacct-cancelled"),
        pytest.param("OUT_OF_MEMORY\n", "", "failed", id="sacct-oom"),
        pytest.param("TIMEOUT\n", "", "failed", id="sacct-timeout"),
        pytest.param(
            "", "JobId=7\n   JobState=RUNNING Reason=None\n", "running", id="scontrol-running"
        ),
        pytest.param(
            "", "JobId=7\n   JobState=COMPLETED Reason=None\n", "success", id="scontrol-done"
        ),
        pytest.param("", "JobId=7\n   JobState=FAILED Reason=X\n", "failed", id="scontrol-failed"),
        pytest.param("", "", "failed", id="unknown-job"),
    ],
)
def test_status_script(fake_slurm: dict[str, str], sacct: str, scontrol: str, expected: str):
    env = dict(fake_slurm, FAKE_SACCT=sacct, FAKE_SCONTROL=scontrol)
    if not sacct:
        env["FAKE_SACCT_STATUS"] = "1"  # e.g. "accounting storage is disabled"
    out = subprocess.run(
        [str(GENERIC / "status.sh"), "7"], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout == f"{expected}\n"


@pytest.mark.parametrize(
    ("properties", "name"),
    [
        (
            {
                "type": "single",
                "rule": "bwa_mem",
                "threads": 8,
                "resources": {"mem_mb": 15600, "runtime": 1440, "slurm_partition": "compute"},
            },
            "bwa_mem",
        ),
        (
            {
                "type": "group",
                "groupid": "bam",
                "threads": 4,
                "resources": {"mem_mb": 8000, "runtime": 480, "slurm_account": "lab1"},
            },
            "group_bam",
        ),
    ],
    ids=["rule", "group"],
)
def test_submit_script(
    fake_slurm: dict[str, str], tmp_path: Path, properties: dict, name: str
) -> None:
    jobscript = tmp_path / "job.sh"
    jobscript.write_text(f"#!/bin/sh\n# properties = {json.dumps(properties)}\necho hi\n")
    out = subprocess.run(
        [str(GENERIC / "submit.sh"), str(jobscript)],
        env=dict(fake_slurm, SBATCH_EXTRA="--qos=short"),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout == "4242\n"
    args = Path(fake_slurm["FAKE_SBATCH_ARGS"]).read_text().split("\n")[:-1]
    resources = properties["resources"]
    expected = [
        *("--parsable", "--job-name", f"smk-{name}"),
        *("--output", f"logs/cluster/{name}/%j.log", "--ntasks", "1"),
        *("--cpus-per-task", str(properties["threads"]), "--mem", str(resources["mem_mb"])),
        *("--time", str(resources["runtime"])),
    ]
    if "slurm_partition" in resources:
        expected += ["--partition", resources["slurm_partition"]]
    if "slurm_account" in resources:
        expected += ["--account", resources["slurm_account"]]
    assert args == [*expected, "--qos=short", str(jobscript)]
    assert (tmp_path / "logs" / "cluster" / name).is_dir()
