"""Problems found before any job runs, each on one line naming file, line or key, and what
to do (issue 11; README "When the input is wrong"). Dry runs in scratch directories."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from tests.support.workflow import DEMO, snakemake, write_config, write_sheets

pytestmark = pytest.mark.workflow

READS = [str(DEMO / "reads" / f"DEMO_G1_L001_R{i}.fastq.gz") for i in (1, 2)]


def germline(workdir: Path, **unit: str) -> None:
    write_sheets(
        workdir,
        [{"sample": "S1", "patient": "P1", "type": "germline", "tumor_type": "BRCA"}],
        [{"sample": "S1", "unit": "L1", "platform": "", "fq1": READS[0], "fq2": READS[1], **unit}],
    )


def dry_run(workdir: Path) -> str:
    result = snakemake(workdir, "--dry-run", check=False)
    out = result.stdout + result.stderr
    assert result.returncode != 0, out
    assert "Traceback" not in out
    assert "Job stats" not in out  # stopped before planning any job
    return out


def edit_config(workdir: Path, **changes: dict) -> None:
    path = workdir / "config.yaml"
    config = yaml.safe_load(path.read_text())
    for section, values in changes.items():
        config.setdefault(section, {}).update(values)
    path.write_text(yaml.safe_dump(config, sort_keys=False))


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    shutil.copy(DEMO / "genome.fa", tmp_path / "genome.fa")
    shutil.copy(DEMO / "genes.gtf", tmp_path / "genes.gtf")
    write_config(tmp_path, tmp_path / "genome.fa", tmp_path / "genes.gtf", "demo")
    germline(tmp_path)
    return tmp_path


@pytest.mark.parametrize(
    "platform", ["ILLUMINA'$(touch /tmp/x)'", "illumina", "BGI; rm -rf ~", "ILLUMINA`id`"]
)
def test_platform_must_be_a_sam_pl_value(workdir: Path, platform: str) -> None:
    germline(workdir, platform=platform)
    out = dry_run(workdir)
    assert "units.tsv line 2, column platform: " in out
    assert "is not one of ['CAPILLARY', 'DNBSEQ'" in out


@pytest.mark.parametrize("name", ["S1$(touch x)", "S1;id", "S 1", "S1`id`", "<b>S1</b>"])
def test_hostile_sample_names_are_rejected(workdir: Path, name: str) -> None:
    write_sheets(
        workdir,
        [{"sample": name, "patient": "P1", "type": "germline", "tumor_type": ""}],
        [{"sample": name, "unit": "L1", "fq1": READS[0], "fq2": READS[1]}],
    )
    out = dry_run(workdir)
    assert "samples.tsv line 2, column sample: " in out


def test_config_error_is_one_line(workdir: Path) -> None:
    edit_config(workdir, calling={"caller": "gatk"})
    out = dry_run(workdir)
    line = f"{workdir}/config.yaml: calling.caller: 'gatk' is not allowed; allowed: one of "
    assert line + "bcftools, freebayes" in out
    assert "Failed validating" not in out
    assert "additionalProperties" not in out
    assert len([x for x in out.splitlines() if x.strip().startswith("- ")]) == 1


def test_unknown_config_key_lists_the_allowed_ones(workdir: Path) -> None:
    edit_config(workdir, fastp={"extras": "-q 20"})
    out = dry_run(workdir)
    assert "config.yaml: fastp: unknown key(s) extras; allowed: extra" in out


def test_option_string_with_an_open_quote(workdir: Path) -> None:
    edit_config(workdir, fastp={"extra": "--adapter_sequence 'ACGT"})
    out = dry_run(workdir)
    assert 'config.yaml: fastp.extra: cannot split "--adapter_sequence \'ACGT"' in out


@pytest.mark.parametrize(("key", "file"), [("fasta", "genome.fa"), ("gtf", "genes.gtf")])
def test_missing_reference_stops_whatever_results_hold(workdir: Path, key: str, file: str) -> None:
    """A reference that disappeared after a run: an error, never "Nothing to be done"."""
    reference = workdir / "results" / "reference"
    reference.mkdir(parents=True)
    shutil.copy(workdir / file, reference / file)
    (workdir / file).unlink()
    out = dry_run(workdir)
    assert f"config.yaml: reference.{key}: file {workdir / file} does not exist; " in out
    assert "Nothing to be done" not in out


def test_missing_sheet(workdir: Path) -> None:
    (workdir / "units.tsv").unlink()
    out = dry_run(workdir)
    assert "units.tsv: file not found (set its path in the config)" in out


def test_malformed_gtf_line_is_named_at_start_up(workdir: Path) -> None:
    gtf = workdir / "genes.gtf"
    lines = gtf.read_text().splitlines()
    number = next(i for i, line in enumerate(lines, 1) if "\texon\t" in line)
    fields = lines[number - 1].split("\t")
    fields[3] = "12x"
    lines[number - 1] = "\t".join(fields)
    gtf.write_text("\n".join(lines) + "\n")
    out = dry_run(workdir)
    assert f"{gtf}: line {number}: start/end must be integers, found '12x'" in out


def test_germline_sample_named_like_a_cancer_patient(workdir: Path) -> None:
    write_sheets(
        workdir,
        [
            {"sample": "T1", "patient": "P2", "type": "tumor", "tumor_type": "LUAD"},
            {"sample": "P2", "patient": "P9", "type": "germline", "tumor_type": "BRCA"},
        ],
        [{"sample": s, "unit": "L1", "fq1": READS[0], "fq2": READS[1]} for s in ("T1", "P2")],
    )
    out = dry_run(workdir)
    assert (
        "samples.tsv line 3: germline sample P2 has the name of cancer patient P2 "
        "(tumour on line 2)"
    ) in out


def test_pgx_that_cannot_run_is_said_at_start_up(workdir: Path) -> None:
    edit_config(workdir, reference={"build": "GRCh37"}, pgx={"enabled": True, "site_map": ""})
    result = snakemake(workdir, "--dry-run")
    assert (
        "Pharmacogenomics will not run: pgx.enabled is true but reference.build is GRCh37 "
        "and pgx.site_map is empty"
    ) in result.stdout + result.stderr
