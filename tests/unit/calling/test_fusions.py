"""Fusions from SV calls: connection types, 5'/3' orientation, exon/intron, frame, delly."""

from __future__ import annotations

import gzip
import random
import shutil
import subprocess
from pathlib import Path

import pysam
import pytest

from actionable.calling.fusions import (
    LEFT,
    RIGHT,
    Breakend,
    FusionSettings,
    GeneIndex,
    Junction,
    call_fusions,
    fusions_from_sv_file,
    fusions_of,
    parse_breakend_alt,
    parse_connection,
    read_junctions,
    runs_into_junction,
)
from actionable.calling.gtf import read_transcripts, reverse_complement
from actionable.errors import UsageError
from actionable.formats.fusions import COLUMNS, FusionCall, read_fusions

# Three-exon genes on four contigs. Exons 101-200, 301-400, 501-600 (+ strand order).
# G5 (+, chrA): CDS 131-200, 301-400, 501-570 -> 70 coding bases in exon 1, 170 in exons 1-2.
# G3 (+, chrB): CDS 101-200, 301-400, 501-530 -> exon 2 starts at c.101 (phase 1),
#               exon 3 at c.201 (phase 2).
# GM (-, chrC): exons 501-600 (exon 1), 301-400 (exon 2), 101-200 (exon 3);
#               CDS 501-600, 301-400, 171-200 -> exon 2 starts at c.101, exon 3 at c.201.
# GN (+, chrD): non-coding.
GTF_ROWS = [
    ("chrA", "G5", "+", [(101, 200), (301, 400), (501, 600)], [(131, 200), (301, 400), (501, 570)]),
    ("chrB", "G3", "+", [(101, 200), (301, 400), (501, 600)], [(101, 200), (301, 400), (501, 530)]),
    ("chrC", "GM", "-", [(101, 200), (301, 400), (501, 600)], [(171, 200), (301, 400), (501, 600)]),
    ("chrD", "GN", "+", [(101, 200), (301, 400)], []),
]


def write_gtf(path: Path) -> Path:
    lines = []
    for contig, gene, strand, exons, cds in GTF_ROWS:
        attrs = f'gene_id "{gene}"; transcript_id "{gene}.1"; gene_name "{gene}";'
        for feature, intervals in (("exon", exons), ("CDS", cds)):
            for start, end in intervals:
                frame = "0" if feature == "CDS" else "."
                lines.append(
                    f"{contig}\tt\t{feature}\t{start}\t{end}\t.\t{strand}\t{frame}\t{attrs}"
                )
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture(scope="module")
def genes(tmp_path_factory) -> GeneIndex:
    return GeneIndex.from_gtf(write_gtf(tmp_path_factory.mktemp("gtf") / "genes.gtf"))


def junction(chrom1, pos1, keeps1, chrom2, pos2, keeps2, split=5, paired=5, flt="PASS"):
    return Junction(
        Breakend(chrom1, pos1, keeps1),
        Breakend(chrom2, pos2, keeps2),
        "BND",
        "sv1",
        flt,
        split,
        paired,
    )


def test_parse_connection() -> None:
    assert parse_connection("3to5") == (LEFT, RIGHT)
    assert parse_connection("5to3") == (RIGHT, LEFT)
    assert parse_connection("3to3") == (LEFT, LEFT)
    assert parse_connection("5to5") == (RIGHT, RIGHT)
    assert parse_connection("NtoN") is None


@pytest.mark.parametrize(
    ("alt", "expected"),
    [
        ("G[chr2:500[", (LEFT, RIGHT, "chr2", 500)),
        ("G]chr2:500]", (LEFT, LEFT, "chr2", 500)),
        ("]chr2:500]G", (RIGHT, LEFT, "chr2", 500)),
        ("[chr2:500[G", (RIGHT, RIGHT, "chr2", 500)),
        ("<DEL>", None),
        ("G[chr2:500]", None),
    ],
)
def test_parse_breakend_alt(alt: str, expected) -> None:
    assert parse_breakend_alt(alt) == expected


def test_runs_into_junction() -> None:
    assert runs_into_junction(LEFT, "+") and runs_into_junction(RIGHT, "-")
    assert not runs_into_junction(RIGHT, "+") and not runs_into_junction(LEFT, "-")


