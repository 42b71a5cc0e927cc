"""Real runs of the workflow with hostile, broken and thin inputs (issue 11)."""

from __future__ import annotations

import gzip
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from tests.support.workflow import DEMO, REPO, demo_config, snakemake, write_sheets

pytestmark = pytest.mark.workflow

# Shell syntax that would create a PWNED* file if any command ran it.
HOSTILE = "x $(touch PWNED1) `touch PWNED2`; touch PWNED3 & 'q\" |touch PWNED4"


def test_hostile_names_and_spaces_run_end_to_end(tmp_path: Path) -> None:
    """The demo with FASTQ names full of shell syntax, in folders with spaces, reference
    included: every job succeeds, nothing is run, the findings are the demo's."""
    run = tmp_path / "Run 2024-05"
    workdir = run / "analysis dir"
    fastq, reference = run / "fastq files", run / "ref files"
    for folder in (workdir, fastq, reference):
        folder.mkdir(parents=True)
    demo_config(workdir)
    config = yaml.safe_load((workdir / "config.yaml").read_text())
    for key, name in (("fasta", "genome.fa"), ("gtf", "genes.gtf")):
        shutil.copy(DEMO / name, reference / name)
        config["reference"][key] = str(reference / name)
    (workdir / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    lines = (workdir / "units.tsv").read_text().splitlines()
    rows = [lines[0]]
    for line in lines[1:]:
        fields = line.split("\t")
        for column in (3, 4):
            source = Path(fields[column])
            target = fastq / f"{HOSTILE} {source.name}"
            shutil.copy(source, target)
            fields[column] = str(target)
        rows.append("\t".join(fields))
    (workdir / "units.tsv").write_text("\n".join(rows) + "\n")

    snakemake(workdir)

    assert not list(tmp_path.rglob("PWNED*"))
    assert not list(REPO.glob("PWNED*"))
    findings = json.loads((workdir / "results/actionable/DEMO_P2/findings.json").read_text())
    genes = {f["gene"] for f in findings["findings"]}
    assert genes == {"ALK", "EGFR", "KRAS", "ABL1", "ERBB2", "PIK3CA"}
    assert findings["data_check"]["sufficient"] is True
    pairs = json.loads((workdir / "results/qc/reads/DEMO_G1.L001.json").read_text())["pairs"]
    assert pairs == 11542
    for name in ("DEMO_G1", "DEMO_P2"):
        assert (workdir / f"results/report/{name}.html").stat().st_size > 10000


def write_fastq(path: Path, reads: list[bytes]) -> None:
    path.write_bytes(gzip.compress(b"".join(reads)))


def records(path: Path) -> list[bytes]:
    lines = gzip.decompress(path.read_bytes()).splitlines(keepends=True)
    return [b"".join(lines[i : i + 4]) for i in range(0, len(lines), 4)]


def test_broken_units_stop_the_run_and_nothing_downstream_is_made(tmp_path: Path) -> None:
    """Mismatched R1/R2, a gzip cut in half, zero reads: one message per unit naming
    sample, unit and file; no BAM, VCF or report for these samples."""
    r1 = records(DEMO / "reads/DEMO_G1_L001_R1.fastq.gz")
    r2 = records(DEMO / "reads/DEMO_G1_L001_R2.fastq.gz")
    files = {}
    for sample, (reads1, reads2) in {
        "MISMATCH": (r1, r2[:5000]),
        "TRUNCATED": (r1, r2),
        "EMPTY": ([], []),
    }.items():
        files[sample] = (tmp_path / f"{sample}_R1.fastq.gz", tmp_path / f"{sample}_R2.fastq.gz")
        write_fastq(files[sample][0], reads1)
        write_fastq(files[sample][1], reads2)
    cut = files["TRUNCATED"][0]
    cut.write_bytes(cut.read_bytes()[: cut.stat().st_size // 2])
    write_sheets(
        tmp_path,
        [
            {"sample": s, "patient": f"P_{s}", "type": "germline", "tumor_type": "BRCA"}
            for s in files
        ],
        [
            {"sample": s, "unit": "L001", "fq1": str(a), "fq2": str(b)}
            for s, (a, b) in files.items()
        ],
    )
    demo = tmp_path / "demo"
    demo.mkdir()
    demo_config(demo)
    config = yaml.safe_load((demo / "config.yaml").read_text())
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))

    result = snakemake(tmp_path, "--keep-going", check=False)
    out = result.stdout + result.stderr
    assert result.returncode != 0
    assert (
        f"sample MISMATCH, unit L001: {files['MISMATCH'][0]} has 11542 reads but "
        f"{files['MISMATCH'][1]} has 5000" in out
    )
    assert f"sample TRUNCATED, unit L001: {cut}: the gzip data is truncated or corrupt" in out
    assert "sample EMPTY, unit L001: " in out
    assert "hold 0 read pairs, fewer than reads.min_pairs (1000)" in out
    for sample in files:
        assert not (tmp_path / f"results/bam/{sample}.bam").exists()
        assert not (tmp_path / f"results/calls/{sample}.germline.vcf.gz").exists()
        assert not (tmp_path / f"results/report/{sample}.html").exists()


def test_low_data_fails_the_run_unless_allowed(tmp_path: Path) -> None:
    """The demo germline sample against a depth it does not reach (qc.min_mean_depth 100):
    the report says so and lists no therapy, and the run fails; with qc.allow_low_data the
    run succeeds and the findings appear under a red first line."""
    demo_config(tmp_path)
    write_sheets(
        tmp_path,
        [{"sample": "DEMO_G1", "patient": "DEMO_P1", "type": "germline", "tumor_type": "BRCA"}],
        [
            {
                "sample": "DEMO_G1",
                "unit": "L001",
                "fq1": str(DEMO / "reads/DEMO_G1_L001_R1.fastq.gz"),
                "fq2": str(DEMO / "reads/DEMO_G1_L001_R2.fastq.gz"),
            }
        ],
    )
    config = yaml.safe_load((tmp_path / "config.yaml").read_text())
    config["qc"] = {"min_reads": 2000, "min_mean_depth": 100, "allow_low_data": False}
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))

    result = snakemake(tmp_path, check=False)
    out = result.stdout + result.stderr
    assert result.returncode != 0
    assert "too little data for a therapy report" in out
    findings = json.loads((tmp_path / "results/actionable/DEMO_G1/findings.json").read_text())
    message = findings["data_check"]["message"]
    assert re.fullmatch(
        r"insufficient data: \d+ reads / mean depth \d+\.\dx over the targets "
        r"\(needs at least 2000 mapped reads and 100x\)",
        message,
    )
    assert findings["findings"] == []
    page = (tmp_path / "results/report/DEMO_G1.html").read_text()
    assert page.split("<body>\n", 1)[1].startswith('<p class="data-warning" id="data-warning"')
    assert "No alteration matched a therapy" not in page

    config["qc"]["allow_low_data"] = True
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    result = snakemake(tmp_path, check=False)
    findings = json.loads((tmp_path / "results/actionable/DEMO_G1/findings.json").read_text())
    assert result.returncode == 0, result.stderr[-3000:]
    assert findings["data_check"]["allowed"] is True
    assert {f["gene"] for f in findings["findings"]} >= {"BRCA2"}
    page = (tmp_path / "results/report/DEMO_G1.html").read_text()
    first = page.split("<body>\n", 1)[1].split("\n", 1)[0]
    assert first.startswith('<p class="data-warning"') and message in first
