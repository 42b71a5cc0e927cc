"""tools.oncotree_convert: a released OncoTree JSON tree flattened with the project groupings,
and the embedded table is what it produces (row count, groupings, retired codes)."""

from __future__ import annotations

import json
from pathlib import Path

from actionable.matching.oncotree import load_oncotree, parse_oncotree
from tools.oncotree_convert import main


def node(code: str, parent: str | None, children: list[dict], **extra: list[str]) -> dict:
    return {
        "code": code,
        "name": code.title(),
        "parent": parent,
        "children": {c["code"]: c for c in children},
        "history": extra.get("history", []),
        "revocations": extra.get("revocations", []),
    }


def tiny_tree() -> dict:
    bll = node("BLL", "LNM", [], revocations=["ALL"])
    tll = node("TLL", "LNM", [], revocations=["ALL"])
    lymph = node("LYMPH", "TISSUE", [node("LNM", "LYMPH", [bll, tll])])
    brain = node("BRAIN", "TISSUE", [node("GB", "BRAIN", [], revocations=["GBM"])])
    ovary = node(
        "OVARY",
        "TISSUE",
        [node("OVT", "OVARY", []), node("OOVC", "OVARY", [node("HGSFT", "OOVC", [])])],
    )
    peritoneum = node("PERITONEUM", "TISSUE", [node("PSEC", "PERITONEUM", [])])
    myeloid = node("MYELOID", "TISSUE", [node("CML", "MYELOID", [], history=["cml"])])
    return {"TISSUE": node("TISSUE", None, [lymph, brain, ovary, peritoneum, myeloid])}


def test_flatten_regroups_and_keeps_unambiguous_retired_codes(tmp_path: Path) -> None:
    source = tmp_path / "tree.json"
    source.write_text(json.dumps(tiny_tree()))
    out = tmp_path / "oncotree.tsv"
    assert main(["--tree", str(source), "--version", "2099_01_01", "--out", str(out)]) == 0
    tree = parse_oncotree(out.read_text(), "oncotree.tsv")
    assert tree.nodes["BRAIN"].parent == "SOLID"
    assert tree.nodes["LYMPH"].parent == "TISSUE"  # not solid
    assert tree.covers("SOLID", "GB") and not tree.covers("SOLID", "BLL")
    assert tree.covers("OV", "HGSFT") and tree.covers("OV", "PSEC")
    assert tree.covers("ALL", "TLL")
    assert tree.retired == {"GBM": "GB"}  # ALL is ambiguous (BLL, TLL); "cml" differs by case
    assert tree.resolve("gbm").code == "GB"


def test_embedded_table_is_a_complete_release() -> None:
    tree = load_oncotree()
    assert sum(n.origin in ("oncotree", "regrouped") for n in tree.nodes.values()) == 898
    assert len(tree.retired) == 23
