"""Disease context: the embedded OncoTree subset."""

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
    "GBM",
    "AML",
    "CML",
    "ALL",
    "GIST",
    "SM",
    "SOLID",
    "TISSUE",
]


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