def test_deletion_type_junction_plus_plus(genes: GeneIndex) -> None:
    (fusion,) = fusions_of(junction("chrA", 250, LEFT, "chrB", 250, RIGHT), genes)
    row = fusion.row()
    assert (row["gene5p"], row["gene3p"]) == ("G5", "G3")
    assert (row["site5p"], row["site3p"]) == ("intron 1", "intron 1")
    assert (row["exons5p"], row["exons3p"]) == ("1", "2-3")
    assert row["in_frame"] == "yes"  # 70 coding bases (phase 1) :: exon 2 at c.101 (phase 1)
    assert row["connection"] == "3to5"


def test_order_of_breakends_does_not_matter(genes: GeneIndex) -> None:
    # the same junction written from the 3' partner's side: G3 right side + G5 left side
    (fusion,) = fusions_of(junction("chrB", 250, RIGHT, "chrA", 250, LEFT), genes)
    assert (fusion.gene5p, fusion.gene3p) == ("G5", "G3")
    assert (fusion.end5.chrom, fusion.end3.chrom) == ("chrA", "chrB")


def test_frame(genes: GeneIndex) -> None:
    def frame(pos5: int, pos3: int) -> str:
        (fusion,) = fusions_of(junction("chrA", pos5, LEFT, "chrB", pos3, RIGHT), genes)
        return fusion.in_frame

    assert frame(450, 450) == "yes"  # 170 bases (phase 2) :: exon 3 at c.201 (phase 2)
    assert frame(450, 250) == "no"  # phase 2 :: phase 1
    assert frame(250, 450) == "no"  # phase 1 :: phase 2
    assert frame(150, 250) == "unknown"  # 5' breakpoint in exon 1
    assert frame(250, 350) == "unknown"  # 3' breakpoint in exon 2


def test_inversion_type_plus_minus(genes: GeneIndex) -> None:
    # G5 (+) left side joined to the reversed left side of GM (-): like EML4::ALK
    (fusion,) = fusions_of(junction("chrA", 450, LEFT, "chrC", 250, LEFT), genes)
    assert (fusion.gene5p, fusion.gene3p) == ("G5", "GM")
    assert fusion.three.label == "intron 2" and fusion.row()["exons3p"] == "3"
    assert fusion.in_frame == "yes"  # phase 2 :: GM exon 3 at c.201 (phase 2)
    # 5to5: GM's right side (its 5' part) reversed, then G3's right side
    (fusion,) = fusions_of(junction("chrC", 450, RIGHT, "chrB", 250, RIGHT), genes)
    assert (fusion.gene5p, fusion.gene3p) == ("GM", "G3")
    assert fusion.five.label == "intron 1"
    assert fusion.in_frame == "yes"  # GM exon 1: 100 coding bases (phase 1) :: c.101 (phase 1)


def test_no_fusion_when_both_or_neither_run_into_the_junction(genes: GeneIndex) -> None:
    assert fusions_of(junction("chrA", 250, LEFT, "chrB", 250, LEFT), genes) == []
    assert fusions_of(junction("chrA", 250, RIGHT, "chrB", 250, RIGHT), genes) == []
    # intergenic and same-gene junctions give nothing either
    assert fusions_of(junction("chrA", 50, LEFT, "chrB", 250, RIGHT), genes) == []
    assert fusions_of(junction("chrA", 250, LEFT, "chrA", 450, RIGHT), genes) == []


def test_non_coding_partner_has_unknown_frame(genes: GeneIndex) -> None:
    (fusion,) = fusions_of(junction("chrA", 250, LEFT, "chrD", 250, RIGHT), genes)
    assert fusion.gene3p == "GN" and fusion.in_frame == "unknown"


def test_call_fusions_filters_and_keeps_best_pair(genes: GeneIndex) -> None:
    calls = call_fusions(
        [
            junction("chrA", 250, LEFT, "chrB", 250, RIGHT, split=2, paired=1),  # weak
            junction("chrA", 260, LEFT, "chrB", 260, RIGHT, split=8, paired=6),
            junction("chrA", 270, LEFT, "chrB", 270, RIGHT, split=9, paired=9, flt="LowQual"),
            junction("chrA", 450, LEFT, "chrC", 250, LEFT, split=3, paired=3),
        ],
        genes,
        FusionSettings(min_support=4, pass_only=True),
    )
    assert [(f.gene5p, f.gene3p, f.end5.pos) for f in calls] == [
        ("G5", "G3", 260),
        ("G5", "GM", 450),
    ]


