"""VCF reading: dialects, annotations, samples, VAF, normalisation, left-alignment."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pysam
import pytest

from actionable.errors import FormatError, InputFileError, UsageError
from actionable.matching.cascade import VariantMatcher
from actionable.matching.fasta import Reference
from actionable.matching.knowledge import (
    Allele,
    EvidenceRow,
    KnowledgeBase,
    KnownVariant,
    load_knowledge_base,
)
from actionable.matching.oncotree import load_oncotree
from actionable.matching.vcf import AnnotationParser, ReadStats, VcfReader, vep_allele

ANN_DESC = (
    "Functional annotations: 'Allele | Annotation | Annotation_Impact | Gene_Name | Gene_ID | "
    "Feature_Type | Feature_ID | Transcript_BioType | Rank | HGVS.c | HGVS.p | cDNA.pos / "
    "cDNA.length | CDS.pos / CDS.length | AA.pos / AA.length | Distance | ERRORS / WARNINGS / INFO'"
)
GENES = frozenset({"EGFR", "KRAS", "BRCA2", "MET"})


def write_vcf(
    path: Path, records: list[str], samples: tuple[str, ...] = ("S1",), extra: str = ""
) -> Path:
    header = [
        "##fileformat=VCFv4.2",
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">',
        '##FORMAT=<ID=AF,Number=A,Type=Float,Description="Allele fraction">',
        '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">',
    ]
    if extra:
        header.append(extra)
    header.append(
        "\t".join(
            ["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT", *samples]
        )
    )
    path.write_text("\n".join(header + records) + "\n")
    return path


def calls(path: Path, genome: str = "GRCh38", sample: str | None = None) -> list:  # type: ignore[type-arg]
    reader = VcfReader(path, genome, sample=sample)
    return list(reader.calls(load_knowledge_base(), ReadStats()))


def test_ann_parsing_exon_rank_and_protein() -> None:
    parser = AnnotationParser("ANN", ANN_DESC)
    value = (
        "A|disruptive_inframe_deletion|MODERATE|EGFR|EGFR|transcript|NM_005228.5|protein_coding|"
        "19/28|c.2235_2249delGGAATTAAGAGAAGC|p.Glu746_Ala750del|2400/5600|2235/3633|746/1210||,"
        "A|intron_variant|MODIFIER|EGFR|EGFR|transcript|NM_201282.2|protein_coding|18/15|"
        "c.2184+10del|||||| "
    )
    anns = parser.parse(value, "A", "-", 1, 0, GENES)
    assert len(anns) == 2
    first, second = anns
    assert first.consequences == ("inframe_deletion",)
    assert first.exon == 19 and first.intron is None
    assert first.protein is not None and first.protein.short == "E746_A750del"
    assert first.hgvsc == "c.2235_2249del"
    assert first.protein_len == 1210
    assert second.exon is None and second.intron == 18
    assert parser.mentions(value, frozenset({"EGFR"}))
    assert not parser.mentions(value, frozenset({"KRAS"}))


def test_csq_field_order_from_header() -> None:
    desc = (
        "Consequence annotations from Ensembl VEP. "
        "Format: Consequence|SYMBOL|Allele|Feature|EXON|INTRON|HGVSc|HGVSp|CANONICAL"
    )
    parser = AnnotationParser("CSQ", desc)
    value = "splice_donor_variant|MET|T|ENST00000397752.8||14/20|ENST00000397752.8:c.3028+1G>T||YES"
    (ann,) = parser.parse(value, "T", "T", 1, 0, GENES)
    assert ann.gene == "MET" and ann.intron == 14 and ann.exon is None
    assert ann.flagged_canonical and ann.hgvsc == "c.3028+1G>T"


def test_eff_legacy_parsing() -> None:
    desc = (
        "Predicted effects for this variant.Format: 'Effect ( Effect_Impact | Functional_Class | "
        "Codon_Change | Amino_Acid_change| Amino_Acid_length | Gene_Name | Transcript_BioType | "
        "Gene_Coding | Transcript_ID | Exon_Rank  | Genotype_Number [ | ERRORS | WARNINGS ] )'"
    )
    parser = AnnotationParser("EFF", desc)
    value = (
        "NON_SYNONYMOUS_CODING(MODERATE|MISSENSE|gGt/gAt|G12D|189|KRAS|protein_coding|CODING|"
        "NM_004985|2|1)"
    )
    (ann,) = parser.parse(value, "T", "T", 1, 0, GENES)
    assert ann.consequences == ("missense_variant",)
    assert ann.protein is not None and ann.protein.short == "G12D"
    assert ann.exon == 2 and ann.protein_len == 189


def test_vep_allele_strings() -> None:
    assert vep_allele("AG", ["A"], "A") == "-"
    assert vep_allele("A", ["AT"], "AT") == "T"
    assert vep_allele("C", ["A", "G"], "G") == "G"
    assert vep_allele("AGG", ["A", "AG"], "AG") == "G"


def test_chr_prefix_bgzip_and_bcf_are_equivalent(tmp_path: Path) -> None:
    rec = "7\t55191822\t.\tT\tG\t50\tPASS\t.\tGT:AD:DP\t0/1:30,10:40"
    plain = write_vcf(tmp_path / "a.vcf", [rec])
    chr_vcf = write_vcf(tmp_path / "b.vcf", ["chr" + rec])
    gz = tmp_path / "a.vcf.gz"
    pysam.tabix_compress(str(plain), str(gz))
    bcf = tmp_path / "a.bcf"
    withcontig = write_vcf(tmp_path / "c.vcf", [rec], extra="##contig=<ID=7>")
    subprocess.run(["bcftools", "view", "-O", "b", "-o", str(bcf), str(withcontig)], check=True)
    for path in (plain, chr_vcf, gz, bcf):
        (call,) = calls(path)
        assert call.norm_chrom == "7" and call.pos == 55191822
        assert call.vaf == 0.25 and call.depth == 40 and call.genotype == "0/1"


def test_vaf_prefers_format_af(tmp_path: Path) -> None:
    rec = "chr7\t55191822\t.\tT\tG\t50\tPASS\t.\tGT:AD:AF:DP\t0/1:30,10:0.3:40"
    (call,) = calls(write_vcf(tmp_path / "a.vcf", [rec]))
    assert call.vaf == 0.3


def test_multi_sample_needs_sample_or_tumour_name(tmp_path: Path) -> None:
    rec = "chr7\t55191822\t.\tT\tG\t50\tPASS\t.\tGT:AD\t0/1:30,10\t0/0:40,0"
    two = write_vcf(tmp_path / "a.vcf", [rec], samples=("P1", "P2"))
    with pytest.raises(UsageError, match="choose the tumour column with --sample"):
        VcfReader(two, "GRCh38")
    with pytest.raises(UsageError, match="'P3' is not a sample"):
        VcfReader(two, "GRCh38", sample="P3")
    assert len(calls(two, sample="P1")) == 1
    assert calls(two, sample="P2") == []  # 0/0 in that column
    named = write_vcf(tmp_path / "b.vcf", [rec], samples=("HCC_TUMOR", "HCC_NORMAL"))
    reader = VcfReader(named, "GRCh38")
    assert reader.sample == "HCC_TUMOR"


def test_sites_only_vcf_is_read(tmp_path: Path) -> None:
    path = tmp_path / "s.vcf"
    path.write_text(
        "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
        "7\t55191822\t.\tT\tG\t50\tPASS\t.\n"
    )
    (call,) = calls(path)
    assert call.vaf is None and call.genotype is None


def test_multiallelic_split_and_symbolic_alleles_skipped(tmp_path: Path) -> None:
    rec = "12\t25245351\t.\tC\tA,G,<*>\t50\tPASS\t.\tGT:AD\t1/2:10,12,8,0"
    found = calls(write_vcf(tmp_path / "a.vcf", [rec]))
    assert [(c.alt, c.vaf) for c in found] == [("A", 0.4), ("G", 0.2667)]


def test_build_mismatch_is_reported(tmp_path: Path) -> None:
    path = write_vcf(tmp_path / "a.vcf", [], extra="##contig=<ID=chr1,length=248956422>")
    with pytest.raises(UsageError, match="which is GRCh38, but --genome GRCh37"):
        VcfReader(path, "GRCh37")


@pytest.mark.parametrize(
    ("content", "error", "message"),
    [
        (b"", FormatError, "empty file"),
        (b"#CHROM\tPOS\n1\t2\n", FormatError, "not a VCF"),
        (b"\x1f\x8b\x08garbage", InputFileError, "unreadable gzip"),
    ],
)
def test_bad_files(tmp_path: Path, content: bytes, error: type, message: str) -> None:
    path = tmp_path / "bad.vcf"
    path.write_bytes(content)
    with pytest.raises(error, match=message):
        VcfReader(path, "GRCh38")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="no such file"):
        VcfReader(tmp_path / "nope.vcf", "GRCh38")


def test_malformed_record_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "m.vcf"
    path.write_text(
        "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
        "7\t55191822\t.\tT\tG\t50\tPASS\t.\n7\tnotanumber\n"
    )
    reader = VcfReader(path, "GRCh38")
    with pytest.raises(FormatError, match="malformed VCF record 2"):
        list(reader.calls(load_knowledge_base(), ReadStats()))


def _tiny_kb() -> KnowledgeBase:
    row = EvidenceRow(
        evidence_id="AK0001",
        gene="GENEX",
        match_kind="exon",
        alteration_key="2",
        alteration="GENEX exon 2 deletion",
        consequence=("inframe_deletion",),
        disease=("SOLID",),
        therapy="drugx",
        direction="sensitivity",
        level="A",
        source="FDA label",
        citation="test",
        condition="",
        excluded_diseases=(),
        last_reviewed="2026-11-21",
    )
    # deletion of one T of the T run, placed right-most (position 10)
    alleles = {g: Allele("1", 10, "TTT", "") for g in ("GRCh38", "GRCh37")}
    known = KnownVariant("GENEX", "exon", "2", "", "inframe_deletion", 2, "", alleles, "test", "")
    return KnowledgeBase("2026.11.1", ["test"], [row], [known], {}, load_oncotree())


def test_left_alignment_with_reference(tmp_path: Path) -> None:
    fasta = tmp_path / "ref.fa"
    #               1234567890123456
    fasta.write_text(">chr1\nACGTTTTTTTTTTGCAACGT\n")
    pysam.faidx(str(fasta))
    ref = Reference(fasta, "GRCh38")
    assert ref.left_align("1", 10, "TTT", "") == (4, "TTT", "")
    assert ref.left_align("1", 14, "", "G") == (14, "", "G")
    kb = _tiny_kb()
    vcf = write_vcf(tmp_path / "a.vcf", ["1\t3\t.\tGTTT\tG\t50\tPASS\t.\tGT\t0/1"])
    assert list(VcfReader(vcf, "GRCh38").calls(kb, ReadStats())) == []  # not near, no annotation
    (call,) = list(VcfReader(vcf, "GRCh38").calls(kb, ReadStats(), all_indels=True))
    assert VariantMatcher(kb, "GRCh38").match(call) == []
    (finding,) = VariantMatcher(kb, "GRCh38", ref.left_align).match(call)
    assert finding.gene == "GENEX" and finding.match_kind == "genomic"
