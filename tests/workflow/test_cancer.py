"""Cancer samples through the workflow: planning, the demo tumour/normal pair (somatic SNVs,
indels, fusions, copy number, therapies), the same tumour without its normal, and the real
SEQC2 HCC1395 tumour/normal exome excerpt.

The demo tests need the demo tumour (`resources/demo/truth.somatic.vcf.gz` and the DEMO_P2
rows of config/samples.tsv); they skip with a message until it is generated. The HCC1395 test
needs `../shared/data/seqc2-hcc1395/` beside the repository.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from pathlib import Path

import pysam
import pytest

from tests.support.hcc1395 import prepare
from tests.support.truth import Key, score, variant_keys
from tests.support.workflow import DEMO, SHARED, snakemake, write_config, write_sheets

PATIENT, TUMOUR, NORMAL = "DEMO_P2", "DEMO_P2_T", "DEMO_P2_N"
SOMATIC_TRUTH = DEMO / "truth.somatic.vcf.gz"
HCC1395 = SHARED / "data" / "seqc2-hcc1395"


def read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open() as handle:
        rows = [line for line in handle if not line.startswith("#")]
    return list(csv.DictReader(rows, delimiter="\t"))


# --- planning and sheet checks (no jobs run) --------------------------------------------------


@pytest.fixture
def cancer_sheets(tmp_path: Path) -> Path:
    reads = sorted((DEMO / "reads").glob("DEMO_G1_L001_R*.fastq.gz"))
    if len(reads) != 2:
        pytest.skip("demo reads not generated")
    write_config(tmp_path, DEMO / "genome.fa", DEMO / "genes.gtf", "demo")
    rows = [
        {"sample": "P1_T", "patient": "P1", "type": "tumor", "tumor_type": "LUAD"},
        {"sample": "P1_N", "patient": "P1", "type": "normal", "tumor_type": ""},
        {"sample": "P2_T", "patient": "P2", "type": "tumor", "tumor_type": "BRCA"},
    ]
    units = [
        {"sample": row["sample"], "unit": "L1", "fq1": str(reads[0]), "fq2": str(reads[1])}
        for row in rows
    ]
    write_sheets(tmp_path, rows, units)
    return tmp_path


def test_dry_run_plans_paired_and_tumour_only(cancer_sheets: Path) -> None:
    result = snakemake(cancer_sheets, "--dry-run", "--quiet", "rules")
    jobs = {}
    for line in result.stdout.splitlines():
        fields = line.split()
        if len(fields) == 2 and fields[1].isdigit():
            jobs[fields[0]] = int(fields[1])
    for rule in (
        "call_somatic",
        "somatic_normalise",
        "somatic_classify",
        "delly_call",
        "delly_filter",
        "fusion_pairs",
        "copy_number",
        "signatures",
    ):
        assert jobs.get(rule) == 2, (rule, jobs)  # one per patient
    assert jobs["call_germline"] == 1  # the normal only; tumours get somatic calling
    assert jobs["mosdepth_callable"] == 3
    assert jobs["snpeff_annotate"] == 3  # P1_N germline + two somatic VCFs
    assert "scan_microsatellites" in jobs  # no microsatellite BED in this config


def test_sheet_errors_for_cancer_samples(cancer_sheets: Path) -> None:
    rows = [
        {"sample": "P1_T", "patient": "P1", "type": "tumor", "tumor_type": ""},
        {"sample": "P1_N", "patient": "P1", "type": "normal", "tumor_type": ""},
        {"sample": "P1_N2", "patient": "P1", "type": "normal", "tumor_type": ""},
        {"sample": "P2_T", "patient": "P2", "type": "tumor", "tumor_type": "LAUD"},
    ]
    units = read_tsv(cancer_sheets / "units.tsv")[:1]
    units = [{**units[0], "sample": row["sample"]} for row in rows]
    write_sheets(cancer_sheets, rows, units)
    result = snakemake(cancer_sheets, "--dry-run", check=False)
    out = result.stderr + result.stdout
    assert result.returncode != 0
    assert "samples.tsv line 2, column tumor_type: tumour sample P1_T needs the OncoTree" in out
    assert "samples.tsv line 4: patient P1 has a second normal sample P1_N2" in out
    assert "samples.tsv line 5, column tumor_type: unknown tumour type 'LAUD'" in out
    assert "nearest codes: LUAD" in out
    assert "Traceback" not in out


# --- the demo tumour/normal pair ----------------------------------------------------------------


@pytest.fixture(scope="module")
def cancer_demo(demo_run: Path) -> Path:
    """The demo configuration's run: germline sample DEMO_G1 and the DEMO_P2 pair."""
    return demo_run


