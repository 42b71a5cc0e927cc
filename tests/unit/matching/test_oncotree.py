"""Disease context: the embedded OncoTree (complete release plus project groupings)."""

from __future__ import annotations

import pytest

from actionable.errors import UsageError
from actionable.matching.oncotree import load_oncotree

REQUIRED = [
    "NSCLC",
    "LUAD",
    "LUSC",
    "COADREAD",
    "COAD",
    "READ",
    "MEL",
    "SKCM",
    "BRCA",
    "OV",
    "PRAD",
    "PAAD",
    "STAD",
    "ESCA",
    "BLCA",
    "THME",
    "THPA",
    "CHOL",
    "AML",
    "CML",
    "ALL",
    "GIST",
    "SM",
    "SOLID",
    "TISSUE",
    # beyond the former 90-code subset
    "PAST",
    "LGGNOS",
    "GB",
    "IMT",
    "ALCL",
    "LGSOC",
    "DFSP",
]


def test_complete_release_is_embedded() -> None:
    tree = load_oncotree()
    origins = [n.origin for n in tree.nodes.values()]
    assert origins.count("project") == 3  # SOLID, OV, ALL
    assert len(tree.nodes) == 898 + 3  # OncoTree 2025_10_03 has 898 codes
    assert all(tree.lineage(code)[-1] == "TISSUE" for code in tree.nodes)


@pytest.mark.parametrize("code", REQUIRED)
def test_required_codes_are_accepted(code: str) -> None:
    assert load_oncotree().resolve(code).code == code


def test_lower_case_is_accepted() -> None:
    assert load_oncotree().resolve("luad").code == "LUAD"


@pytest.mark.parametrize(
    ("evidence", "tumour", "covered"),
    [
        ("NSCLC", "LUAD", True),
        ("NSCLC", "LUSC", True),
        ("COADREAD", "COAD", True),
        ("COADREAD", "READ", True),
        ("MEL", "SKCM", True),
        ("SOLID", "PAAD", True),
        ("SOLID", "GBM", True),
        ("SOLID", "AML", False),
        ("LUAD", "NSCLC", False),
        ("NSCLC", "COAD", False),
        ("ALL", "BLLBCRABL1", True),
        ("CML", "CML", True),
        ("SOLID", "PAST", True),
        ("ENCG", "LGGNOS", True),
        ("SOLID", "CUP", True),
        ("SOLID", "BLL", False),
        ("OV", "HGSOC", True),
        ("OV", "HGSFT", True),
        ("OV", "PSEC", True),
        ("OV", "OGCT", False),
        ("COADREAD", "LUAD", False),
        ("THYROID", "THME", True),
    ],
)
def test_hierarchy(evidence: str, tumour: str, covered: bool) -> None:
    assert load_oncotree().covers(evidence, tumour) is covered


def test_unknown_code_suggests_nearest() -> None:
    with pytest.raises(UsageError) as err:
        load_oncotree().resolve("LAUD")
    message = str(err.value)
    assert "unknown tumour type 'LAUD'" in message
    assert "LUAD" in message.split("nearest codes:")[1]
    assert "\n" not in message


@pytest.mark.parametrize(("retired", "current"), [("GBM", "GB"), ("MM", "PCM"), ("gbm", "GB")])
def test_retired_codes_resolve_to_their_successor(retired: str, current: str) -> None:
    tree = load_oncotree()
    assert tree.resolve(retired).code == current
    assert tree.canonical(retired.upper()) == current


def test_unknown_code_suggests_nearest_in_full_tree() -> None:
    with pytest.raises(UsageError) as err:
        load_oncotree().resolve("PASTT")
    assert "PAST" in str(err.value).split("nearest codes:")[1]
