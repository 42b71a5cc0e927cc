"""align.cram: the demo with CRAM alignments gives the same results as with BAM.

The session's demo run (BAM) is compared with a second run of the same configuration and
align.cram: true. Every step that reads the alignments (bcftools and freebayes calls, delly,
mosdepth, samtools stats, the PGx genotypes) must read the CRAM files through the reference.
The reads are the same, but freebayes' QUAL of near-zero-quality sites (around 1e-11) moves
in the sixth digit with the order of the tags in a record, which CRAM changes (MD/NM are
rebuilt on reading): freebayes' VCFs are compared with QUAL to a relative 1e-4, every other
field and every bcftools VCF exactly.
"""

from __future__ import annotations

import json
import math
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.support.workflow import assert_same_records, demo_config, records, snakemake

SAMPLES = ("DEMO_G1", "DEMO_P2_T", "DEMO_P2_N")


@pytest.fixture(scope="module")
def cram_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    workdir = tmp_path_factory.mktemp("cram")
    demo_config(workdir)
    path = workdir / "config.yaml"
    config = yaml.safe_load(path.read_text())
    config["align"]["cram"] = True
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    snakemake(workdir)
    return workdir


def test_alignments_are_cram_with_the_reference_recorded(cram_run: Path) -> None:
    for sample in SAMPLES:
        cram = cram_run / f"results/bam/{sample}.cram"
        assert (cram_run / f"results/bam/{sample}.cram.crai").stat().st_size > 0
        assert not (cram_run / f"results/bam/{sample}.bam").exists()
        assert cram.read_bytes()[:4] == b"CRAM"
        header = subprocess.run(
            ["samtools", "view", "-H", str(cram)], capture_output=True, text=True, check=True
        ).stdout
        sequences = [line for line in header.splitlines() if line.startswith("@SQ")]
        assert sequences and all("\tM5:" in line and "\tUR:" in line for line in sequences)
        reference = str(cram_run / "results/reference/genome.fa")
        assert all(line.endswith(f"UR:{reference}") for line in sequences), sequences[0]


@pytest.mark.parametrize(
    "vcf",
    [
        "results/calls/DEMO_G1.germline.vcf.gz",
        "results/pgx/DEMO_G1/genotypes.vcf.gz",
        "results/pgx/DEMO_P2_N/genotypes.vcf.gz",
    ],
)
def test_bcftools_calls_equal_the_bam_run(demo_run: Path, cram_run: Path, vcf: str) -> None:
    assert assert_same_records(demo_run / vcf, cram_run / vcf) > 0


@pytest.mark.parametrize(
    "vcf", ["results/somatic/DEMO_P2.somatic.vcf.gz", "results/somatic/DEMO_P2.all.vcf.gz"]
)
def test_freebayes_calls_equal_the_bam_run(demo_run: Path, cram_run: Path, vcf: str) -> None:
    bam, cram = records(demo_run / vcf), records(cram_run / vcf)
    assert len(bam) == len(cram) > 30
    for a, b in zip(bam, cram, strict=True):
        assert a[:5] + a[6:] == b[:5] + b[6:], f"\n{a[:8]}\n{b[:8]}"
        assert math.isclose(float(a[5]), float(b[5]), rel_tol=1e-4), (a[:6], b[5])


@pytest.mark.parametrize(
    "table",
    [
        "results/fusions/DEMO_P2.fusions.tsv",
        "results/cnv/DEMO_P2.cna.tsv",
        "results/cnv/DEMO_P2.genes.tsv",
        *(f"results/qc/mosdepth/{sample}.mosdepth.summary.txt" for sample in SAMPLES),
        "results/signatures/DEMO_P2.json",
    ],
)
def test_derived_tables_equal_the_bam_run(demo_run: Path, cram_run: Path, table: str) -> None:
    assert (cram_run / table).read_text() == (demo_run / table).read_text()


def test_samtools_stats_and_findings_equal_the_bam_run(demo_run: Path, cram_run: Path) -> None:
    for sample in SAMPLES:
        stats = f"results/qc/samtools_stats/{sample}.txt"
        numbers = [
            [line for line in (run / stats).read_text().splitlines() if line.startswith("SN")]
            for run in (demo_run, cram_run)
        ]
        assert numbers[0] == numbers[1] and len(numbers[0]) > 30
    genes = {}
    for name in ("DEMO_P2", "DEMO_G1"):
        findings = [
            json.loads((run / f"results/actionable/{name}/findings.json").read_text())["findings"]
            for run in (demo_run, cram_run)
        ]
        assert findings[0] == findings[1]
        genes[name] = {finding["gene"] for finding in findings[1]}
    assert "EGFR" in genes["DEMO_P2"], genes