def truth_vafs(path: Path) -> dict[Key, float | None]:
    """Truth alleles with their VAF when the file gives one (INFO VAF/AF or FORMAT AF)."""
    found: dict[Key, float | None] = {}
    with pysam.VariantFile(str(path)) as vcf:
        for record in vcf:
            vaf = None
            for key in ("VAF", "AF", "DEMO_VAF"):
                if key in record.header.info and record.info.get(key) is not None:
                    value = record.info[key]
                    vaf = float(value[0] if isinstance(value, tuple) else value)
                    break
            if vaf is None and record.samples and "AF" in record.format:
                value = record.samples[0].get("AF")
                if value is not None:
                    vaf = float(value[0] if isinstance(value, tuple) else value)
            for alt in record.alts or ():
                found[(record.chrom, record.pos, record.ref, alt)] = vaf
    return found


def called_vafs(path: Path) -> dict[Key, float]:
    found = {}
    with pysam.VariantFile(str(path)) as vcf:
        tumour = next(iter(vcf.header.samples))
        for record in vcf:
            vaf = record.samples[tumour]["AF"][0]
            found[(record.chrom, record.pos, record.ref, record.alts[0])] = vaf
    return found


def germline_truth() -> set[Key]:
    keys: set[Key] = set()
    for path in sorted(DEMO.glob("truth.germline*.vcf.gz")):
        with pysam.VariantFile(str(path)) as vcf:
            for record in vcf:
                keys.update((record.chrom, record.pos, record.ref, a) for a in record.alts or ())
    return keys


def test_somatic_calls_match_truth(cancer_demo: Path) -> None:
    truth = truth_vafs(SOMATIC_TRUTH)
    calls = called_vafs(cancer_demo / f"results/somatic/{PATIENT}.somatic.vcf.gz")
    overall = score(set(truth), set(calls))
    for result in overall.values():
        print("all VAFs:", result)
    # recall of the truth variants with VAF >= 10 % (found at any VAF), precision of the
    # calls with a measured VAF >= 10 % (right if in the truth at any VAF)
    truth_10 = {k for k, vaf in truth.items() if vaf is None or vaf >= 0.10}
    calls_10 = {k for k, vaf in calls.items() if vaf >= 0.10}
    recall = score(truth_10, set(calls) & truth_10)
    precision = score(calls_10 & set(truth), calls_10)
    for kind in ("SNV", "indel"):
        print(
            f"VAF >= 10 %: {kind} recall {recall[kind].recall:.4f} ({recall[kind].tp}/"
            f"{recall[kind].tp + recall[kind].fn}), precision {precision[kind].precision:.4f} "
            f"({precision[kind].tp}/{precision[kind].tp + precision[kind].fp})"
        )
    assert recall["SNV"].recall >= 0.95
    assert precision["SNV"].precision >= 0.95
    assert recall["indel"].recall >= 0.90
    leaked = germline_truth() & set(calls)
    assert not leaked, f"germline truth variants reported as somatic: {sorted(leaked)}"


