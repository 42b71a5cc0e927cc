"""actionable.calling.gtf: parsing, transcript order, CDS extraction, snpEff check files."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from actionable.calling.gtf import (
    cds_sequence,
    parse_attributes,
    read_fasta,
    read_transcripts,
    reverse_complement,
    translate,
    write_snpeff_check_files,
)
from actionable.errors import FormatError, InputFileError
from tests.support.workflow import SHARED

# chrT (60 bp) holds three transcripts:
#   P1 (+): exon 3-14 with CDS 5-14, exon 21-32 with CDS 21-25 and stop codon 26-28
#   M1 (-): exon 48-57 (CDS 49-57, first stop base 48), exon 36-43 (stop codon ends 43-42):
#           the stop codon is split across the two exons
#   NC1 (+): one non-coding exon
PLUS_CDS = "ATGAAACCCG" + "GGTTT" + "TAA"  # M K P G F *
MINUS_CDS = "ATGGCATGCT" + "GA"  # M A C *


def _chrom() -> str:
    seq = ["ACGT"[i % 4] for i in range(60)]
    seq[4:14] = PLUS_CDS[:10]  # 5-14
    seq[20:28] = PLUS_CDS[10:]  # 21-28
    seq[47:57] = reverse_complement(MINUS_CDS[:10])  # 48-57, read from 57 down
    seq[41:43] = reverse_complement(MINUS_CDS[10:])  # 42-43
    return "".join(seq)


GTF = """\
#!genome-build test
chrT\tt\tgene\t3\t32\t.\t+\t.\tgene_id "G1"; gene_name "PLUSG";
chrT\tt\ttranscript\t3\t32\t.\t+\t.\tgene_id "G1"; transcript_id "P1"; gene_name "PLUSG";
chrT\tt\texon\t3\t14\t.\t+\t.\tgene_id "G1"; transcript_id "P1"; gene_name "PLUSG"; exon_number 1;
chrT\tt\tCDS\t5\t14\t.\t+\t0\tgene_id "G1"; transcript_id "P1"; gene_name "PLUSG"; exon_number 1;
chrT\tt\tstart_codon\t5\t7\t.\t+\t0\tgene_id "G1"; transcript_id "P1"; gene_name "PLUSG";
chrT\tt\texon\t21\t32\t.\t+\t.\tgene_id "G1"; transcript_id "P1"; gene_name "PLUSG"; exon_number 2;
chrT\tt\tCDS\t21\t25\t.\t+\t2\tgene_id "G1"; transcript_id "P1"; tag "basic"; tag "CCDS";
chrT\tt\tstop_codon\t26\t28\t.\t+\t0\tgene_id "G1"; transcript_id "P1"; gene_name "PLUSG";
chrT\tt\tUTR\t3\t4\t.\t+\t.\tgene_id "G1"; transcript_id "P1"; gene_name "PLUSG";
chrT\tt\texon\t36\t43\t.\t-\t.\tgene_id "G2"; transcript_id "M1"; exon_number "2";
chrT\tt\texon\t48\t57\t.\t-\t.\tgene_id "G2"; transcript_id "M1"; exon_number "1";
chrT\tt\tCDS\t49\t57\t.\t-\t0\tgene_id "G2"; transcript_id "M1";
chrT\tt\tstop_codon\t48\t48\t.\t-\t0\tgene_id "G2"; transcript_id "M1";
chrT\tt\tstop_codon\t42\t43\t.\t-\t2\tgene_id "G2"; transcript_id "M1";
chrT\tt\texon\t58\t60\t.\t+\t.\tgene_id "G3"; transcript_id "NC1"; gene_name "NONCODING";
"""
LINES = GTF.count("\n")


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    fasta = tmp_path / "t.fa"
    fasta.write_text(">chrT test\n" + _chrom() + "\n")
    gtf = tmp_path / "t.gtf"
    gtf.write_text(GTF)
    return fasta, gtf


def test_transcripts_are_read_in_transcript_order(files: tuple[Path, Path]) -> None:
    transcripts = read_transcripts(files[1])
    assert set(transcripts) == {"P1", "M1", "NC1"}
    plus, minus = transcripts["P1"], transcripts["M1"]
    assert (plus.gene_name, plus.gene_id, plus.contig, plus.strand) == ("PLUSG", "G1", "chrT", "+")
    assert plus.exons == [(3, 14), (21, 32)]
    assert plus.cds == [(5, 14), (21, 25)] and plus.cds_frames == [0, 2]
    # no gene_name: falls back to gene_id; minus strand: descending order
    assert (minus.gene_name, minus.strand) == ("G2", "-")
    assert minus.exons == [(48, 57), (36, 43)]
    assert minus.cds == [(49, 57)]
    assert minus.stop_codon == [(48, 48), (42, 43)]
    assert not transcripts["NC1"].is_coding


def test_cds_sequence_includes_the_stop_codon_on_both_strands(files) -> None:
    fasta = read_fasta(files[0])
    transcripts = read_transcripts(files[1])
    assert cds_sequence(transcripts["P1"], fasta) == PLUS_CDS
    # the stop codon split across two exons (T|GA) is joined in transcript order
    assert cds_sequence(transcripts["M1"], fasta) == MINUS_CDS
    assert translate(PLUS_CDS) == "MKPGF" and translate(MINUS_CDS) == "MAC"


def test_coordinate_mapping_and_exon_numbers(files) -> None:
    transcripts = read_transcripts(files[1])
    plus, minus = transcripts["P1"], transcripts["M1"]
    assert [plus.genomic_position(c) for c in (1, 10, 11, 18)] == [5, 14, 21, 28]
    assert plus.coding_position(21) == 11 and plus.coding_position(15) is None
    assert [minus.genomic_position(c) for c in (1, 9, 10, 11, 12)] == [57, 49, 48, 43, 42]
    assert minus.coding_position(43) == 11
    assert minus.exon_number(55) == 1 and minus.exon_number(40) == 2
    assert minus.exon_number(45) is None
    with pytest.raises(ValueError):
        minus.genomic_position(13)


def test_snpeff_check_files(files, tmp_path: Path) -> None:
    fasta, _ = files
    gz = tmp_path / "t.gtf.gz"
    with gzip.open(gz, "wt") as handle:
        handle.write(GTF)
    summary = write_snpeff_check_files(fasta, gz, tmp_path / "cds.fa", tmp_path / "protein.fa")
    assert (summary.written, summary.skipped_non_coding) == (2, 1)
    assert summary.incomplete == {}
    cds = (tmp_path / "cds.fa").read_text().split("\n")
    assert cds[:4] == [">P1", PLUS_CDS, ">M1", MINUS_CDS]
    assert (tmp_path / "protein.fa").read_text() == ">P1\nMKPGF\n>M1\nMAC\n"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_incomplete_cds_is_written_and_reported(files, tmp_path: Path) -> None:
    fasta, gtf = files
    # drop the stop codon and shorten the CDS by one base
    text = GTF.replace("\t21\t25\t.\t+\t2", "\t21\t24\t.\t+\t2").replace(
        "chrT\tt\tstop_codon\t26\t28", "#"
    )
    gtf.write_text(text)
    summary = write_snpeff_check_files(fasta, gtf, tmp_path / "c.fa", tmp_path / "p.fa")
    assert summary.written == 2
    assert "not a multiple of 3" in summary.incomplete["P1"]
    assert "no stop codon" in summary.incomplete["P1"]
    assert (tmp_path / "c.fa").read_text().startswith(">P1\nATGAAACCCGGGTT\n")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("chrT\tt\texon\t3\t14\t.\t+\t.", "expected 9 tab-separated GTF columns, found 8"),
        ('chrT t exon 3 14 . + . gene_id "G";', "found 1"),
        ('chrT\tt\texon\tthree\t14\t.\t+\t.\ttranscript_id "X";', "must be integers"),
        ('chrT\tt\texon\t30\t14\t.\t+\t.\ttranscript_id "X";', "invalid interval 30-14"),
        ('chrT\tt\texon\t3\t14\t.\t?\t.\ttranscript_id "X";', "strand must be"),
        ('chrT\tt\tCDS\t3\t14\t.\t+\t.\ttranscript_id "X";', "CDS frame must be"),
        ('chrT\tt\texon\t3\t14\t.\t+\t.\tgene_id "G";', "without a transcript_id"),
        ('chrT\tt\texon\t3\t14\t.\t+\t.\ttranscript_id "X;', "unbalanced quotes"),
    ],
)
def test_malformed_line_names_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    gtf = tmp_path / "bad.gtf"
    gtf.write_text(GTF + line + "\n")
    with pytest.raises(FormatError) as raised:
        read_transcripts(gtf)
    text = str(raised.value)
    assert f"{gtf}: line {LINES + 1}:" in text
    assert message in text
    assert "\n" not in text


def test_transcript_on_two_strands_is_an_error(tmp_path: Path) -> None:
    gtf = tmp_path / "x.gtf"
    gtf.write_text(GTF + 'chrT\tt\texon\t70\t80\t.\t-\t.\ttranscript_id "P1";\n')
    with pytest.raises(FormatError, match=f"line {LINES + 1}: transcript P1 is on chrT"):
        read_transcripts(gtf)


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="cannot read"):
        read_transcripts(tmp_path / "absent.gtf")


def test_contig_missing_from_fasta(files, tmp_path: Path) -> None:
    fasta, gtf = files
    fasta.write_text(">other\nACGT\n")
    with pytest.raises(InputFileError, match="contig chrT of P1 not in the FASTA"):
        write_snpeff_check_files(fasta, gtf, tmp_path / "c.fa", tmp_path / "p.fa")
    assert not (tmp_path / "c.fa").exists() and not (tmp_path / "p.fa").exists()


def test_attributes_gencode_style() -> None:
    text = 'gene_id "ENSG1.2"; exon_number 3; tag "basic"; tag "CCDS"; note "a;b";'
    assert parse_attributes(text) == {
        "gene_id": "ENSG1.2",
        "exon_number": "3",
        "tag": "basic",
        "note": "a;b",
    }


BRCA1 = SHARED / "data" / "brca1-1000g"


@pytest.mark.skipif(not BRCA1.is_dir(), reason="shared BRCA1 test data absent")
def test_real_gencode_brca1(tmp_path: Path) -> None:
    """GENCODE v19 BRCA1 (GFF3 turned into GTF): the principal isoform is 1863 aa."""
    lines = []
    for line in (BRCA1 / "brca1_gencodev19.gff3").read_text().splitlines():
        if line.startswith("#") or not line.strip():
            continue
        fields = line.split("\t")
        # this GFF3 was re-based one position further than the FASTA: shift it back
        fields[3], fields[4] = str(max(1, int(fields[3]) - 1)), str(int(fields[4]) - 1)
        pairs = (item.split("=", 1) for item in fields[8].split(";"))
        fields[8] = " ".join(f'{key} "{value}";' for key, value in pairs)
        lines.append("\t".join(fields))
    gtf = tmp_path / "brca1.gtf"
    gtf.write_text("\n".join(lines) + "\n")
    fasta = BRCA1 / "ref_brca1.fa"
    summary = write_snpeff_check_files(fasta, gtf, tmp_path / "c.fa", tmp_path / "p.fa")
    assert summary.written == 29 and summary.skipped_non_coding == 3
    principal = read_transcripts(gtf)["ENST00000357654.3"]
    assert principal.strand == "-" and principal.gene_name == "BRCA1"
    assert "ENST00000357654.3" not in summary.incomplete
    assert "not a multiple of 3" in summary.incomplete["ENST00000484087.1"]
    assert "CDS starts at frame 2" in summary.incomplete["ENST00000412061.3"]
    cds = cds_sequence(principal, read_fasta(fasta))
    protein = translate(cds)
    assert len(protein) == 1863 and protein.startswith("MDLSALRVEEVQNVINAMQKILECPICLELIK")
    assert cds[66:69] == "GAG" and cds[-3:] == "TGA"  # Glu23 (c.68_69delAG site)
    # c.671-4096 is the 10th exon in transcript order (legacy "exon 11")
    assert {principal.exon_number(principal.genomic_position(c)) for c in (671, 4096)} == {10}