DELLY_HEADER = """##fileformat=VCFv4.2
##contig=<ID=chrA,length=1000>
##contig=<ID=chrB,length=1000>
##contig=<ID=chrC,length=1000>
##FILTER=<ID=LowQual,Description="low">
##INFO=<ID=SVTYPE,Number=1,Type=String,Description="type">
##INFO=<ID=END,Number=1,Type=Integer,Description="end">
##INFO=<ID=CHR2,Number=1,Type=String,Description="mate contig">
##INFO=<ID=POS2,Number=1,Type=Integer,Description="mate position">
##INFO=<ID=CT,Number=1,Type=String,Description="connection type">
##INFO=<ID=PE,Number=1,Type=Integer,Description="paired">
##INFO=<ID=SR,Number=1,Type=Integer,Description="split">
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
##FORMAT=<ID=DV,Number=1,Type=Integer,Description="variant pairs">
##FORMAT=<ID=RV,Number=1,Type=Integer,Description="variant junction reads">
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tTUM\tNOR
chrB\t250\tBND1\tN\tN]chrA:450]\t60\tPASS\tSVTYPE=BND;CHR2=chrA;POS2=450;END=251;CT=3to3;PE=9;SR=7\tGT:DV:RV\t0/1:6:5\t0/0:0:0
chrA\t250\tBND2\tN\t]chrC:450]N\t60\tPASS\tSVTYPE=BND;END=251;PE=5;SR=5\tGT:DV:RV\t0/1:4:3\t0/0:0:0
chrC\t250\tDEL1\tN\t<DEL>\t60\tPASS\tSVTYPE=DEL;END=450;CT=3to5;PE=5;SR=5\tGT:DV:RV\t0/1:4:3\t0/0:0:0
chrA\t300\tINS1\tN\t<INS>\t60\tPASS\tSVTYPE=INS;END=301;CT=NtoN;PE=5;SR=5\tGT:DV:RV\t0/1:4:3\t0/0:0:0
"""


def test_read_delly_records(tmp_path: Path, genes: GeneIndex) -> None:
    path = tmp_path / "sv.vcf"
    path.write_text(DELLY_HEADER)
    junctions = read_junctions(path, tumour="TUM")
    assert len(junctions) == 3  # the insertion is not a junction
    bnd, alt_only, deletion = junctions
    assert bnd.first == Breakend("chrB", 250, LEFT) and bnd.second == Breakend("chrA", 450, LEFT)
    assert (bnd.split_reads, bnd.paired_reads) == (5, 6)  # tumour RV/DV, not INFO SR/PE
    # no CT and no CHR2/POS2: everything from the ALT notation ]p]t
    assert alt_only.first == Breakend("chrA", 250, RIGHT)
    assert alt_only.second == Breakend("chrC", 450, LEFT)
    assert deletion.first == Breakend("chrC", 250, LEFT)
    assert deletion.second == Breakend("chrC", 450, RIGHT)
    # chrB:250 left (G3, +) and chrA:450 left (G5, +): both genes run into the junction,
    # which makes no fusion transcript
    assert fusions_of(bnd, genes) == []
    # tumour-only style: counts from INFO when no sample is named
    assert read_junctions(path)[0].split_reads == 7
    with pytest.raises(UsageError, match="tumour sample X not in the file"):
        read_junctions(path, tumour="X")


def test_fusions_tsv(tmp_path: Path) -> None:
    gtf = write_gtf(tmp_path / "genes.gtf")
    vcf = tmp_path / "sv.vcf"
    vcf.write_text(
        DELLY_HEADER.split("chrB\t250")[0]
        + "chrC\t450\tBND3\tN\t[chrB:250[N\t60\tPASS\tSVTYPE=BND;CHR2=chrB;POS2=250;CT=5to5;"
        "PE=9;SR=7\tGT:DV:RV\t0/1:6:5\t0/0:0:0\n"
    )
    out = tmp_path / "fusions.tsv"
    fusions = fusions_from_sv_file(vcf, gtf, out, tumour="TUM")
    assert len(fusions) == 1
    header, row = (line.split("\t") for line in out.read_text().splitlines())
    record = dict(zip(header, row, strict=True))
    assert header[:6] == ["gene5p", "gene3p", "chrom5p", "pos5p", "chrom3p", "pos3p"]
    assert record["gene5p"] == "GM" and record["gene3p"] == "G3"
    assert (record["chrom5p"], record["pos5p"], record["chrom3p"], record["pos3p"]) == (
        "chrC",
        "450",
        "chrB",
        "250",
    )
    assert record["split_reads"] == "5" and record["paired_reads"] == "6"
    assert record["in_frame"] == "yes"  # GM exon 1 = 100 coding bases (phase 1) :: c.101
    assert header == list(COLUMNS)
    # what the workflow writes, `actionable match` reads
    assert read_fusions(out) == [FusionCall("GM", "G3", "chrC", 450, "chrB", 250, 5, 6)]


