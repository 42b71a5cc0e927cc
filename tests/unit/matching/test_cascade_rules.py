"""Rules of the cascade added for issue 12: fusion partner patterns, unknown partners, the
net effect of a protein delins, and the intronic offsets of splice-region variants."""

from __future__ import annotations

from pathlib import Path

import pytest

from actionable.errors import FormatError
from actionable.formats.fusions import read_fusions
from actionable.matching.cascade import consequences, fusion_pattern_met, intronic_offsets
from actionable.matching.hgvs import parse_protein
from actionable.matching.knowledge import check_alteration_key
from actionable.matching.vcf import Annotation


@pytest.mark.parametrize(
    ("key", "gene5p", "gene3p", "met"),
    [
        ("BCR::ABL1", "BCR", "ABL1", True),
        ("BCR::ABL1", "ABL1", "BCR", False),
        ("*::ALK", "EML4", "ALK", True),
        ("*::ALK", "ALK", "EML4", False),
        ("*::ALK", None, "ALK", True),
        ("*::ALK", "ALK", None, False),
        ("FGFR2::*", "FGFR2", "BICC1", True),
        ("KMT2A::*|*::KMT2A", "KMT2A", "MLLT3", True),
        ("KMT2A::*|*::KMT2A", "AFF1", "KMT2A", True),
        ("KMT2A::*|*::KMT2A", "AFF1", "MLLT3", False),
        ("BCR::ABL1", None, "ABL1", False),
    ],
)
def test_fusion_patterns(key: str, gene5p: str | None, gene3p: str | None, met: bool) -> None:
    assert fusion_pattern_met(key, gene5p, gene3p) is met


@pytest.mark.parametrize("key", ["KMT2A::*|*::KMT2A", "BRAF::*|*::BRAF", "*::NRG1"])
def test_fusion_keys_accepted(key: str) -> None:
    check_alteration_key("fusion", key, ())


@pytest.mark.parametrize("key", ["*::*", "KMT2A::*|*::*", "KMT2A", "KMT2A::*|"])
def test_fusion_keys_refused(key: str) -> None:
    with pytest.raises(ValueError, match="is not a fusion"):
        check_alteration_key("fusion", key, ())


def test_unknown_partner_is_read_as_question_mark(tmp_path: Path) -> None:
    path = tmp_path / "fusions.tsv"
    path.write_text("gene5p\tgene3p\nNA\tNTRK3\nEML4\t\n")
    calls = read_fusions(path)
    assert [c.name for c in calls] == ["?::NTRK3", "EML4::?"]


def test_fusion_without_partners_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "fusions.tsv"
    path.write_text("gene5p\tgene3p\nNA\tNA\n")
    with pytest.raises(
        FormatError, match=r"fusions.tsv:2: column 'gene5p': both partner genes are missing"
    ):
        read_fusions(path)


def _annotation(terms: tuple[str, ...], hgvsp: str = "", hgvsc: str = "") -> Annotation:
    return Annotation(
        gene="EGFR",
        consequences=terms,
        transcript="NM_005228.5",
        biotype="protein_coding",
        exon=19,
        intron=None,
        hgvsc=hgvsc or None,
        hgvsp=hgvsp or None,
        protein=parse_protein(hgvsp),
        protein_pos=None,
        protein_len=None,
        flagged_canonical=True,
    )


@pytest.mark.parametrize(
    ("hgvsp", "added"),
    [
        ("p.Glu746_Ser752delinsVal", {"inframe_deletion"}),
        ("p.Gly776delinsValCys", {"inframe_insertion"}),
        ("p.Leu747_Pro753delinsSer", {"inframe_deletion"}),
        ("p.Ala767_Val769delinsGlyGlyGly", set()),
        ("p.Leu858Arg", set()),
    ],
)
def test_delins_net_effect(hgvsp: str, added: set[str]) -> None:
    ann = _annotation(("protein_altering_variant",), hgvsp)
    assert consequences(ann) == {"protein_altering_variant", *added}


@pytest.mark.parametrize(
    ("hgvsc", "offsets"),
    [
        ("c.3028+3A>G", (3,)),
        ("c.3028+1G>T", (1,)),
        ("c.2888-35_2888-21del", (-35, -21)),
        ("c.2888-5_2890del", (-5,)),
        ("c.3028G>C", ()),
        (None, ()),
    ],
)
def test_intronic_offsets(hgvsc: str | None, offsets: tuple[int, ...]) -> None:
    assert intronic_offsets(hgvsc) == offsets
