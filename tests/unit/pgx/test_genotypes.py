"""Reading genotypes at definition positions: dialects, no-calls, builds."""

from __future__ import annotations

from pathlib import Path

import pysam
import pytest

from actionable.errors import FormatError, UsageError
from actionable.pgx.definitions import load_gene
from actionable.pgx.genotypes import read_genotypes
from actionable.pgx.result import build_report
from tests.support.pgx_vcfs import write_vcf

RS3758581 = 94842866
RS4244285 = 94781859
RS12769205 = 94775367


def cyp2c19(doc: dict) -> dict:
    return next(g for g in doc["genes"] if g["gene"] == "CYP2C19")


def star12(tmp_path: Path, **kwargs) -> Path:
    gts = {RS3758581: "1/1", RS12769205: "0/1", RS4244285: "0/1"}
    return write_vcf(tmp_path / "in.vcf", genes=("CYP2C19",), overrides=gts, **kwargs)


def test_chr_less_contigs(tmp_path: Path) -> None:
    doc = build_report(star12(tmp_path, bare_contigs=True))
    assert cyp2c19(doc)["diplotype"] == "*1/*2"
    assert doc["input"]["contig_style"] == "bare"


def test_bgzipped_and_indexed(tmp_path: Path) -> None:
    plain = star12(tmp_path)
    packed = tmp_path / "in.vcf.gz"
    pysam.tabix_compress(str(plain), str(packed))
    assert cyp2c19(build_report(packed))["diplotype"] == "*1/*2"  # streamed gzip
    pysam.tabix_index(str(packed), preset="vcf", force=True)
    assert cyp2c19(build_report(packed))["diplotype"] == "*1/*2"  # via the index


def test_split_multiallelic_records_combine(tmp_path: Path) -> None:
    # CYP2C19 rs4244285 written as two records (bcftools norm -m- style) plus the others
    vcf = star12(
        tmp_path,
        skip=[RS4244285],
        extra_lines=[
            f"chr10\t{RS4244285}\t.\tG\tA\t50\tPASS\t.\tGT\t0/1",
            f"chr10\t{RS4244285}\t.\tG\tC\t50\tPASS\t.\tGT\t0/0",
        ],
    )
    assert cyp2c19(build_report(vcf))["diplotype"] == "*1/*2"


def test_gvcf_reference_block_counts_as_reference(tmp_path: Path) -> None:
    definition = load_gene("CYP2C19")
    covered = [v.position for v in definition.variants if 94761000 < v.position < 94763000]
    block = "chr10\t94761000\t.\tN\t<NON_REF>\t.\tPASS\tEND=94763000\tGT\t0/0"
    vcf = star12(tmp_path, skip=covered, extra_lines=[block])
    result = cyp2c19(build_report(vcf))
    assert result["status"] == "called"
    assert result["diplotype"] == "*1/*2"


def test_mnp_record_covering_a_position(tmp_path: Path) -> None:
    # rs4244285 (94781859 G>A) inside a two-base record starting one base earlier
    definition = load_gene("CYP2C19")
    before = definition.variants[definition.index_of(RS4244285) - 1]
    assert before.position == RS4244285 - 1  # rs6413438 sits right next to it
    vcf = star12(
        tmp_path,
        skip=[RS4244285, before.position],
        extra_lines=[
            f"chr10\t{before.position}\t.\t{before.ref}G\t{before.ref}A\t50\tPASS\t.\tGT\t0/1",
        ],
    )
    assert cyp2c19(build_report(vcf))["diplotype"] == "*1/*2"


def test_ref_mismatch_is_a_no_call(tmp_path: Path) -> None:
    vcf = star12(
        tmp_path,
        skip=[RS4244285],
        extra_lines=[
            f"chr10\t{RS4244285}\t.\tT\tA\t50\tPASS\t.\tGT\t0/1",
        ],
    )
    result = cyp2c19(build_report(vcf))
    missing = {m["rsid"]: m["reason"] for m in result["missing_positions"]}
    assert missing["rs4244285"] == "VCF REF T differs from the GRCh38 base G"


def test_many_ref_mismatches_suggest_another_build(tmp_path: Path) -> None:
    lines = "".join(
        f"chr10\t{p}\t.\tN\tA\t50\tPASS\t.\tGT\t0/1\n" for p in (94761900, 94762706, 94762712)
    )
    vcf = tmp_path / "in.vcf"
    vcf.write_text(
        "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS\n" + lines
    )
    with pytest.raises(FormatError, match="lift over to GRCh38"):
        build_report(vcf)


def test_grch37_contig_lengths_rejected(tmp_path: Path) -> None:
    vcf = star12(tmp_path, contig_lengths={"chr10": 135534747})
    with pytest.raises(FormatError, match=r"GRCh37.*lift over to GRCh38 first"):
        build_report(vcf)


def test_grch37_option_rejected(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="GRCh37 input is not supported; lift over to GRCh38"):
        build_report(star12(tmp_path), genome="GRCh37")


def test_sample_selection(tmp_path: Path) -> None:
    gts = {RS3758581: ["1/1", "0/0"], RS4244285: ["0/1", "0/0"], RS12769205: ["0/1", "0/0"]}
    vcf = write_vcf(tmp_path / "two.vcf", genes=("CYP2C19",), overrides=gts, samples=("A", "B"))
    assert cyp2c19(build_report(vcf, sample="A"))["diplotype"] == "*1/*2"
    assert cyp2c19(build_report(vcf, sample="B"))["diplotype"] == "*38/*38"
    with pytest.raises(UsageError, match=r"has 2 samples .*choose one with --sample"):
        build_report(vcf)
    with pytest.raises(UsageError, match=r"--sample C: not in two\.vcf; available: A, B"):
        build_report(vcf, sample="C")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty file"),
        ("hello\n", "line 1: not a VCF"),
        ("##fileformat=VCFv4.2\n", "no #CHROM header line"),
        ("##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n", "no sample"),
        (
            "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS\n"
            "chr10\tnotanumber\t.\tA\tG\t.\t.\t.\tGT\t0/1\n",
            "line 3: malformed data line",
        ),
        (
            "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS\n"
            "chr10\t94842866\t.\tA\tG\t.\t.\t.\tGT\n",
            "line 3: 9 columns, the header declares 10",
        ),
        (
            "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS\n"
            "chr10\t94842866\t.\tA\tG\t.\t.\t.\tGT\t0/3\n",
            "line 3: GT 0/3 refers to an allele",
        ),
    ],
)
def test_malformed_input(tmp_path: Path, text: str, message: str) -> None:
    vcf = tmp_path / "bad.vcf"
    vcf.write_text(text)
    with pytest.raises(FormatError, match=message):
        read_genotypes(vcf, [load_gene("CYP2C19")])


def test_haploid_and_partial_genotypes_are_no_calls(tmp_path: Path) -> None:
    vcf = star12(
        tmp_path,
        skip=[RS4244285, RS12769205],
        extra_lines=[
            f"chr10\t{RS4244285}\t.\tG\tA\t50\tPASS\t.\tGT\t1",
            f"chr10\t{RS12769205}\t.\tA\tG\t50\tPASS\t.\tGT\t0/.",
        ],
    )
    missing = {m["rsid"]: m["reason"] for m in cyp2c19(build_report(vcf))["missing_positions"]}
    assert missing == {
        "rs4244285": "non-diploid genotype (1)",
        "rs12769205": "no genotype (0/.)",
    }
