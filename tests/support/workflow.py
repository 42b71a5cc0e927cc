"""Paths of the checkout and running the workflow in a scratch directory."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pysam
import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
DEMO = REPO / "resources" / "demo"


def snakemake(workdir: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run the workflow with the configuration in `workdir`/config.yaml."""
    command = [
        sys.executable,
        "-m",
        "snakemake",
        "--snakefile",
        str(REPO / "Snakefile"),
        "--directory",
        str(workdir),
        "--configfile",
        str(workdir / "config.yaml"),
        "--cores",
        "2",
        *args,
    ]
    result = subprocess.run(command, capture_output=True, text=True)
    if check and result.returncode != 0:
        pytest.fail(f"snakemake failed ({result.returncode}):\n{result.stderr[-6000:]}")
    return result


def write_sheets(workdir: Path, samples: list[dict[str, str]], units: list[dict[str, str]]):
    for name, rows in (("samples.tsv", samples), ("units.tsv", units)):
        header = list(rows[0])
        lines = ["\t".join(header)] + ["\t".join(row[c] for c in header) for row in rows]
        (workdir / name).write_text("\n".join(lines) + "\n")


def write_config(workdir: Path, fasta: Path, gtf: Path, build: str, **sections: dict) -> None:
    import yaml

    config = {
        "samples": "samples.tsv",
        "units": "units.tsv",
        "reference": {"fasta": str(fasta), "gtf": str(gtf), "build": build},
        **sections,
    }
    (workdir / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))


def demo_config(workdir: Path) -> None:
    """The repository's own demo configuration, with its paths made absolute."""
    import yaml

    def absolute(value):
        if isinstance(value, dict):
            return {key: absolute(item) for key, item in value.items()}
        if isinstance(value, str) and value.startswith("resources/"):
            return str(REPO / value)
        return value

    config = absolute(yaml.safe_load((REPO / "config" / "config.yaml").read_text()))
    config.update(samples="samples.tsv", units="units.tsv")
    (workdir / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    shutil.copy(REPO / "config" / "samples.tsv", workdir / "samples.tsv")
    units = (REPO / "config" / "units.tsv").read_text().splitlines()
    rows = [units[0]]
    for line in units[1:]:
        fields = line.split("\t")
        fields[3:5] = [str(REPO / f) for f in fields[3:5]]
        rows.append("\t".join(fields))
    (workdir / "units.tsv").write_text("\n".join(rows) + "\n")


def records(path: Path) -> list[list[str]]:
    """The data lines of a VCF, as fields (headers carry command lines and dates)."""
    with pysam.VariantFile(str(path)) as vcf:
        return [str(record).rstrip("\n").split("\t") for record in vcf]


def assert_same_records(one: Path, other: Path) -> int:
    """Record for record equal, every field (QUAL, INFO, samples) to the last digit."""
    first, second = records(one), records(other)
    assert len(first) == len(second), (one, len(first), len(second))
    for a, b in zip(first, second, strict=True):
        assert a == b, f"\n{a[:8]}\n{b[:8]}"
    return len(first)