def test_somatic_vcf_is_annotated_with_tumour_first(cancer_demo: Path) -> None:
    with pysam.VariantFile(str(cancer_demo / f"results/annotated/{PATIENT}.somatic.vcf.gz")) as vcf:
        assert list(vcf.header.samples) == [TUMOUR, NORMAL]
        assert "ANN" in vcf.header.info and "AF" in vcf.header.formats
        records = list(vcf)
    assert records and all("ANN" in r.info for r in records)
    assert all(r.samples[TUMOUR]["AD"][1] >= 3 for r in records)


def fusion_pairs(path: Path) -> dict[tuple[str, str], dict[str, str]]:
    return {(row["gene5p"], row["gene3p"]): row for row in read_tsv(path)}


def test_fusions_match_truth(cancer_demo: Path) -> None:
    truth = read_tsv(DEMO / "truth.fusions.tsv")
    found = fusion_pairs(cancer_demo / f"results/fusions/{PATIENT}.fusions.tsv")
    print("found:", {f"{a}::{b}": row["in_frame"] for (a, b), row in found.items()})
    assert len(truth) >= 2
    for expected in truth:
        pair = (expected["gene5p"], expected["gene3p"])
        assert pair in found, f"{pair[0]}::{pair[1]} not found (found: {sorted(found)})"
        row = found[pair]
        assert (row["chrom5p"], row["chrom3p"]) == (expected["chrom5p"], expected["chrom3p"])
        print(
            f"{pair[0]}::{pair[1]} 5' {row['pos5p']} (truth {expected['pos5p']}), "
            f"3' {row['pos3p']} (truth {expected['pos3p']}), in frame {row['in_frame']}"
        )
        assert abs(int(row["pos5p"]) - int(expected["pos5p"])) <= 50
        assert abs(int(row["pos3p"]) - int(expected["pos3p"])) <= 50
        # the truth's other columns mean what they mean in the workflow's table
        same = ("strand5p", "strand3p", "site5p", "site3p", "exons5p", "exons3p", "in_frame")
        assert {c: row[c] for c in same} == {c: expected[c] for c in same}


def test_copy_number_matches_truth(cancer_demo: Path) -> None:
    truth = read_tsv(DEMO / "truth.cna.tsv")
    calls = {row["gene"]: row for row in read_tsv(cancer_demo / f"results/cnv/{PATIENT}.cna.tsv")}
    genes = {row["gene"]: row for row in read_tsv(cancer_demo / f"results/cnv/{PATIENT}.genes.tsv")}
    for row in truth:
        print(row["gene"], "truth", row["call"], row.get("copy_number"), "->", genes[row["gene"]])
    assert calls.get("ERBB2", {}).get("call") == "amplification"
    for row in truth:
        if row["call"] in ("amplification", "deletion"):
            assert calls[row["gene"]]["call"] == row["call"], row
        else:
            assert row["gene"] not in calls, (row, calls[row["gene"]])
    controls = {r["gene"] for r in truth if r["call"] not in ("amplification", "deletion")}
    assert controls, "truth.cna.tsv names no control gene"


def test_signatures_report(cancer_demo: Path) -> None:
    data = json.loads((cancer_demo / f"results/signatures/{PATIENT}.json").read_text())
    print({k: data[k] for k in ("tmb", "callable_mb", "msi_status", "msi_score")})
    assert data["mode"] == "paired"
    # the demo tumour has one-unit indels in 3 of its 33 microsatellites: stable
    assert (data["msi_loci_assessed"], data["msi_loci_unstable"]) == (33, 3)
    assert data["msi_status"] == "MSS" and data["msi_assessable"]
    # 0.05 coding Mb is too small a territory for TMB: computed but not established
    assert data["tmb"] > 0 and not data["tmb_assessable"]


ALK_INHIBITORS = {"alectinib", "brigatinib", "lorlatinib", "crizotinib", "ceritinib", "ensartinib"}
ABL1_INHIBITORS = {"imatinib", "dasatinib", "nilotinib", "bosutinib", "asciminib", "ponatinib"}
ERBB2_THERAPIES = {
    "trastuzumab",
    "pertuzumab",
    "trastuzumab emtansine",
    "trastuzumab deruxtecan",
    "tucatinib",
    "neratinib",
    "lapatinib",
    "zongertinib",
}


