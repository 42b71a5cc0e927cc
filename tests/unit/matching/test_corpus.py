"""Real-world VCFs from ../shared/data/vcf-corpus through `actionable match`.

Every file must give either a result (exit 0) or a one-line error (exit 2) — never a
traceback or a crash. The list of files that are errors, and why, is printed (`pytest -s`).
The real TCGA VCFs (vcf2maf, GRCh37 unannotated) must yield BRAF V600E and PIK3CA hotspot
findings by coordinates, and the VEP-annotated HCC1395 VCF (pvactools) is processed and its
findings listed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from actionable.cli import main

SHARED = Path(__file__).resolve().parents[3] / ".." / "shared"
CORPUS = SHARED / "data" / "vcf-corpus"
VCF_SUFFIXES = (".vcf", ".vcf.gz", ".bcf")

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="shared vcf-corpus not available")

#: files that are expected to be rejected, with the reason printed in the error
EXPECTED_ERRORS = {
    "cyvcf2/empty.vcf": "empty file",
    "cyvcf2/test-invalid-header.vcf": "unreadable VCF header",
    "snpeff/hgvs_1.vep.vcf": "not a VCF",
    "snpeff/test.cancer_2.vcf": "not a VCF",
    "snpeff/test_BRCA_splice_15.vcf": "not a VCF",
    "snpeff/test_gatk_no_annotations.vcf": "malformed VCF record",
}


def corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.name.endswith(VCF_SUFFIXES))


def genome_of(path: Path) -> str:
    """GRCh38 if the file name or a chr1 contig length says so, else GRCh37."""
    name = path.as_posix()
    if "b38" in name or "grch38" in name or "pvactools" in name:
        return "GRCh38"
    if path.suffix == ".vcf":
        with path.open(errors="replace") as fh:
            for line in fh:
                if not line.startswith("##"):
                    break
                if "length=248956422" in line and ("ID=chr1," in line or "ID=1," in line):
                    return "GRCh38"
    return "GRCh37"


def run_match(
    path: Path, out: Path, capsys: pytest.CaptureFixture[str], *extra: str, tumour: str = "SOLID"
) -> tuple[int, str]:
    argv = ["match", "--vcf", str(path), "--tumor-type", tumour, "--genome", genome_of(path)]
    rc = main([*argv, "--out", str(out), *extra])
    err = capsys.readouterr().err
    assert rc in (0, 2), (path, rc, err)
    if rc == 2:
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("actionable match: error: "), err
        assert "Traceback" not in err
    return rc, err.strip()


def load(out: Path) -> dict[str, Any]:
    return json.loads((out / "findings.json").read_text())


def test_every_corpus_file_is_a_result_or_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = corpus_files()
    assert len(files) >= 50
    report: list[str] = []
    errors: dict[str, str] = {}
    for i, path in enumerate(files):
        rel = path.relative_to(CORPUS).as_posix()
        out = tmp_path / f"out{i}"
        rc, err = run_match(path, out, capsys)
        if rc == 2 and "choose the tumour column with --sample" in err:
            # multi-sample VCF without a tumour-named column: rerun on its first sample
            from cyvcf2 import VCF

            first = VCF(str(path)).samples[0]
            rc2, err2 = run_match(path, out, capsys, "--sample", first)
            status = "ok" if rc2 == 0 else f"error: {err2}"
            n = len(load(out)["findings"]) if rc2 == 0 else 0
            report.append(
                f"{rel}: needs --sample (ok with --sample {first}: {status}, {n} findings)"
            )
            if rc2 == 2:
                errors[rel] = err2
            continue
        if rc == 0:
            doc = load(out)
            report.append(
                f"{rel}: ok, {doc['stats']['records']} records, {len(doc['findings'])} findings"
            )
        else:
            errors[rel] = err
            report.append(f"{rel}: ERROR {err.split('error: ', 1)[1]}")
    print("\nvcf-corpus through actionable match:")
    print("\n".join(f"  {line}" for line in report))
    print("files rejected with a one-line error:")
    print("\n".join(f"  {k}: {v.split('error: ', 1)[1]}" for k, v in sorted(errors.items())))
    assert set(errors) == set(EXPECTED_ERRORS)
    for rel, reason in EXPECTED_ERRORS.items():
        assert reason in errors[rel], (rel, errors[rel])


def _findings(doc: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {(f["gene"], f["alteration"], f["match_kind"]) for f in doc["findings"]}


@pytest.mark.parametrize(
    ("name", "tumour", "expected"),
    [
        ("test_strelka.vcf", "MEL", {("BRAF", "V600E", "genomic")}),
        ("test.vcf", "BRCA", {("PIK3CA", "E545K", "genomic")}),
        ("test_maf2vcf.vcf", "BRCA", {("PIK3CA", "E545K", "genomic")}),
        ("test_merged.vcf", "BRCA", {("PIK3CA", "H1047R", "genomic"), ("KRAS", "G12D", "genomic")}),
        ("test_grch38.vcf", "BRCA", {("PIK3CA", "E545K", "genomic")}),
    ],
)
def test_tcga_vcfs_give_hotspot_findings_by_coordinates(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    tumour: str,
    expected: set[tuple[str, str, str]],
) -> None:
    path = CORPUS / "vcf2maf" / name
    rc, err = run_match(path, tmp_path, capsys, "--sample", "TUMOR", tumour=tumour)
    assert rc == 0, err
    doc = load(tmp_path)
    assert expected <= _findings(doc)
    by_alt = {f["alteration"]: f for f in doc["findings"]}
    if "V600E" in by_alt:
        f = by_alt["V600E"]
        assert f["variant"]["pos"] == 140453136 and f["variant"]["vaf"] == pytest.approx(0.7375)
        on_label = {e["therapy"] for e in f["evidence"] if e["tier"] == "I-A"}
        assert {"dabrafenib + trametinib", "vemurafenib", "encorafenib + binimetinib"} <= on_label
    for alt in ("E545K", "H1047R"):
        if alt in by_alt:
            assert by_alt[alt]["tier"] == "I-A"
            assert "alpelisib + fulvestrant" in {e["therapy"] for e in by_alt[alt]["evidence"]}


def test_pvactools_hcc1395_vep_vcf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = CORPUS / "pvactools" / "annotated.expression.vcf.gz"
    rc, err = run_match(path, tmp_path, capsys, tumour="BRCA")
    assert rc == 0, err
    doc = load(tmp_path)
    assert doc["sample"] == "HCC1395_TUMOR_DNA"
    assert doc["inputs"]["vcf_annotation"] == "CSQ"
    print("\nHCC1395 (pvactools, VEP 105, GRCh38) findings:")
    for f in doc["findings"]:
        v = f["variant"]
        print(
            f"  {f['gene']} {f['alteration']} [{f['match_kind']}, tier {f['tier']}] "
            f"{v['chrom']}:{v['pos']} {v['ref']}>{v['alt']} {v['hgvsp']} VAF {v['vaf']} on "
            f"{f['transcript']}: "
            + ", ".join(f"{e['therapy']} ({e['tier']}, {e['disease']})" for e in f["evidence"])
        )
    brca2 = [f for f in doc["findings"] if f["gene"] == "BRCA2"]
    assert [(f["alteration"], f["match_kind"], f["canonical"]) for f in brca2] == [
        ("E1593*", "gene_lof", True)
    ]
    assert brca2[0]["transcript"].startswith("ENST00000380152")
    on_label = {e["therapy"] for e in brca2[0]["evidence"] if e["on_label"]}
    assert on_label == {"olaparib", "talazoparib"}
