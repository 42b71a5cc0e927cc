"""Real reads: NA12878 over a 12 kb window of chr22, scored against the 14 GIAB SNVs."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.support.truth import score, variant_keys
from tests.support.workflow import REPO, snakemake, write_config, write_sheets

DATA = REPO / "tests" / "data" / "na12878-chr22-tiny"


@pytest.fixture(scope="module")
def na12878_run(tmp_path_factory) -> Path:
    workdir = tmp_path_factory.mktemp("na12878")
    r1, r2 = workdir / "NA12878_R1.fastq.gz", workdir / "NA12878_R2.fastq.gz"
    subprocess.run(
        f"samtools collate -u -O {DATA / 'NA12878.chr22.tiny.bam'} "
        f"| samtools fastq -F 0x900 -c 6 -1 {r1} -2 {r2} -s /dev/null -0 /dev/null -",
        shell=True,
        check=True,
        capture_output=True,
    )
    write_sheets(
        workdir,
        [{"sample": "NA12878", "patient": "NA12878", "type": "germline", "tumor_type": ""}],
        [{"sample": "NA12878", "unit": "HiSeqX", "fq1": r1.name, "fq2": r2.name}],
    )
    # these reads carry up to ~20 masked bases (N) each; fastp's default limit is 5
    write_config(
        workdir,
        DATA / "q.fa",
        DATA / "tiny.gtf",
        "chr22window",
        fastp={"extra": "--n_base_limit 30"},
    )
    snakemake(workdir, "results/annotated/NA12878.germline.vcf.gz")
    return workdir


def test_giab_snvs_recovered(na12878_run: Path) -> None:
    calls = variant_keys(na12878_run / "results/calls/NA12878.germline.vcf.gz")
    truth = variant_keys(DATA / "NA12878.chr22.tiny.giab.vcf")
    assert len(truth) == 14
    snv = score(truth, calls)["SNV"]
    print(snv)
    assert snv.tp >= 13


def test_real_calls_are_annotated(na12878_run: Path) -> None:
    import pysam

    with pysam.VariantFile(str(na12878_run / "results/annotated/NA12878.germline.vcf.gz")) as vcf:
        assert "ANN" in vcf.header.info
        records = list(vcf)
    assert records and all("ANN" in r.info for r in records)