def test_findings_list_the_expected_therapies(cancer_demo: Path) -> None:
    path = cancer_demo / f"results/actionable/{PATIENT}/findings.json"
    findings = json.loads(path.read_text())["findings"]
    evidence = [(f["gene"], e) for f in findings for e in f["evidence"]]

    def has(genes: set[str], therapies: set[str], direction: str) -> bool:
        for gene, item in evidence:
            drugs = set(item["therapy"].split(" + "))
            if gene in genes and drugs & therapies and item["direction"] == direction:
                assert item.get("tier"), item
                print(gene, item["therapy"], item["direction"], item["tier"])
                return True
        return False

    assert has({"EGFR"}, {"osimertinib"}, "sensitivity")
    assert has({"EGFR"}, {"erlotinib", "gefitinib"}, "resistance")
    assert has({"ALK", "EML4"}, ALK_INHIBITORS, "sensitivity")
    assert has({"ABL1", "BCR"}, ABL1_INHIBITORS, "sensitivity")
    assert has({"ERBB2"}, ERBB2_THERAPIES, "sensitivity")


# --- the same tumour without its normal ----------------------------------------------------------


@pytest.fixture(scope="module")
def tumour_only_demo(cancer_demo: Path, tmp_path_factory) -> Path:
    """DEMO_P2_T alone; alignment and coverage files are reused from the paired run."""
    workdir = tmp_path_factory.mktemp("tumour_only")
    samples = [r for r in read_tsv(cancer_demo / "samples.tsv") if r["sample"] == TUMOUR]
    units = [r for r in read_tsv(cancer_demo / "units.tsv") if r["sample"] == TUMOUR]
    write_sheets(workdir, samples, units)
    config = (cancer_demo / "config.yaml").read_text()
    (workdir / "config.yaml").write_text(config)
    for pattern in (
        "results/reference/**/*",
        f"results/bam/{TUMOUR}.bam*",
        f"results/qc/*/{TUMOUR}*",
        f"results/signatures/callable/{TUMOUR}*",
    ):
        for source in cancer_demo.glob(pattern):
            if source.is_file():
                target = workdir / source.relative_to(cancer_demo)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)
    snakemake(
        workdir,
        f"results/signatures/{PATIENT}.json",
        f"results/cnv/{PATIENT}.cna.tsv",
        f"results/fusions/{PATIENT}.fusions.tsv",
    )
    return workdir


def test_tumour_only_keeps_drivers_and_fusions(tumour_only_demo: Path) -> None:
    calls = variant_keys(tumour_only_demo / f"results/somatic/{PATIENT}.somatic.vcf.gz")
    truth = set(truth_vafs(SOMATIC_TRUTH))
    with pysam.VariantFile(str(SOMATIC_TRUTH)) as vcf:
        named = {
            (r.chrom, r.pos, r.ref, r.alts[0]): str(r.info.get("DEMO_NAME"))
            for r in vcf
            if "DEMO_NAME" in r.header.info and r.info.get("DEMO_NAME")
        }
    drivers = named or {k: f"{k[0]}:{k[1]}" for k in truth if k[0] == "EGFR"}
    leaked = germline_truth() & calls
    for result in score(truth, calls).values():
        print("tumour-only:", result)
    print(f"germline truth variants leaking through the tumour-only filter: {len(leaked)}")
    missing = {name for key, name in drivers.items() if key not in calls}
    assert not missing, f"drivers lost without the normal: {sorted(missing)}"
    found = fusion_pairs(tumour_only_demo / f"results/fusions/{PATIENT}.fusions.tsv")
    for expected in read_tsv(DEMO / "truth.fusions.tsv"):
        assert (expected["gene5p"], expected["gene3p"]) in found
    report = json.loads((tumour_only_demo / f"results/signatures/{PATIENT}.json").read_text())
    assert report["mode"] == "tumour-only"
    assert any("germline" in note for note in report["notes"])
    cna = {
        r["gene"]: r["call"] for r in read_tsv(tumour_only_demo / f"results/cnv/{PATIENT}.cna.tsv")
    }
    print("tumour-only copy number:", cna)
    assert cna.get("ERBB2") == "amplification"


