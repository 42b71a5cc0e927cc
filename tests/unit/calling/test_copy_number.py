"""Gene copy number from per-gene depths: normalisation, purity, calls, tumour-only."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from actionable.calling.copy_number import (
    AMPLIFICATION,
    DELETION,
    NEUTRAL,
    NOT_ASSESSED,
    CnvSettings,
    call_copy_number,
    copy_numbers,
)
from actionable.errors import FormatError
from actionable.formats.mosdepth import GeneRegion, read_regions

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
