"""Flatten a released OncoTree JSON tree into the package's disease table.

OncoTree (cBioPortal/MSKCC, CC BY 4.0) publishes each release as a nested JSON tree
(``trees/oncotree_YYYY_MM_DD.json`` in the cBioPortal/oncotree repository). This script writes
``src/actionable/data/oncotree/oncotree.tsv`` with one row per code:

* ``oncotree``: an OncoTree node under its OncoTree parent;
* ``regrouped``: an OncoTree node placed under one of the project groupings below (the
  data README lists each with its OncoTree parent);
* ``project``: a grouping this package adds (``PROJECT_NODES``);
* ``retired``: a code OncoTree renamed or revoked in favour of exactly one current code; the
  ``parent`` column names that code, and the package resolves the old code to it (codes
  that differ from a current one only by case, such as ``aCML``, are left out).

Run from the repository root::

    python -m tools.oncotree_convert --tree oncotree_2025_10_03.json \
        --version 2025_10_03 --out src/actionable/data/oncotree/oncotree.tsv
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from actionable.io.atomic import write_atomic

#: tissue nodes that are not solid tumours; every other tissue node goes under SOLID
NON_SOLID_TISSUES = frozenset({"MYELOID", "LYMPH"})
#: (code, name, parent, OncoTree codes regrouped under it; SOLID's are computed)
PROJECT_NODES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("SOLID", "Solid tumour (any)", "TISSUE", ()),
    (
        "OV",
        "Ovarian Cancer (epithelial ovarian, fallopian tube or primary peritoneal; TCGA grouping)",
        "OVARY",
        ("OVT", "HGSFT", "PSEC"),
    ),
    (
        "ALL",
        "Acute Lymphoblastic Leukemia (grouping of BLL and TLL)",
        "LNM",
        ("BLL", "TLL"),
    ),
)
HEADER = ("code", "name", "parent", "origin")


def _walk(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node["children"].values():
        yield from _walk(child)


def flatten(tree: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """Rows of the disease table: OncoTree nodes, project groupings, retired codes."""
    nodes = {n["code"]: n for root in tree.values() for n in _walk(root)}
    regrouped = {code: group for group, _, _, codes in PROJECT_NODES for code in codes}
    for code, node in nodes.items():
        if node["parent"] == "TISSUE" and code not in NON_SOLID_TISSUES:
            regrouped[code] = "SOLID"
    missing = sorted(c for c in regrouped if c not in nodes)
    if missing:
        raise SystemExit(f"codes to regroup are not in this OncoTree release: {missing}")
    rows = [(c, name, parent, "project") for c, name, parent, _ in PROJECT_NODES]
    for code, node in nodes.items():
        if code in regrouped:
            rows.append((code, node["name"], regrouped[code], "regrouped"))
        else:
            rows.append((code, node["name"], node["parent"] or "", "oncotree"))
    taken = {c.upper() for c in nodes} | {c for c, *_ in PROJECT_NODES}
    targets: dict[str, set[str]] = {}
    for code, node in nodes.items():
        for old in (*node["history"], *node["revocations"]):
            if old.upper() not in taken:
                targets.setdefault(old, set()).add(code)
    for old, new in sorted(targets.items()):
        if len(new) == 1:
            rows.append((old, f"former code of {next(iter(new))}", next(iter(new)), "retired"))
    return rows


def render(rows: list[tuple[str, str, str, str]], version: str) -> str:
    lines = [
        f"# OncoTree release {version} (cBioPortal/MSKCC, https://oncotree.mskcc.org, CC BY 4.0),",
        "# flattened by tools/oncotree_convert.py with this package's groupings; see README.md.",
        "\t".join(HEADER),
        *("\t".join(r) for r in rows),
    ]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", type=Path, required=True, help="OncoTree release JSON")
    parser.add_argument("--version", required=True, help="release name, e.g. 2025_10_03")
    parser.add_argument("--out", type=Path, required=True, help="TSV to write")
    args = parser.parse_args(argv)
    tree = json.loads(args.tree.read_text(encoding="utf-8"))
    write_atomic(args.out, render(flatten(tree), args.version))
    return 0


if __name__ == "__main__":
    sys.exit(main())
