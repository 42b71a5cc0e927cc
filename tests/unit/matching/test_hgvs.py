"""Amino-acid and cDNA notation normalisation."""

from __future__ import annotations

import pytest

from actionable.matching.hgvs import (
    FRAMESHIFT,
    MISSENSE,
    NONSENSE,
    SYNONYMOUS,
    cdna_position,
    normalise_cdna,
    normalise_protein,
    parse_protein,
)


@pytest.mark.parametrize(
    ("text", "short"),
    [
        ("p.Leu858Arg", "L858R"),
        ("p.L858R", "L858R"),
        ("L858R", "L858R"),
        ("p.(Leu858Arg)", "L858R"),
        ("ENSP00000275493.2:p.Leu858Arg", "L858R"),
        ("p.Glu1593Ter", "E1593*"),
        ("p.Gln61*", "Q61*"),
        ("p.Ser1982ArgfsTer22", "S1982fs"),
        ("p.Ser1982fs", "S1982fs"),
        ("p.S1982Rfs*22", "S1982fs"),
        ("p.Val600=", "V600="),
        ("p.Thr190%3D", "T190="),
        ("p.Glu746_Ala750del", "E746_A750del"),
        ("p.Asp770_Asn771insSerValAsp", "D770_N771insSVD"),
        ("p.Tyr772_Ala775dup", "Y772_A775dup"),
        ("p.Glu709_Thr710delinsAsp", "E709_T710delinsD"),
        ("p.Met1?", "M1?"),
        ("p.Ter1000GlnextTer?", "*1000ext"),
        ("p.Gly12Cys", "G12C"),
    ],
)
def test_normalise_protein(text: str, short: str) -> None:
    assert normalise_protein(text) == short


@pytest.mark.parametrize("text", ["", "p.=", "p.?", "nonsense", "c.35G>A"])
def test_unparseable_protein(text: str) -> None:
    assert normalise_protein(text) is None


def test_kinds() -> None:
    kinds = {
        "p.Gly12Asp": MISSENSE,
        "p.Gly12=": SYNONYMOUS,
        "p.Gln61Ter": NONSENSE,
        "p.Lys3326fs": FRAMESHIFT,
    }
    for text, kind in kinds.items():
        change = parse_protein(text)
        assert change is not None and change.kind == kind
    one_residue = parse_protein("p.Val600_Lys601delinsGlu")
    assert one_residue is not None and not one_residue.single_residue


@pytest.mark.parametrize(
    ("text", "norm"),
    [
        ("ENST00000275493.7:c.2235_2249delGGAATTAAGAGAAGC", "c.2235_2249del"),
        ("c.1798_1799delGTinsAA", "c.1798_1799delinsAA"),
        ("NM_005228.5:c.2573T>G", "c.2573T>G"),
        ("c.29dupC", "c.29dup"),
        ("p.Leu858Arg", None),
    ],
)
def test_normalise_cdna(text: str, norm: str | None) -> None:
    assert normalise_cdna(text) == norm


def test_cdna_position() -> None:
    assert cdna_position("c.3028+1G>T") == 3028
    assert cdna_position("c.-14C>T") is None
    assert cdna_position("c.*5A>G") is None
