"""The demo configuration end to end: calls against the truth, annotation, QC, re-run."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pysam

from tests.support.truth import score, variant_keys
from tests.support.workflow import DEMO, snakemake

SAMPLE = "DEMO_G1"


def test_germline_calls_match_truth(demo_run: Path) -> None:
    calls = variant_keys(demo_run / f"results/calls/{SAMPLE}.germline.vcf.gz")
    truth = variant_keys(DEMO / "truth.germline.vcf.gz")
    scores = score(truth, calls)
    for s in scores.values():
        print(s)
    assert scores["SNV"].recall >= 0.99 and scores["SNV"].precision >= 0.99
    assert scores["indel"].recall >= 0.95 and scores["indel"].precision >= 0.95


def annotations(path: Path) -> dict[tuple[str, int, str, str], list[list[str]]]:
    found = {}
    with pysam.VariantFile(str(path)) as vcf:
        for record in vcf:
            entries = [a.split("|") for a in record.info.get("ANN", ())]
            found[(record.chrom, record.pos, record.ref, record.alts[0])] = entries
    return found


def test_snpeff_gives_real_hgvs(demo_run: Path) -> None:
    ann = annotations(demo_run / f"results/annotated/{SAMPLE}.germline.vcf.gz")
    by_gene_hgvs = {(a[3], a[9], a[10]) for entries in ann.values() for a in entries}
    by_gene_c = {(a[3], a[9]) for entries in ann.values() for a in entries}
    # EGFR germline polymorphism R521K at its real codon
    assert ("EGFR", "c.1562G>A", "p.Arg521Lys") in by_gene_hgvs
    # BRCA2 c.5946delT (6174delT): frameshift at Ser1982
    brca2 = [p for gene, c, p in by_gene_hgvs if gene == "BRCA2" and c == "c.5946delT"]
    assert brca2 and brca2[0].startswith("p.Ser1982") and "fs" in brca2[0], brca2
    # CYP2C19*2 splice-defect SNV, synonymous at Pro227
    assert ("CYP2C19", "c.681G>A") in by_gene_c
    assert any(
        a[3] == "CYP2C19" and a[9] == "c.681G>A" and a[10] == "p.Pro227Pro"
        for entries in ann.values()
        for a in entries
    )


def test_snpeff_database_checks_pass(demo_run: Path) -> None:
    log = (demo_run / "logs/reference/snpeff_build.log").read_text()
    assert "CDS check" in log and "Protein check" in log
    for line in log.splitlines():
        if "Errors" in line and "%" in line:
            print(line.strip())
    lines = [line.strip() for line in log.splitlines()]
    errors = [line for line in lines if line.startswith("Errors") and "0.00%" not in line]
    assert not errors, errors


def test_bam_merges_both_units(demo_run: Path) -> None:
    with pysam.AlignmentFile(str(demo_run / f"results/bam/{SAMPLE}.bam")) as bam:
        groups = {rg["ID"] for rg in bam.header.to_dict()["RG"]}
        assert groups == {f"{SAMPLE}.L001", f"{SAMPLE}.L002"}
        assert bam.header.to_dict()["HD"]["SO"] == "coordinate"
    stats = (demo_run / f"results/qc/markdup/{SAMPLE}.txt").read_text()
    assert "DUPLICATE TOTAL" in stats


def test_multiqc_covers_every_tool(demo_run: Path) -> None:
    data = demo_run / "results/qc/multiqc_report_data"
    sources = (data / "multiqc_sources.txt").read_text()
    for tool in ("fastp", "fastqc", "samtools", "mosdepth", "bcftools", "snpeff"):
        assert tool in sources.lower(), tool
    html = (demo_run / "results/qc/multiqc_report.html").read_text()
    assert SAMPLE in html


def test_second_run_has_nothing_to_do(demo_run: Path) -> None:
    result = snakemake(demo_run, "--dry-run")
    assert "Nothing to be done" in result.stdout + result.stderr


def test_per_gene_coverage(demo_run: Path) -> None:
    with gzip.open(demo_run / f"results/qc/mosdepth/{SAMPLE}.regions.bed.gz", "rt") as regions:
        depth = {line.split()[3]: float(line.split()[4]) for line in regions}
    assert {"EGFR", "BRCA2", "CYP2C19", "GAPDH"} <= set(depth)
    for gene, mean in depth.items():
        assert 30 <= mean <= 55, (gene, mean)


def test_pgx_cyp2c19_from_reads(demo_run: Path) -> None:
    report = json.loads((demo_run / f"results/pgx/{SAMPLE}/pgx.json").read_text())
    genes = {gene["gene"]: gene for gene in report["genes"]}
    cyp2c19 = genes["CYP2C19"]
    assert cyp2c19["diplotype"] == "*1/*2"
    assert cyp2c19["phenotype"] == "Intermediate Metabolizer"
    assert cyp2c19["missing_positions"] == []
    clopidogrel = [r for r in cyp2c19["recommendations"] if r["drug"] == "clopidogrel"]
    assert clopidogrel and "prasugrel" in clopidogrel[0]["text"].lower()
    print(clopidogrel[0]["strength"], clopidogrel[0]["text"])
    # the demo panel carries no other pharmacogene positions: not called, never "normal"
    assert genes["TPMT"]["status"] == "not_called" and genes["TPMT"]["phenotype"] is None


def test_germline_brca2_frameshift_matches_parp_inhibitors(demo_run: Path) -> None:
    findings = json.loads((demo_run / f"results/actionable/{SAMPLE}/findings.json").read_text())
    assert findings["tumor_type"] == "BRCA" and findings["genome"] == "none"
    brca2 = [f for f in findings["findings"] if f["gene"] == "BRCA2"]
    assert [f["match_kind"] for f in brca2] == ["gene_lof"]
    assert brca2[0]["variant"]["hgvsp"].startswith("p.Ser1982")
    tier_one = {e["therapy"] for e in brca2[0]["evidence"] if e["tier"] == "I-A"}
    assert tier_one == {"olaparib", "talazoparib"}
    # nothing else in this germline sample is actionable
    assert {f["gene"] for f in findings["findings"]} == {"BRCA2"}
