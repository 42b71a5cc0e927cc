"""Workflow helpers (sites file, demo -> GRCh38 remap), packaged data and its provenance."""

from __future__ import annotations

import gzip
import json
import random
import shutil
import subprocess
from pathlib import Path

import pysam
import pytest

from actionable.cli import main
from actionable.errors import FormatError
from actionable.pgx.definitions import load_gene
from actionable.pgx.recommendations import load_recommendations
from actionable.pgx.result import build_report
from actionable.workflow.pgx_sites import SITE_MAP_HEADER, remap_vcf, write_sites
from tools.pgx_convert import GENES, convert

REPO = Path(__file__).resolve().parents[3]
SHARED_PGX = REPO / ".." / "shared" / "data" / "pgx"
PACKAGED = REPO / "src" / "actionable" / "data" / "pgx"
MAP_HEADER = "\t".join(SITE_MAP_HEADER)


def snv_count(genes: tuple[str, ...]) -> int:
    return sum(v.is_snv for g in genes for v in load_gene(g).variants)


def test_sites_file_all_genes(tmp_path: Path) -> None:
    summary = write_sites(tmp_path / "sites.tsv")
    rows = [line.split("\t") for line in (tmp_path / "sites.tsv").read_text().splitlines()]
    assert summary.written == len(rows) == snv_count(GENES) == 310
    assert all(len(r) == 3 and r[0].startswith("chr") for r in rows)
    order = [(int(r[0][3:]), int(r[1])) for r in rows]
    assert order == sorted(order)
    assert ["chr10", "94781859", "G,A"] in rows  # CYP2C19*2
    assert ["chr2", "233759924", "C,T"] in rows  # UGT1A1 rs887829, the *28 proxy
    assert not any(r[1] == "233760233" for r in rows)  # the TA repeat itself
    assert any(
        "rs3064744: TA repeat (*28), genotyped by its proxy rs887829" in s for s in summary.skipped
    )
    assert len(summary.skipped) == 29


def test_sites_file_bare_contigs(tmp_path: Path) -> None:
    write_sites(tmp_path / "s.tsv", genes=["TPMT"], chr_prefix=False)
    rows = (tmp_path / "s.tsv").read_text().splitlines()
    assert len(rows) == snv_count(("TPMT",))
    assert all(r.startswith("6\t") for r in rows)


def small_map(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "map.tsv"
    path.write_text(
        f"{MAP_HEADER}\n"
        "CYP2C19\tchr10\t94842866\tA\tdemo\t900\n"
        "CYP2C19\tchr10\t94781859\tG\tdemo\t300\n"
        "CYP2C19\tchr10\t94775367\tA\tdemo\t200\n" + extra
    )
    return path


def test_sites_file_with_site_map(tmp_path: Path) -> None:
    summary = write_sites(tmp_path / "s.tsv", site_map=small_map(tmp_path))
    assert (tmp_path / "s.tsv").read_text() == "demo\t200\tA,G\ndemo\t300\tG,A\ndemo\t900\tA,G\n"
    assert summary.genes == ["CYP2C19"]
    assert sum("not in the site map" in s for s in summary.skipped) == 32


def test_site_map_errors(tmp_path: Path) -> None:
    bad_ref = small_map(tmp_path, "CYP2C19\tchr10\t94780653\tT\tdemo\t400\n")
    with pytest.raises(FormatError, match="line 5: ref T differs from the GRCh38 definition ref G"):
        write_sites(tmp_path / "s.tsv", site_map=bad_ref)
    header = tmp_path / "h.tsv"
    header.write_text("gene\tchrom\tpos\n")
    with pytest.raises(FormatError, match="header must be"):
        write_sites(tmp_path / "s.tsv", site_map=header)


def test_remap_vcf(tmp_path: Path) -> None:
    demo = tmp_path / "demo.vcf"
    demo.write_text(
        "##fileformat=VCFv4.2\n##contig=<ID=demo,length=1000>\n"
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tDEMO\n"
        "demo\t900\t.\tA\tG\t50\tPASS\t.\tGT\t1/1\n"
        "demo\t200\t.\tA\tG\t50\tPASS\t.\tGT\t0/1\n"
        "demo\t250\t.\tC\tT\t50\tPASS\t.\tGT\t0/1\n"
        "demo\t300\t.\tG\tA\t50\tPASS\t.\tGT\t0/1\n"
    )
    out = tmp_path / "grch38.vcf.gz"
    summary = remap_vcf(demo, small_map(tmp_path), out)
    assert (summary.kept, summary.dropped) == (3, 1)
    with gzip.open(out, "rt") as handle:
        lines = handle.read().splitlines()
    assert lines[0] == "##fileformat=VCFv4.2"
    assert lines[1] == "##contig=<ID=chr10,length=133797422,assembly=GRCh38>"
    assert not any(line.startswith("##contig=<ID=demo") for line in lines)
    body = [line.split("\t")[:2] for line in lines if not line.startswith("#")]
    assert body == [["chr10", "94775367"], ["chr10", "94781859"], ["chr10", "94842866"]]

    plain = tmp_path / "grch38.vcf"
    remap_vcf(demo, small_map(tmp_path), plain)
    assert plain.read_text().count("\nchr10\t") == 3

    wrong = tmp_path / "wrong.vcf"
    wrong.write_text(demo.read_text().replace("demo\t300\t.\tG", "demo\t300\t.\tT"))
    with pytest.raises(FormatError, match="REF T at demo:300 differs from the site map ref G"):
        remap_vcf(wrong, small_map(tmp_path), tmp_path / "x.vcf")
    assert not (tmp_path / "x.vcf").exists()


def test_pgx_sites_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["pgx-sites", "--out", str(tmp_path / "s.tsv"), "--genes", "NUDT15", "--no-chr"])
    assert code == 0
    assert "sites written" in capsys.readouterr().err
    assert (tmp_path / "s.tsv").read_text().splitlines()[0].startswith("13\t")


