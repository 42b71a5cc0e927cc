"""Disease context: an embedded OncoTree subset with its hierarchy.

Evidence recorded for a code applies to that code and every code below it (evidence for
NSCLC applies to LUAD; for COADREAD to COAD and READ; for MEL to SKCM; for SOLID to every
solid tumour). The subset and its provenance live in `data/oncotree/oncotree_subset.tsv`.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from actionable.errors import KnowledgeBaseError, UsageError

_RESOURCE = ("data", "oncotree", "oncotree_subset.tsv")
_COLUMNS = ("code", "name", "parent", "origin")


@dataclass(frozen=True)
class TumourType:
    """One node of the disease tree."""

    code: str
    name: str
    parent: str | None
    origin: str


class OncoTree:
    """The embedded disease tree: code lookup, ancestry and suggestions."""

    def __init__(self, nodes: dict[str, TumourType]) -> None:
        self.nodes = nodes

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code in self.nodes

    def resolve(self, code: str) -> TumourType:
        """Return the node for `code` (case-insensitive) or raise UsageError with suggestions."""
        key = code.strip().upper()
        node = self.nodes.get(key)
        if node is not None:
            return node
        close = difflib.get_close_matches(key, list(self.nodes), n=4, cutoff=0.5)
        by_name = [
            n.code
            for n in self.nodes.values()
            if key and len(key) > 3 and key.lower() in n.name.lower() and n.code not in close
        ]
        hints = (close + by_name)[:5]
        hint = f"; nearest codes: {', '.join(hints)}" if hints else ""
        raise UsageError(
            f"unknown tumour type {code!r} (expected an OncoTree code such as NSCLC, LUAD, "
            f"COADREAD, MEL, BRCA; SOLID or TISSUE for pan-cancer){hint}"
        )

    def lineage(self, code: str) -> list[str]:
        """`code` followed by its ancestors up to the root."""
        out: list[str] = []
        node: TumourType | None = self.nodes.get(code)
        while node is not None:
            out.append(node.code)
            node = self.nodes.get(node.parent) if node.parent else None
        return out

    def covers(self, evidence_code: str, tumour_code: str) -> bool:
        """True if evidence recorded for `evidence_code` applies to `tumour_code`."""
        return evidence_code in self.lineage(tumour_code)


def parse_oncotree(text: str, source: str) -> OncoTree:
    """Parse the subset TSV (comment lines start with '#'); errors name the line."""
    nodes: dict[str, TumourType] = {}
    header_seen = False
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\r")
        if not line or line.startswith("#"):
            continue
        fields = line.split("\t")
        if not header_seen:
            if tuple(fields) != _COLUMNS:
                raise KnowledgeBaseError(
                    f"{source}:{lineno}: header must be {' '.join(_COLUMNS)} (tab-separated)"
                )
            header_seen = True
            continue
        if len(fields) != len(_COLUMNS):
            raise KnowledgeBaseError(
                f"{source}:{lineno}: expected {len(_COLUMNS)} columns, found {len(fields)}"
            )
        code, name, parent, origin = fields
        if not code or code != code.upper() or code in nodes:
            raise KnowledgeBaseError(f"{source}:{lineno}: column code: bad or repeated {code!r}")
        if origin not in ("oncotree", "project"):
            raise KnowledgeBaseError(f"{source}:{lineno}: column origin: {origin!r}")
        nodes[code] = TumourType(code, name, parent or None, origin)
    for node in nodes.values():
        if node.parent is not None and node.parent not in nodes:
            raise KnowledgeBaseError(f"{source}: parent {node.parent!r} of {node.code} unknown")
    return OncoTree(nodes)


@cache
def load_oncotree() -> OncoTree:
    """The embedded OncoTree subset (cached)."""
    ref = resources.files("actionable").joinpath(*_RESOURCE)
    return parse_oncotree(ref.read_text(encoding="utf-8"), "/".join(_RESOURCE))