# --- delly itself on simulated reads ----------------------------------------------------------


def simulate_pairs(templates: list[tuple[str, float]], seed: int, read_length: int = 100):
    """Error-free read pairs: fragments of ~300 bp, uniform along each template."""
    rng = random.Random(seed)
    pairs = []
    for sequence, depth in templates:
        for _ in range(int(depth * len(sequence) / (2 * read_length))):
            size = max(2 * read_length, int(rng.gauss(300, 30)))
            start = rng.randrange(0, len(sequence) - size)
            fragment = sequence[start : start + size]
            if rng.random() < 0.5:
                fragment = reverse_complement(fragment)
            pairs.append((fragment[:read_length], reverse_complement(fragment)[:read_length]))
    return pairs


def write_fastq(pairs, prefix: Path) -> tuple[Path, Path]:
    paths = (Path(f"{prefix}_1.fq.gz"), Path(f"{prefix}_2.fq.gz"))
    for mate, path in enumerate(paths):
        with gzip.open(path, "wt") as handle:
            for number, pair in enumerate(pairs):
                handle.write(f"@r{number}\n{pair[mate]}\n+\n{'I' * len(pair[mate])}\n")
    return paths


@pytest.mark.skipif(
    not all(shutil.which(t) for t in ("bwa", "samtools", "delly")),
    reason="needs bwa, samtools, delly",
)
def test_delly_translocation_to_fusion(tmp_path: Path) -> None:
    rng = random.Random(3)
    contigs = {name: "".join(rng.choice("ACGT") for _ in range(12000)) for name in "XY"}
    (tmp_path / "ref.fa").write_text("".join(f">{n}\n{s}\n" for n, s in contigs.items()))
    # gene P5 (+) on X, gene P3M (-) on Y; tumour carries X[:6000] + revcomp(Y[:5000])
    gtf = tmp_path / "genes.gtf"
    gtf.write_text(
        'X\tt\texon\t2001\t3000\t.\t+\t.\tgene_id "P5"; transcript_id "P5.1"; gene_name "P5";\n'
        'X\tt\texon\t8001\t9000\t.\t+\t.\tgene_id "P5"; transcript_id "P5.1"; gene_name "P5";\n'
        'Y\tt\texon\t7001\t8000\t.\t-\t.\tgene_id "P3M"; transcript_id "P3M.1"; gene_name "P3M";\n'
        'Y\tt\texon\t2001\t3000\t.\t-\t.\tgene_id "P3M"; transcript_id "P3M.1"; gene_name "P3M";\n'
    )
    fused = contigs["X"][:6000] + reverse_complement(contigs["Y"][:5000])
    normal = [(contigs["X"], 30.0), (contigs["Y"], 30.0)]
    samples = {"NOR": normal, "TUM": [*normal, (fused, 20.0)]}

    def run(command: str) -> None:
        subprocess.run(command, shell=True, check=True, cwd=tmp_path, capture_output=True)

    run("bwa index ref.fa && samtools faidx ref.fa")
    for seed, (name, templates) in enumerate(samples.items()):
        r1, r2 = write_fastq(simulate_pairs(templates, seed), tmp_path / name)
        run(
            f"bwa mem -R '@RG\\tID:{name}\\tSM:{name}' ref.fa {r1.name} {r2.name} "
            f"| samtools sort -o {name}.bam - && samtools index {name}.bam"
        )
    run("delly call -g ref.fa -o sv.bcf TUM.bam NOR.bam")
    (tmp_path / "samples.tsv").write_text("TUM\ttumor\nNOR\tcontrol\n")
    run("delly filter -f somatic -s samples.tsv -o somatic.bcf sv.bcf")
    fusions = fusions_from_sv_file(tmp_path / "somatic.bcf", gtf, tmp_path / "f.tsv", "TUM")
    assert [(f.gene5p, f.gene3p) for f in fusions] == [("P5", "P3M")]
    (fusion,) = fusions
    assert abs(fusion.end5.pos - 6000) <= 5 and abs(fusion.end3.pos - 5000) <= 5
    assert fusion.five.label == "intron 1" and fusion.three.label == "intron 1"
    assert fusion.junction.connection == "3to3"
    assert fusion.junction.split_reads >= 5 and fusion.junction.paired_reads >= 5
    with pysam.VariantFile(str(tmp_path / "somatic.bcf")) as vcf:
        assert list(vcf.header.samples) == ["TUM", "NOR"]
    assert read_transcripts(gtf)["P3M.1"].exons == [(7001, 8000), (2001, 3000)]