# --- real reads: SEQC2 HCC1395 tumour/normal -----------------------------------------------------


@pytest.fixture(scope="module")
def hcc1395_run(tmp_path_factory) -> Path:
    if not (HCC1395 / "WES_LL_T_1_test.bam").is_file():
        pytest.skip(f"{HCC1395} absent")
    workdir = tmp_path_factory.mktemp("hcc1395")
    files = prepare(HCC1395, workdir)
    write_config(workdir, files["fasta"], files["gtf"], "hcc1395windows")
    # the patient's results and the normal's germline calls (QC reports are not needed here)
    snakemake(
        workdir,
        "results/annotated/HCC1395.somatic.vcf.gz",
        "results/fusions/HCC1395.fusions.tsv",
        "results/cnv/HCC1395.cna.tsv",
        "results/signatures/HCC1395.json",
        "results/calls/HCC1395_N.germline.vcf.gz",
    )
    return workdir


def test_hcc1395_end_to_end(hcc1395_run: Path) -> None:
    run = hcc1395_run
    # the rebuilt reference holds the reads: (almost) every read maps again
    for sample in ("HCC1395_T", "HCC1395_N"):
        flagstat = subprocess.run(
            ["samtools", "flagstat", str(run / f"results/bam/{sample}.bam")],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        mapped = next(line for line in flagstat.splitlines() if " mapped (" in line)
        percent = float(mapped.split("(")[1].split("%")[0])
        print(sample, mapped)
        assert percent >= 99.0
    summary = json.loads((run / "results/somatic/HCC1395.summary.json").read_text())
    print("somatic classification:", summary["filters"])
    assert summary["mode"] == "paired" and summary["somatic"] > 0
    with pysam.VariantFile(str(run / "results/annotated/HCC1395.somatic.vcf.gz")) as vcf:
        assert list(vcf.header.samples) == ["HCC1395_T", "HCC1395_N"]
        records = list(vcf)
    for record in records:
        tumour, normal = record.samples["HCC1395_T"], record.samples["HCC1395_N"]
        gene = record.info["ANN"][0].split("|")[3] if "ANN" in record.info else "."
        print(
            f"  {record.chrom}:{record.pos} {record.ref}>{record.alts[0]} {gene} "
            f"tumour {tumour['AD']} VAF {tumour['AF'][0]:.2f}, normal {normal['AD']}"
        )
        assert normal["AD"][1] <= 1 and tumour["AD"][1] >= 3
    assert len(records) == summary["somatic"]
    fusions = read_tsv(run / "results/fusions/HCC1395.fusions.tsv")
    print("fusions:", [(f["gene5p"], f["gene3p"]) for f in fusions])
    cna = read_tsv(run / "results/cnv/HCC1395.genes.tsv")
    print("copy number:", {r["gene"]: r["copy_number"] for r in cna})
    assert len(cna) == len((run / "results/reference/genes.bed").read_text().splitlines())
    signatures = json.loads((run / "results/signatures/HCC1395.json").read_text())
    print({k: signatures[k] for k in ("tmb", "callable_mb", "tmb_assessable", "msi_status")})
    assert not signatures["tmb_assessable"]  # a few kb of targets is no TMB territory
    germline = variant_keys(run / "results/calls/HCC1395_N.germline.vcf.gz")
    print("germline variants of the normal:", len(germline))
    assert not germline & {(r.chrom, r.pos, r.ref, r.alts[0]) for r in records}