@pytest.mark.skipif(
    not (shutil.which("bcftools") and shutil.which("samtools")), reason="bcftools not installed"
)
def test_reads_to_diplotype_through_bcftools(tmp_path: Path) -> None:
    """Demo-style contig carrying the CYP2C19 sites; *1/*2 reads; forced genotyping; remap."""
    rng = random.Random(7)
    snvs = [v for v in load_gene("CYP2C19").variants if v.is_snv]
    length = 300 + 60 * len(snvs)
    seq = [rng.choice("ACGT") for _ in range(length)]
    rows = [MAP_HEADER]
    demo_pos = {}
    for k, variant in enumerate(snvs):
        pos = 150 + 60 * k
        seq[pos - 1] = variant.ref
        demo_pos[variant.position] = pos
        rows.append(f"CYP2C19\tchr10\t{variant.position}\t{variant.ref}\tdemo\t{pos}")
    site_map = tmp_path / "pgx_sites.tsv"
    site_map.write_text("\n".join(rows) + "\n")
    fasta = tmp_path / "ref.fa"
    fasta.write_text(">demo\n" + "".join(seq) + "\n")
    pysam.faidx(str(fasta))
    star1, star2 = list(seq), list(seq)
    for haplotype in (star1, star2):
        haplotype[demo_pos[94842866] - 1] = "G"
    star2[demo_pos[94775367] - 1] = "G"
    star2[demo_pos[94781859] - 1] = "A"
    sam = ["@HD\tVN:1.6\tSO:unsorted", f"@SQ\tSN:demo\tLN:{length}", "@RG\tID:rg\tSM:DEMO"]
    n = 0
    for start in range(0, length - 100, 5):
        for haplotype in (star1, star2):
            n += 1
            read = "".join(haplotype[start : start + 100])
            sam.append(
                f"r{n}\t0\tdemo\t{start + 1}\t60\t100M\t*\t0\t0\t{read}\t{'I' * 100}\tRG:Z:rg"
            )
    # one site without reads must stay a no-call: cut coverage over the last definition site
    last = demo_pos[snvs[-1].position]
    sam = [s for s in sam if s.startswith("@") or not (last - 100 < int(s.split("\t")[3]) <= last)]
    (tmp_path / "reads.sam").write_text("\n".join(sam) + "\n")
    bam = tmp_path / "reads.bam"
    pysam.sort("-o", str(bam), str(tmp_path / "reads.sam"))
    pysam.index(str(bam))
    sites = tmp_path / "sites.tsv"
    write_sites(sites, site_map=site_map)
    calls = tmp_path / "calls.vcf"
    mpileup = subprocess.run(
        ["bcftools", "mpileup", "-f", str(fasta), "-T", str(sites), "-a", "AD,DP", str(bam)],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        ["bcftools", "call", "-m", "-C", "alleles", "-T", str(sites), "-o", str(calls)],
        input=mpileup.stdout,
        check=True,
        capture_output=True,
    )
    grch38 = tmp_path / "grch38.vcf.gz"
    remap_vcf(calls, site_map, grch38)
    result = next(g for g in build_report(grch38)["genes"] if g["gene"] == "CYP2C19")
    assert result["diplotype"] == "*1/*2"
    assert result["phenotype"] == "Intermediate Metabolizer"
    assert [m["position"] for m in result["missing_positions"]] == [snvs[-1].position]
    assert any(r["drug"] == "clopidogrel" for r in result["recommendations"])


@pytest.mark.skipif(not SHARED_PGX.is_dir(), reason="shared data folder not present")
def test_packaged_definitions_reproduce_from_shared_data(tmp_path: Path) -> None:
    convert(SHARED_PGX, tmp_path)
    for gene in GENES:
        assert (tmp_path / f"{gene}.json").read_text() == (PACKAGED / f"{gene}.json").read_text()
    assert (tmp_path / "MANIFEST.json").read_text() == (PACKAGED / "MANIFEST.json").read_text()


def test_manifest_records_provenance() -> None:
    manifest = json.loads((PACKAGED / "MANIFEST.json").read_text())
    assert set(manifest["genes"]) == set(GENES)
    for info in manifest["genes"].values():
        assert info["source"] == "CLINPGX"
        assert info["version"] == "2025-11-05-00-25"
        assert info["modification_date"]
        assert all(len(digest) == 64 for digest in info["source_files"].values())
    size = sum(p.stat().st_size for p in PACKAGED.iterdir())
    assert size < 300_000


def test_recommendation_table_covers_the_drugs() -> None:
    rows = load_recommendations()
    by_gene: dict[str, set[str]] = {}
    for row in rows:
        by_gene.setdefault(row.gene, set()).add(row.drug)
    assert by_gene == {
        "CYP2C19": {"clopidogrel", "voriconazole", "citalopram", "escitalopram", "sertraline"},
        "DPYD": {"fluorouracil", "capecitabine"},
        "TPMT": {"azathioprine", "mercaptopurine", "thioguanine"},
        "NUDT15": {"azathioprine", "mercaptopurine", "thioguanine"},
        "UGT1A1": {"irinotecan", "atazanavir"},
        "CYP2D6": {"codeine", "tramadol", "tamoxifen"},
    }
    for row in rows:
        assert row.url.startswith("https://")
        assert row.year is not None or row.source == "FDA label"
