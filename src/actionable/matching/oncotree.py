"""Disease context: the embedded OncoTree with its hierarchy.

Evidence recorded for a code applies to that code and every code below it (evidence for
NSCLC applies to LUAD; for COADREAD to COAD and READ; for MEL to SKCM; for SOLID to every
solid tumour). The tree, the project's groupings and the retired codes OncoTree maps to a
current one live in `data/oncotree/oncotree.tsv` (provenance in the README beside it).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from actionable.errors import KnowledgeBaseError, UsageError

_RESOURCE = ("data", "oncotree", "oncotree.tsv")
_ORIGINS = ("oncotree", "regrouped", "project", "retired")
_COLUMNS = ("code", "name", "parent", "origin")


@dataclass(frozen=True)
class TumourType:
    """One node of the disease tree."""

    code: str
    name: str
    parent: str | None
    origin: str


class OncoTree:
    """The embedded disease tree: code lookup, ancestry and suggestions. `retired` maps codes
    OncoTree renamed or revoked to the current code that replaced them."""

    def __init__(self, nodes: dict[str, TumourType], retired: dict[str, str]) -> None:
        self.nodes = nodes
        self.retired = retired

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and (code in self.nodes or code in self.retired)

    def canonical(self, code: str) -> str:
        """The current code for `code` (itself unless OncoTree retired it)."""
        return self.retired.get(code, code)

    def resolve(self, code: str) -> TumourType:
        """Return the node for `code` (case-insensitive; a retired code gives its successor) or
        raise UsageError with suggestions."""
        key = code.strip().upper()
        node = self.nodes.get(self.canonical(key))
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
        node: TumourType | None = self.nodes.get(self.canonical(code))
        while node is not None:
            out.append(node.code)
            node = self.nodes.get(node.parent) if node.parent else None
        return out

    def covers(self, evidence_code: str, tumour_code: str) -> bool:
        """True if evidence recorded for `evidence_code` applies to `tumour_code`."""
        return self.canonical(evidence_code) in self.lineage(tumour_code)


def parse_oncotree(text: str, source: str) -> OncoTree:
    """Parse the disease TSV (comment lines start with '#'); errors name the line."""
    nodes: dict[str, TumourType] = {}
    retired: dict[str, str] = {}
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
        if not code or code != code.upper() or code in nodes or code in retired:
            raise KnowledgeBaseError(f"{source}:{lineno}: column code: bad or repeated {code!r}")
        if origin not in _ORIGINS:
            raise KnowledgeBaseError(
                f"{source}:{lineno}: column origin: {origin!r} (expected {', '.join(_ORIGINS)})"
            )
        if origin == "retired":
            retired[code] = parent
        else:
            nodes[code] = TumourType(code, name, parent or None, origin)
    for code, parent in [(n.code, n.parent) for n in nodes.values()] + list(retired.items()):
        if parent is not None and parent not in nodes:
            raise KnowledgeBaseError(f"{source}: parent {parent!r} of {code} unknown")
    return OncoTree(nodes, retired)


@cache
def load_oncotree() -> OncoTree:
    """The embedded OncoTree (cached)."""
    ref = resources.files("actionable").joinpath(*_RESOURCE)
    return parse_oncotree(ref.read_text(encoding="utf-8"), "/".join(_RESOURCE))
