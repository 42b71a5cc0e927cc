"""Fusion and copy-number tables of other callers, told apart by their header.

The files under tests/data/other_pipelines are the tools' own published examples, unchanged;
the small inline tables follow the same published column layouts.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from actionable.errors import FormatError
from actionable.formats.cna import ABSOLUTE, LOG2, CopyNumberCall, Segment, read_copy_number
from actionable.formats.fusions import LIST, FusionCall, read_fusions

DATA = Path(__file__).resolve().parents[2] / "data" / "other_pipelines"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


# ------------------------------------------------------------------------------ fusions


def test_pcgr_fusions_keep_orientation_breakpoints_and_reads() -> None:
    calls = read_fusions(DATA / "pcgr" / "T001-BRCA.grch38.fusions.tsv")
    assert len(calls) == 9
    assert calls[0] == FusionCall("NTRK1", "TPM3", "1", 156875154, "1", 154169959, 55, None, "PCGR")
    assert calls[1] == FusionCall("EML4", "ALK", "2", 42295554, "2", 29223528, 100, None, "PCGR")


def test_pcgr_empty_partner_is_unknown_not_a_gene() -> None:
    calls = read_fusions(DATA / "pcgr" / "T001-BRCA.grch37.fusions.tsv")
    unknown = [(c.gene5p, c.gene3p) for c in calls if None in (c.gene5p, c.gene3p)]
    assert unknown == [(None, "ALK"), ("FGFR2", None), (None, "NTRK3")]
    assert calls[-1].name == "?::NTRK3"
    assert (calls[-1].chrom5p, calls[-1].pos5p, calls[-1].split_reads) == ("15", 87433109, 90)


def test_arriba_gene1_is_5prime_and_split_reads_add_up() -> None:
    (call,) = read_fusions(DATA / "arriba" / "fusions.tsv")
    assert call == FusionCall("BCR", "ABL1", "22", 23632600, "9", 133729451, 11, 0, "Arriba")


def test_arriba_intergenic_breakpoint_has_no_partner_gene(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "fusions.tsv",
        "#gene1\tgene2\tbreakpoint1\tbreakpoint2\tsplit_reads1\tsplit_reads2\tdiscordant_mates\n"
        "AC010.1(1234),LINC0(567)\tALK\t2:30000000\t2:29223528\t3\t2\t4\n",
    )
    assert read_fusions(path) == [
        FusionCall(None, "ALK", "2", 30000000, "2", 29223528, 5, 4, "Arriba")
    ]


def test_star_fusion_symbols_breakpoints_and_support() -> None:
    calls = read_fusions(DATA / "star-fusion" / "star-fusion.fusion_candidates.final.abridged")
    assert len(calls) == 65
    assert calls[0] == FusionCall(
        "ETV6", "NTRK3", "chr12", 12022903, "chr15", 88483984, 3890, 1917, "STAR-Fusion"
    )
    assert ("CD74", "ROS1") in {(c.gene5p, c.gene3p) for c in calls}


def test_one_column_list_with_header_and_both_separators(tmp_path: Path) -> None:
    path = write(
        tmp_path, "list.txt", "# from a panel report\nfusion\nEML4::ALK\nCD74--ROS1\n::NTRK3\n"
    )
    assert read_fusions(path) == [
        FusionCall("EML4", "ALK", source=LIST),
        FusionCall("CD74", "ROS1", source=LIST),
        FusionCall(None, "NTRK3", source=LIST),
    ]


@pytest.mark.parametrize("unknown", ["", "NA", "na", ".", "?"])
def test_own_tsv_unknown_partner(tmp_path: Path, unknown: str) -> None:
    path = write(tmp_path, "f.tsv", f"gene5p\tgene3p\n{unknown}\tNTRK3\n")
    assert read_fusions(path) == [FusionCall(None, "NTRK3")]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("gene5p\tgene3p\nNA\t.\n", ":2: column 'gene5p': both partner genes are missing"),
        (
            "gene5p\tgene3p\nEML4 ALK\tALK\n",
            ":2: column 'gene5p': 'EML4 ALK' is not a gene symbol "
            "(leave it empty or NA if unknown)",
        ),
        (
            "FusionGene\tLeftBreakpoint\tRightBreakpoint\nEML4--ALK\t2-42295554\t2:29223528\n",
            ":2: column 'LeftBreakpoint': '2-42295554' is not a breakpoint chrom:pos",
        ),
        (
            "FusionGene\tLeftBreakpoint\tRightBreakpoint\nEML4/ALK\t2:1\t2:2\n",
            ":2: column 'FusionGene': 'EML4/ALK' is not GENE5--GENE3",
        ),
        (
            "partner_a\tpartner_b\nEML4\tALK\n",
            ":1: fusions TSV header must have columns gene5p, gene3p (tab-separated), or those "
            "of another recognised format (PCGR: FusionGene, LeftBreakpoint, RightBreakpoint; "
            "Arriba: gene1, gene2, breakpoint1, breakpoint2; STAR-Fusion: FusionName, "
            "LeftGene, LeftBreakpoint, RightGene, RightBreakpoint)",
        ),
    ],
)
def test_fusion_errors_name_file_line_and_column(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, "f.tsv", text)
    with pytest.raises(FormatError) as err:
        read_fusions(path)
    assert str(err.value) == f"{path}{message}"


# -------------------------------------------------------------------------- copy number


def test_gene_level_table_is_returned_as_calls(tmp_path: Path) -> None:
    path = write(tmp_path, "cna.tsv", "gene\tcall\tcopy_number\nERBB2\tamplification\t14\n")
    assert read_copy_number(path) == [CopyNumberCall("ERBB2", "amplification", 14.0)]


def test_pcgr_segments_total_copy_number() -> None:
    found = read_copy_number(DATA / "pcgr" / "T001-BRCA.grch38.cna.tsv")
    assert not isinstance(found, list)
    assert found.dialect == "PCGR"
    assert len(found.segments) == 260
    assert Segment("17", 39600010, 40000000, 9.0, ABSOLUTE) in found.segments


def test_cnvkit_call_cns_prefers_the_absolute_cn_column() -> None:
    found = read_copy_number(DATA / "cnvkit" / "p2-9_2.call.cns")
    assert not isinstance(found, list)
    assert found.dialect == "CNVkit"
    assert found.segments[0] == Segment("1", 464423, 3003530, 1.0, ABSOLUTE)


def test_cnvkit_cns_log2_and_probe_less_segments_skipped() -> None:
    found = read_copy_number(DATA / "cnvkit" / "amplicon.cns")
    assert not isinstance(found, list)
    lines = (DATA / "cnvkit" / "amplicon.cns").read_text().splitlines()[1:]
    inverted = [line for line in lines if int(line.split("\t")[2]) < int(line.split("\t")[1])]
    assert inverted  # the published file has them
    assert len(found.segments) == len(lines) - len(inverted)
    assert found.segments[0] == Segment("1", 160786623, 160786747, -1.87949, LOG2)


def test_gatk_seg_skips_sam_and_sample_header_lines() -> None:
    found = read_copy_number(DATA / "gatk" / "call-copy-ratio-segments-segments.seg")
    assert not isinstance(found, list)
    assert found.dialect == "GATK"
    assert [(s.start, s.value, s.kind) for s in found.segments] == [
        (101, 1.0, LOG2),
        (201, -1.0, LOG2),
        (301, 0.0, LOG2),
        (401, 0.0, LOG2),
    ]


def test_dnacopy_seg_of_several_samples_needs_the_sample() -> None:
    path = DATA / "cnvkit" / "cw-tr-log2.seg"
    with pytest.raises(FormatError, match=r"segments of several samples .*--cna-sample"):
        read_copy_number(path)
    found = read_copy_number(path, "TR_79_T")
    assert not isinstance(found, list)
    rows = [line for line in path.read_text().splitlines() if line.startswith("TR_79_T\t")]
    assert len(found.segments) == len(rows) > 0


@pytest.mark.parametrize(
    ("name", "text", "segment"),
    [
        (
            "ASCAT",
            "sample\tchr\tstartpos\tendpos\tnMajor\tnMinor\nT1\t17\t39600010\t40000000\t6\t2\n",
            Segment("17", 39600010, 40000000, 8.0, ABSOLUTE),
        ),
        (
            "PURPLE",
            "chromosome\tstart\tend\tcopyNumber\tbafCount\nchr7\t116000001\t117000000\t11.4\t20\n",
            Segment("7", 116000001, 117000000, 11.4, ABSOLUTE),
        ),
    ],
)
def test_absolute_dialects(tmp_path: Path, name: str, text: str, segment: Segment) -> None:
    found = read_copy_number(write(tmp_path, "seg.tsv", text))
    assert not isinstance(found, list)
    assert (found.dialect, found.segments) == (name, [segment])


def test_unrecognised_copy_number_header(tmp_path: Path) -> None:
    path = write(tmp_path, "cna.tsv", "symbol\tcopies\nERBB2\t9\n")
    with pytest.raises(FormatError, match=r":1: CNA TSV header must have columns gene, call"):
        read_copy_number(path)
