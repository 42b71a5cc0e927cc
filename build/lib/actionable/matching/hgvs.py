"""Amino-acid and cDNA notation: parse and normalise HGVS-like strings.

Protein changes are reduced to one short, 1-letter form so that annotations from snpEff
(`p.Leu858Arg`), VEP (`ENSP…:p.Leu858Arg`, `p.Thr190%3D`), legacy EFF (`L858R`) and the
knowledge base compare equal:

    p.Leu858Arg → L858R          p.Gln61Ter / p.Q61* → Q61*       p.Val600= → V600=
    p.Ser1982ArgfsTer22 → S1982fs    p.Glu746_Ala750del → E746_A750del
    p.Asp770_Asn771insSerValAsp → D770_N771insSVD    p.Met1? → M1?
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

THREE_TO_ONE: dict[str, str] = {
    "Ala": "A",
    "Arg": "R",
    "Asn": "N",
    "Asp": "D",
    "Cys": "C",
    "Gln": "Q",
    "Glu": "E",
    "Gly": "G",
    "His": "H",
    "Ile": "I",
    "Leu": "L",
    "Lys": "K",
    "Met": "M",
    "Phe": "F",
    "Pro": "P",
    "Ser": "S",
    "Thr": "T",
    "Trp": "W",
    "Tyr": "Y",
    "Val": "V",
    "Sec": "U",
    "Pyl": "O",
    "Ter": "*",
    "Xaa": "X",
}
_ONE = set(THREE_TO_ONE.values())
_THREE_RE = re.compile("|".join(sorted(THREE_TO_ONE, key=len, reverse=True)))

#: kinds of protein change
MISSENSE = "missense"
SYNONYMOUS = "synonymous"
NONSENSE = "nonsense"
FRAMESHIFT = "frameshift"
DELETION = "deletion"
INSERTION = "insertion"
DUPLICATION = "duplication"
DELINS = "delins"
START_LOST = "start_lost"
EXTENSION = "extension"

_AA = r"[A-Z*]"
_SHORT_RE = re.compile(
    rf"^(?P<ref>{_AA})(?P<start>\d+)"
    rf"(?:_(?P<ref_end>{_AA})(?P<end>\d+))?"
    r"(?P<rest>.*)$"
)


@dataclass(frozen=True)
class ProteinChange:
    """A parsed protein change in 1-letter notation."""

    ref: str
    start: int
    kind: str
    alt: str = ""
    end: int | None = None
    ref_end: str | None = None

    @property
    def short(self) -> str:
        """Canonical short form, e.g. L858R, Q61*, S1982fs, E746_A750del."""
        head = f"{self.ref}{self.start}"
        if self.end is not None and self.end != self.start:
            head += f"_{self.ref_end}{self.end}"
        if self.kind in (MISSENSE, NONSENSE):
            return head + self.alt
        suffix = {
            SYNONYMOUS: "=",
            FRAMESHIFT: "fs",
            DELETION: "del",
            DUPLICATION: "dup",
            START_LOST: "?",
            EXTENSION: "ext",
        }.get(self.kind)
        if suffix is not None:
            return head + suffix
        if self.kind == INSERTION:
            return f"{head}ins{self.alt}"
        return f"{head}delins{self.alt}"

    @property
    def single_residue(self) -> bool:
        return self.end is None or self.end == self.start


def to_one_letter(text: str) -> str:
    """Replace 3-letter amino-acid codes by 1-letter codes (Ter → *)."""
    return _THREE_RE.sub(lambda m: THREE_TO_ONE[m.group(0)], text)


def _strip_prefix(text: str) -> str:
    text = unquote(text.strip())
    if ":" in text:
        text = text.rsplit(":", 1)[1]
    if text.startswith("p."):
        text = text[2:]
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1]
    return text


def parse_protein(text: str | None) -> ProteinChange | None:
    """Parse a protein change (3- or 1-letter, with or without `p.`); None if not parseable."""
    if not text:
        return None
    body = _strip_prefix(text)
    if not body or body in ("=", "?", "0", "0?"):
        return None
    body = to_one_letter(body)
    m = _SHORT_RE.match(body)
    if m is None:
        return None
    ref = m.group("ref")
    start = int(m.group("start"))
    end = int(m.group("end")) if m.group("end") else None
    ref_end = m.group("ref_end")
    rest = m.group("rest")
    kind: str
    alt = ""
    if end is not None and end == start and ref_end == ref:
        end, ref_end = None, None
    if rest == "=":
        kind = SYNONYMOUS
    elif rest.startswith("fs") or (len(rest) > 2 and "fs" in rest[:3]):
        kind = FRAMESHIFT
    elif rest.startswith("delins"):
        kind, alt = DELINS, rest[6:]
        if not alt or not set(alt) <= _ONE:
            return None
        if end is None and len(alt) == 1:
            kind = NONSENSE if alt == "*" else (SYNONYMOUS if alt == ref else MISSENSE)
    elif rest.startswith("del"):
        kind = DELETION
    elif rest.startswith("dup"):
        kind = DUPLICATION
    elif rest.startswith("ins"):
        kind, alt = INSERTION, rest[3:]
        if not alt or not set(alt) <= _ONE:
            return None
    elif rest == "?" and start == 1:
        kind = START_LOST
    elif ref == "*" or rest.startswith("ext"):
        kind = EXTENSION
    elif len(rest) >= 1 and rest[0] in _ONE and end is None:
        alt = rest[0]
        tail = rest[1:]
        if tail.startswith("fs"):
            kind = FRAMESHIFT
            alt = ""
        elif tail and not tail.startswith(("ext", "*?")):
            return None
        elif alt == "*":
            kind = NONSENSE
        elif alt == ref:
            kind = SYNONYMOUS
            alt = ""
        elif ref == "*":
            kind, alt = EXTENSION, ""
        else:
            kind = MISSENSE
    else:
        return None
    return ProteinChange(ref=ref, start=start, kind=kind, alt=alt, end=end, ref_end=ref_end)


def normalise_protein(text: str | None) -> str | None:
    """Short 1-letter form of a protein change, or None."""
    change = parse_protein(text)
    return change.short if change is not None else None


_CDNA_DEL_RE = re.compile(r"(del|dup)[ACGTN]+(?=ins|$)")


def normalise_cdna(text: str | None) -> str | None:
    """cDNA change without transcript prefix and without redundant deleted bases.

    `ENST…:c.2235_2249delGGAATTAAGAGAAGC` → `c.2235_2249del`;
    `c.1798_1799delGTinsAA` → `c.1798_1799delinsAA`.
    """
    if not text:
        return None
    body = unquote(text.strip())
    if ":" in body:
        body = body.rsplit(":", 1)[1]
    if not body.startswith(("c.", "n.")):
        return None
    body = _CDNA_DEL_RE.sub(lambda m: m.group(1), body)
    return body


_CDNA_POS_RE = re.compile(r"^c\.\*?-?(\d+)")


def cdna_position(text: str | None) -> int | None:
    """First coding position of a cDNA change (`c.3028+1G>T` → 3028), None if not coding."""
    if not text:
        return None
    m = _CDNA_POS_RE.match(text)
    if m is None or text.startswith(("c.-", "c.*")):
        return None
    return int(m.group(1))
