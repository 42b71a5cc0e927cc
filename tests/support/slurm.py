"""Helpers for the cluster tests: workflow runs in scratch directories, log parsing, and
comparing two runs' results by content (not by bytes that carry dates or paths)."""

from __future__ import annotations

import gzip
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PROFILES = REPO / "profiles"

# "Job 6 has been submitted with SLURM jobid 1 (log: /abs/path/1.log)."
SUBMITTED = re.compile(
    r"^Job (\S+) has been submitted with SLURM jobid (\d+) \(log: (.+)\)\.$", re.M
)
RULE_HEADER = re.compile(r"^\s*(localrule|rule) (\w+):$")
JOB_TOTAL = re.compile(r"^total\s+(\d+)$", re.M)

# Written into results by the tools themselves: dates, and the paths of scratch dirs.
DATE_PATTERNS = re.compile(
    r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:?\d{2}|Z)?)?"
    r"|(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
    r" +\d+ \d{2}:\d{2}:\d{2} \d{4}"
)
# Reports and archives embed dates, random shadow-directory names or compression
# timestamps; the tables they are made from are compared instead.
SKIPPED_SUFFIXES = (".html", ".zip", ".pdf", ".png", ".svg", ".bai", ".tbi", ".csi", ".log")
SKIPPED_NAMES = {"multiqc_data.json", "multiqc_sources.txt", ".snakemake_timestamp"}


@dataclass
class Finished:
    """A finished Snakemake run: its directory, exit code and combined output."""

    workdir: Path
    returncode: int
    log: str


class Run:
    """Snakemake started in the background in `workdir`, output going to a file."""

    def __init__(self, workdir: Path, *args: str) -> None:
        self.workdir = workdir
        self.log_path = workdir.parent / f"{workdir.name}.snakemake.out"
        env = dict(os.environ)
        # like an activated virtualenv: `python` in the rules' shell commands is this one
        env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
        command = [sys.executable, "-m", "snakemake", "--snakefile", str(REPO / "Snakefile")]
        with self.log_path.open("w") as out:
            self.process = subprocess.Popen(
                [*command, *args], cwd=workdir, env=env, stdout=out, stderr=subprocess.STDOUT
            )
        self._finished: Finished | None = None

    def finish(self, timeout: float = 900) -> Finished:
        if self._finished is None:
            try:
                returncode = self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.stop()
                raise
            self._finished = Finished(self.workdir, returncode, self.log_path.read_text())
        return self._finished

    def stop(self) -> None:
        """Interrupt Snakemake (it cancels its cluster jobs), then make sure it is gone."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def demo_workdir(path: Path) -> Path:
    """A scratch directory that sees the repository's demo configuration and data."""
    path.mkdir(parents=True)
    for name in ("config", "resources"):
        (path / name).symlink_to(REPO / name, target_is_directory=True)
    return path


@dataclass
class JobBlock:
    """One "rule NAME:" or "localrule NAME:" block of Snakemake's output."""

    kind: str
    rule: str
    wildcards: str
    threads: int
    resources: dict[str, str]


def job_blocks(log: str) -> list[JobBlock]:
    blocks: list[JobBlock] = []
    lines = log.splitlines()
    for i, line in enumerate(lines):
        header = RULE_HEADER.match(line)
        if not header:
            continue
        fields: dict[str, str] = {}
        for following in lines[i + 1 : i + 20]:
            text = following.strip()
            if not text or RULE_HEADER.match(following) or following.startswith("Shell command"):
                break
            key, _, value = text.partition(": ")
            fields[key] = value
        resources = dict(
            item.split("=", 1) for item in fields.get("resources", "").split(", ") if "=" in item
        )
        blocks.append(
            JobBlock(
                header[1],
                header[2],
                fields.get("wildcards", ""),
                int(fields.get("threads", 1)),
                resources,
            )
        )
    return blocks


def planned_jobs(log: str) -> set[tuple[str, str]]:
    """(rule, wildcards) of every job Snakemake scheduled for the cluster."""
    return {(b.rule, b.wildcards) for b in job_blocks(log) if b.kind == "rule"}


def executed_jobs(log: str) -> set[tuple[str, str]]:
    """(rule, wildcards) of the jobs a job step ran (it runs them as local rules)."""
    return {(b.rule, b.wildcards) for b in job_blocks(log) if b.kind == "localrule"}


def planned_total(log: str) -> int:
    """The "total" of Snakemake's job-stats table (includes the target rule)."""
    match = JOB_TOTAL.search(log)
    assert match, "no job stats table in the Snakemake output"
    return int(match[1])


@dataclass
class SlurmJob:
    jobid: str
    state: str
    name: str
    cpus: int
    mem_mb: int
    comment: str


def slurm_jobs() -> dict[str, SlurmJob]:
    """Every job slurmctld still remembers (finished ones for MinJobAge seconds)."""
    out = subprocess.run(
        ["squeue", "--states=all", "--noheader", "--format=%i|%T|%j|%C|%m|%k"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    jobs = {}
    for line in out.splitlines():
        jobid, state, name, cpus, memory, comment = line.split("|", 5)
        jobs[jobid] = SlurmJob(jobid, state, name, int(cpus), memory_mb(memory), comment)
    return jobs


def memory_mb(text: str) -> int:
    number, unit = float(text[:-1]), text[-1].upper()
    return round(number * {"K": 1 / 1024, "M": 1, "G": 1024, "T": 1024**2}[unit])


def node_memory_mb() -> int:
    out = subprocess.run(
        ["scontrol", "show", "node"], capture_output=True, text=True, check=True
    ).stdout
    return min(int(m) for m in re.findall(r"RealMemory=(\d+)", out))


def result_files(workdir: Path) -> set[str]:
    root = workdir / "results"
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def comparable(path: Path, workdir: Path) -> list[str] | bytes | None:
    """The content of a result that two equal runs share, or None for files skipped."""
    if path.name in SKIPPED_NAMES or path.name.endswith(SKIPPED_SUFFIXES):
        return None
    if path.suffix in (".bam", ".cram"):
        header = subprocess.run(
            ["samtools", "view", "-H", str(path)], capture_output=True, text=True, check=True
        ).stdout
        records = subprocess.run(
            ["samtools", "view", str(path)], capture_output=True, text=True, check=True
        ).stdout
        kept = [line for line in header.splitlines() if not line.startswith("@PG")]
        return kept + records.splitlines()
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    try:
        text = data.decode()
    except UnicodeDecodeError:
        return data
    text = text.replace(str(workdir), "<workdir>")
    return [DATE_PATTERNS.sub("<date>", line) for line in text.splitlines()]
