"""Gene copy number from per-gene depths: normalisation, purity, calls, tumour-only."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest

from actionable.calling.copy_number import (
    AMPLIFICATION,
    DELETION,
    NEUTRAL,
    NOT_ASSESSED,
    CnvSettings,
    GeneSpan,
    absolute_copy_number,
    call_copy_number,
    copy_numbers,
    gene_spans,
    genes_from_segments,
)
from actionable.errors import FormatError
from actionable.formats.cna import ABSOLUTE, LOG2, SPLIT, Segment, Segments
from actionable.formats.mosdepth import GeneRegion, read_regions
from actionable.matching.knowledge import load_knowledge_base

GENES = ["A", "B", "C", "D", "E", "F", "G"]


def regions(depths: dict[str, float]) -> dict[str, GeneRegion]:
    return {
        gene: GeneRegion(gene, f"chr{i}", 1000 * i, 1000 * i + 500, depth, 500)
        for i, (gene, depth) in enumerate(depths.items())
    }


def by_gene(results) -> dict[str, tuple[str, float | None]]:
    return {
        r.gene: (r.call, None if r.copy_number is None else round(r.copy_number, 3))
        for r in results
    }


def test_library_size_is_normalised_by_the_median() -> None:
    normal = regions(dict.fromkeys(GENES, 40.0))
    # tumour sequenced twice as deep; gene B at 5 copies, gene C lost on both alleles
    tumour = regions({g: 80.0 for g in GENES} | {"B": 200.0, "C": 0.0})
    result = by_gene(copy_numbers(tumour, normal, CnvSettings()))
    assert result["A"] == (NEUTRAL, 2.0)
    assert result["B"] == (AMPLIFICATION, 5.0)
    assert result["C"] == (DELETION, 0.0)


def test_purity_correction() -> None:
    normal = regions(dict.fromkeys(GENES, 40.0))
    # 50 % tumour cells, gene B at 8 copies in them: observed (0.5*8 + 0.5*2)/2 = 2.5 x
    tumour = regions({g: 40.0 for g in GENES} | {"B": 100.0})
    observed = by_gene(copy_numbers(tumour, normal, CnvSettings()))
    assert observed["B"] == (AMPLIFICATION, 5.0)
    corrected = by_gene(copy_numbers(tumour, normal, CnvSettings(purity=0.5)))
    assert corrected["B"] == (AMPLIFICATION, 8.0)
    assert corrected["A"] == (NEUTRAL, 2.0)
    # the threshold applies to the corrected copy number
    higher = CnvSettings(purity=0.5, amplification_cn=9)
    assert by_gene(copy_numbers(tumour, normal, higher))["B"] == (NEUTRAL, 8.0)


def test_low_normal_depth_is_not_assessed() -> None:
    normal = regions({g: 40.0 for g in GENES} | {"D": 3.0})
    tumour = regions(dict.fromkeys(GENES, 40.0))
    result = by_gene(copy_numbers(tumour, normal, CnvSettings(min_normal_depth=10)))
    assert result["D"] == (NOT_ASSESSED, None)
    assert result["A"] == (NEUTRAL, 2.0)


def test_flat_model_for_tumour_only() -> None:
    tumour = regions({g: 50.0 for g in GENES} | {"E": 160.0})
    results = copy_numbers(tumour, None, CnvSettings())
    result = by_gene(results)
    assert result["E"] == (AMPLIFICATION, 6.4)
    assert result["A"] == (NEUTRAL, 2.0)
    assert {r.expected_depth for r in results} == {50.0}


def test_purity_must_be_a_fraction() -> None:
    with pytest.raises(ValueError, match="purity"):
        CnvSettings(purity=0.0)
    assert CnvSettings.from_mapping({"purity": 0.7, "reference": ""}).purity == 0.7


def write_regions(path: Path, depths: dict[str, float]) -> Path:
    with gzip.open(path, "wt") as handle:
        for i, (gene, depth) in enumerate(depths.items()):
            handle.write(f"chr{i}\t{1000 * i}\t{1000 * i + 500}\t{gene}\t{depth:.2f}\n")
    return path


def test_read_regions_weights_split_genes(tmp_path: Path) -> None:
    path = tmp_path / "x.regions.bed.gz"
    with gzip.open(path, "wt") as handle:
        handle.write("chr1\t0\t100\tA\t10.00\nchr1\t200\t500\tA\t30.00\nchr2\t0\t50\tB\t7\n")
    parsed = read_regions(path)
    assert parsed["A"] == GeneRegion("A", "chr1", 0, 500, 25.0, 400)
    assert parsed["B"].depth == 7.0
    bad = tmp_path / "bad.bed"
    bad.write_text("chr1\t0\t100\tA\n")
    with pytest.raises(FormatError, match=r"bad\.bed: line 1: expected contig"):
        read_regions(bad)


def test_tables_follow_the_contract(tmp_path: Path) -> None:
    tumour = write_regions(tmp_path / "t.regions.bed.gz", {g: 80.0 for g in GENES} | {"B": 240})
    normal = write_regions(tmp_path / "n.regions.bed.gz", dict.fromkeys(GENES, 40.0))
    cna, genes = tmp_path / "cna.tsv", tmp_path / "genes.tsv"
    call_copy_number(tumour, normal, cna, genes, CnvSettings())
    lines = cna.read_text().splitlines()
    assert lines[0].split("\t")[:3] == ["gene", "call", "copy_number"]
    assert lines[1].split("\t")[:3] == ["B", "amplification", "6.0"]
    assert len(lines) == 2  # only amplified/deleted genes
    assert len(genes.read_text().splitlines()) == 1 + len(GENES)
    assert not list(tmp_path.glob(".*"))


# ------------------------------------------------------------------ segments -> genes

SPANS = [GeneSpan("ERBB2", "17", 39688094, 39728658), GeneSpan("BRCA2", "13", 32315508, 32400268)]


def segments(*rows: tuple[str, int, int, float, str]) -> Segments:
    return Segments("test", [Segment(*row) for row in rows])


def test_absolute_copy_number_of_a_ratio() -> None:
    assert absolute_copy_number(1.0) == 2.0
    assert absolute_copy_number(2**1.2) == pytest.approx(4.595, abs=1e-3)
    assert absolute_copy_number(2**1.2, purity=0.5) == pytest.approx(7.19, abs=1e-2)
    assert absolute_copy_number(1.5, ploidy=3.0) == 4.5
    assert absolute_copy_number(0.1, purity=0.5) == 0.0  # never below 0


def test_gene_takes_the_segment_covering_it() -> None:
    calls = genes_from_segments(
        segments(("17", 39600010, 40000000, 9.0, ABSOLUTE), ("13", 1, 90000000, 2.0, ABSOLUTE)),
        SPANS,
        CnvSettings(),
    )
    assert [(c.gene, c.call, c.copy_number) for c in calls] == [("ERBB2", AMPLIFICATION, 9.0)]
    assert calls[0].detail == "test segments over 17:39688094-39728658: 39688094-39728658 at 9"


def test_agreeing_segments_give_the_copy_number_nearest_to_neutral() -> None:
    calls = genes_from_segments(
        segments(
            ("17", 39600010, 39700000, 12.0, ABSOLUTE),
            ("17", 39700001, 40000000, 6.0, ABSOLUTE),
            ("13", 32000000, 32350000, 0.0, ABSOLUTE),
            ("13", 32350001, 33000000, 0.4, ABSOLUTE),
        ),
        SPANS,
        CnvSettings(),
    )
    assert [(c.gene, c.call, c.copy_number) for c in calls] == [
        ("ERBB2", AMPLIFICATION, 6.0),
        ("BRCA2", DELETION, 0.4),
    ]


def test_breakpoint_inside_a_gene_splits_it() -> None:
    (call,) = genes_from_segments(
        segments(
            ("17", 39600010, 39700000, 9.0, ABSOLUTE), ("17", 39700001, 40000000, 2.0, ABSOLUTE)
        ),
        SPANS,
        CnvSettings(),
    )
    assert (call.gene, call.call, call.copy_number) == ("ERBB2", SPLIT, None)
    assert call.detail.startswith(
        "a segment breakpoint falls inside ERBB2: copy number 39688094-39700000 at 9, "
        "39700001-39728658 at 2"
    )


def test_log2_segments_use_ploidy_and_purity() -> None:
    seg = segments(("17", 39600010, 40000000, 1.2, LOG2))
    assert genes_from_segments(seg, SPANS, CnvSettings()) == []  # CN 4.6 < 5
    (call,) = genes_from_segments(seg, SPANS, CnvSettings(purity=0.5))
    assert (call.call, call.copy_number) == (AMPLIFICATION, 7.19)
    (call,) = genes_from_segments(seg, SPANS, CnvSettings(ploidy=3.0))
    assert (call.call, call.copy_number) == (AMPLIFICATION, 6.89)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"purity": 0.0}, "purity 0.0 must be in (0, 1]"),
        ({"ploidy": 0.0}, "ploidy 0.0 must be positive"),
        ({"amplification_cn": 1.0, "deletion_cn": 1.0}, "must be below the amplification"),
    ],
)
def test_settings_out_of_range(values: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        CnvSettings(**values)


def test_shipped_gene_spans_hold_every_knowledge_base_coordinate() -> None:
    """Each gene's span in each build contains the positions the knowledge base records for
    the gene's variants in that build (an independent check of both builds' spans)."""
    kb = load_knowledge_base()
    spans = {build: {s.gene: s for s in gene_spans(build)} for build in ("GRCh38", "GRCh37")}
    genes = {bm[0] for bm in kb.by_biomarker} - {"MSI", "TMB"}
    checked = 0
    for build, by_gene in spans.items():
        assert set(by_gene) == genes, build
        for kv in kb.variants:
            allele = kv.alleles[build]
            span = by_gene[kv.biomarker[0]]
            assert span.chrom == allele.chrom.removeprefix("chr"), (build, kv.biomarker)
            assert span.start <= allele.pos <= span.end, (build, kv.biomarker, allele.pos)
            checked += 1
    assert checked > 300
