"""Build `variants.tsv`: the GRCh38 + GRCh37 coordinates behind the knowledge-base rows.

The committed `variants.tsv` is the output; this script documents how it was made and can
regenerate it:

    python -m tools.knowledge_variants [--hotspots DIR] [--out FILE]

Inputs
------
* `evidence.tsv` (beside this file): which biomarkers need coordinates — every row of kind
  `variant`, `codon`, `aa_range`, `exon` or `splice`.
* Cancer Hotspots v2 as packaged by maftools (`cancerhotspots_v2_GRCh38.tsv` and
  `cancerhotspots_v2_GRCh37.tsv`, MIT licence; no header; columns chrom, pos, ref, alt,
  gene, variant class, protein change, SIFT). The two files list the same variants in the
  same order, one per build. Alleles are MAF-style: `-` for the empty side of an indel;
  a deletion's position is its first deleted base and an insertion's position is the base
  *before* the inserted sequence. The tables carry no anchor base, so every coordinate is
  stored here in the minimal anchor-free form the matcher compares (position of the first
  changed base, `-` for an empty allele); a VCF deletion with its anchor base normalises
  to the same key.
* `manual_variants.tsv` (beside this file): the few variants the hotspot tables lack
  (ABL1 kinase-domain resistance mutations, EGFR C797S, ALK G1202R), each with the way
  its coordinates were established.

Linking rules (how a hotspot variant is tied to a biomarker)
-------------------------------------------------------------
* missense / nonsense rows: the protein change (1-letter) must equal a `variant` key, or be a
  missense at a `codon` key's residue, or a missense inside an `aa_range` key.
* in-frame indels (length change a multiple of 3): the hotspot's protein label names the
  first affected codon; the codon's exon (table EXON_CODONS below, MANE Select numbering)
  and the indel's class (deletion/insertion) must fit an `exon` key. The hotspot label of
  an indel is the label of its hotspot *group* (e.g. every EGFR exon 19 deletion is listed
  as E746_A750del), so the specific protein change is left empty for indels.
* MET exon 14 skipping (`splice` key 14): the substitutions of c.3028G (the last base of
  exon 14, listed as D1010N/H/Y) disrupt the exon 14 splice donor.
"""

from __future__ import annotations

import argparse
import csv
import sys
from dataclasses import dataclass
from pathlib import Path

from actionable.matching.knowledge import VARIANT_COLUMNS as COLUMNS

REPO = Path(__file__).resolve().parents[1]
HERE = REPO / "src" / "actionable" / "data" / "knowledge"
DEFAULT_HOTSPOTS = REPO / ".." / "shared" / "data" / "knowledge"

#: exon -> (first codon, last codon) on the MANE Select transcript, for the exons named by
#: `exon` biomarkers. Only used to place hotspot indels; ranges are the codons the exon
#: encodes (partial codons at the boundaries counted in the exon where they start).
EXON_CODONS: dict[str, dict[int, tuple[int, int]]] = {
    "EGFR": {18: (688, 728), 19: (729, 761), 20: (762, 823), 21: (824, 875)},
    "ERBB2": {20: (770, 785)},
    "KIT": {9: (449, 514), 11: (550, 592), 17: (788, 828)},
    "PDGFRA": {18: (814, 854)},
    "FLT3": {14: (572, 603)},
}

#: cDNA changes on the MANE Select transcript for frequently tested SNVs, keyed by GRCh38
#: allele (standard HGVS names of these biomarkers). Used for `hgvsc` matching when an
#: annotation carries a cDNA change but no protein change.
CURATED_HGVSC: dict[tuple[str, int, str, str], str] = {
    ("EGFR", 55191822, "T", "G"): "c.2573T>G",
    ("EGFR", 55181378, "C", "T"): "c.2369C>T",
    ("EGFR", 55191831, "T", "A"): "c.2582T>A",
    ("EGFR", 55181312, "G", "T"): "c.2303G>T",
    ("EGFR", 55174014, "G", "A"): "c.2155G>A",
    ("EGFR", 55174014, "G", "T"): "c.2155G>T",
    ("EGFR", 55174015, "G", "C"): "c.2156G>C",
    ("EGFR", 55174015, "G", "A"): "c.2156G>A",
    ("BRAF", 140753336, "A", "T"): "c.1799T>A",
    ("KRAS", 25245351, "C", "A"): "c.34G>T",
    ("KRAS", 25245351, "C", "T"): "c.34G>A",
    ("KRAS", 25245351, "C", "G"): "c.34G>C",
    ("KRAS", 25245350, "C", "T"): "c.35G>A",
    ("KRAS", 25245350, "C", "A"): "c.35G>T",
    ("KRAS", 25245350, "C", "G"): "c.35G>C",
    ("KRAS", 25245347, "C", "T"): "c.38G>A",
    ("PIK3CA", 179234297, "A", "G"): "c.3140A>G",
    ("PIK3CA", 179218303, "G", "A"): "c.1633G>A",
    ("PIK3CA", 179218294, "G", "A"): "c.1624G>A",
    ("AKT1", 104780214, "C", "T"): "c.49G>A",
    ("IDH1", 208248388, "C", "T"): "c.395G>A",
    ("IDH1", 208248389, "G", "A"): "c.394C>T",
    ("IDH2", 90088702, "C", "T"): "c.419G>A",
    ("IDH2", 90088606, "C", "T"): "c.515G>A",
    ("RET", 43121968, "T", "C"): "c.2753T>C",
    ("KIT", 54733155, "A", "T"): "c.2447A>T",
    ("PDGFRA", 54285926, "A", "T"): "c.2525A>T",
    ("ESR1", 152098791, "A", "G"): "c.1613A>G",
    ("ESR1", 152098788, "A", "C"): "c.1610A>C",
    ("FGFR3", 1801841, "C", "G"): "c.746C>G",
    ("FGFR3", 1801837, "C", "T"): "c.742C>T",
    ("FGFR3", 1804362, "G", "T"): "c.1108G>T",
    ("FGFR3", 1804372, "A", "G"): "c.1118A>G",
    ("ERBB2", 39711955, "C", "T"): "c.929C>T",
    ("ERBB2", 39723967, "T", "C"): "c.2264T>C",
    ("ERBB2", 39724747, "G", "T"): "c.2329G>T",
    ("ERBB2", 39725079, "G", "A"): "c.2524G>A",
    ("MET", 116771989, "G", "A"): "c.3028G>A",
    ("MET", 116771989, "G", "C"): "c.3028G>C",
    ("MET", 116771989, "G", "T"): "c.3028G>T",
    ("FLT3", 28018505, "C", "A"): "c.2503G>T",
    ("FLT3", 28018505, "C", "G"): "c.2503G>C",
    ("FLT3", 28018504, "T", "A"): "c.2504A>T",
    ("FLT3", 28018503, "A", "C"): "c.2505T>G",
}

#: MET exon 14 splice-donor substitutions at c.3028 (GRCh38 position of c.3028G).
MET_EXON14_LAST_BASE = 116771989


_ONE = "ACDEFGHIKLMNPQRSTVWY*"


@dataclass(frozen=True)
class Allele:
    chrom: str
    pos: int
    ref: str
    alt: str


def minimal(pos: int, ref: str, alt: str) -> tuple[int, str, str]:
    """Trim shared suffix (keeping one base each) then shared prefix; empty allele allowed."""
    while len(ref) > 1 and len(alt) > 1 and ref[-1] == alt[-1]:
        ref, alt = ref[:-1], alt[:-1]
    i = 0
    while i < len(ref) and i < len(alt) and ref[i] == alt[i]:
        i += 1
    return pos + i, ref[i:], alt[i:]


def from_maf(chrom: str, pos: int, ref: str, alt: str) -> Allele:
    """MAF-style alleles to the minimal anchor-free form (insertion: position after anchor)."""
    if ref == "-":
        return Allele(chrom, pos + 1, "-", alt)
    if alt == "-":
        return Allele(chrom, pos, ref, "-")
    p, r, a = minimal(pos, ref, alt)
    return Allele(chrom, p, r or "-", a or "-")


def parse_label(label: str) -> tuple[str, int, str] | None:
    """'G12C' -> ('G', 12, 'C'); first residue of group labels like 'E746_A750del'."""
    if len(label) < 2 or label[0] not in _ONE:
        return None
    digits = ""
    for ch in label[1:]:
        if ch.isdigit():
            digits += ch
        else:
            break
    if not digits:
        return None
    return label[0], int(digits), label[1 + len(digits) :]


def read_evidence_keys(path: Path) -> dict[str, list[tuple[str, str, frozenset[str]]]]:
    """gene -> [(match_kind, key, allowed consequences)] for coordinate-bearing kinds."""
    keys: dict[str, list[tuple[str, str, frozenset[str]]]] = {}
    seen: set[tuple[str, str, str]] = set()
    with path.open(encoding="utf-8") as fh:
        rows = csv.DictReader((ln for ln in fh if not ln.startswith("#")), delimiter="\t")
        for row in rows:
            kind = row["match_kind"]
            if kind not in ("variant", "codon", "aa_range", "exon", "splice"):
                continue
            ident = (row["gene"], kind, row["alteration_key"])
            if ident in seen:
                continue
            seen.add(ident)
            cons = frozenset(c for c in row["consequence"].split("|") if c)
            keys.setdefault(row["gene"], []).append((kind, row["alteration_key"], cons))
    return keys


def exon_of(gene: str, codon: int) -> int | None:
    for exon, (lo, hi) in EXON_CODONS.get(gene, {}).items():
        if lo <= codon <= hi:
            return exon
    return None


def links_for(
    gene: str,
    label: str,
    consequence: str,
    exon: int | None,
    g38: Allele,
    keys: list[tuple[str, str, frozenset[str]]],
) -> list[tuple[str, str]]:
    parsed = parse_label(label)
    out: list[tuple[str, str]] = []
    for kind, key, cons in keys:
        if kind == "variant":
            if consequence in ("missense_variant", "stop_gained") and label == key:
                out.append((kind, key))
        elif kind == "codon":
            if (
                consequence == "missense_variant"
                and parsed is not None
                and key == f"{parsed[0]}{parsed[1]}"
            ):
                out.append((kind, key))
        elif kind == "aa_range":
            lo, hi = (int(x) for x in key.split("-"))
            if parsed is not None and lo <= parsed[1] <= hi and consequence in cons:
                out.append((kind, key))
        elif kind == "exon":
            if exon is not None and str(exon) == key and consequence in cons:
                out.append((kind, key))
        elif kind == "splice" and gene == "MET" and key == "14" and g38.pos == MET_EXON14_LAST_BASE:
            out.append((kind, key))
    return out


def hotspot_rows(
    hotspots: Path, keys: dict[str, list[tuple[str, str, frozenset[str]]]]
) -> list[dict[str, str]]:
    f38 = (hotspots / "cancerhotspots_v2_GRCh38.tsv").read_text(encoding="utf-8").splitlines()
    f37 = (hotspots / "cancerhotspots_v2_GRCh37.tsv").read_text(encoding="utf-8").splitlines()
    if len(f38) != len(f37):
        raise SystemExit("hotspot tables differ in length; cannot pair the builds")
    out: list[dict[str, str]] = []
    for n, (l38, l37) in enumerate(zip(f38, f37, strict=True), start=1):
        a = l38.split("\t")
        b = l37.split("\t")
        gene, vclass, label = a[4], a[5], a[6]
        if (b[2], b[3], b[4], b[5], b[6]) != (a[2], a[3], gene, vclass, label):
            raise SystemExit(f"line {n}: GRCh37/GRCh38 rows disagree")
        if gene not in keys:
            continue
        g38 = from_maf(a[0], int(a[1]), a[2], a[3])
        g37 = from_maf(b[0], int(b[1]), b[2], b[3])
        parsed = parse_label(label)
        exon = exon_of(gene, parsed[1]) if parsed else None
        variant = label
        if vclass == "Missense_Mutation":
            consequence = "missense_variant"
        elif vclass == "Nonsense_Mutation":
            consequence = "stop_gained"
        else:
            ref = "" if g38.ref == "-" else g38.ref
            alt = "" if g38.alt == "-" else g38.alt
            if (len(alt) - len(ref)) % 3 != 0:
                continue  # frameshift: not an in-frame biomarker
            consequence = "inframe_insertion" if len(alt) > len(ref) else "inframe_deletion"
            variant = ""
        for kind, key in links_for(gene, label, consequence, exon, g38, keys[gene]):
            out.append(
                {
                    "gene": gene,
                    "match_kind": kind,
                    "alteration_key": key,
                    "variant": variant,
                    "consequence": consequence
                    if kind != "splice"
                    else "missense_variant&splice_region_variant",
                    "exon": "" if exon is None else str(exon),
                    "hgvsc": CURATED_HGVSC.get((gene, g38.pos, g38.ref, g38.alt), ""),
                    "grch38_chrom": g38.chrom,
                    "grch38_pos": str(g38.pos),
                    "grch38_ref": g38.ref,
                    "grch38_alt": g38.alt,
                    "grch37_chrom": g37.chrom,
                    "grch37_pos": str(g37.pos),
                    "grch37_ref": g37.ref,
                    "grch37_alt": g37.alt,
                    "coordinate_source": "cancerhotspots_v2 (maftools GRCh38/GRCh37 tables)",
                    "source_label": f"{gene} {label} ({vclass})",
                }
            )
    return out


def manual_rows(
    path: Path, keys: dict[str, list[tuple[str, str, frozenset[str]]]]
) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    with path.open(encoding="utf-8") as fh:
        rows = csv.DictReader((ln for ln in fh if not ln.startswith("#")), delimiter="\t")
        for row in rows:
            gene = row["gene"]
            g38 = Allele(
                row["grch38_chrom"], int(row["grch38_pos"]), row["grch38_ref"], row["grch38_alt"]
            )
            exon = int(row["exon"]) if row["exon"] else None
            links = links_for(
                gene, row["variant"], row["consequence"], exon, g38, keys.get(gene, [])
            )
            if not links:
                raise SystemExit(f"manual variant {gene} {row['variant']} links to no biomarker")
            for kind, key in links:
                out.append(
                    {
                        "gene": gene,
                        "match_kind": kind,
                        "alteration_key": key,
                        "variant": row["variant"],
                        "consequence": row["consequence"],
                        "exon": row["exon"],
                        "hgvsc": row["hgvsc"],
                        **{c: row[c] for c in COLUMNS if c.startswith(("grch38_", "grch37_"))},
                        "coordinate_source": row["coordinate_source"],
                        "source_label": f"{gene} {row['variant']} ({row['hgvsc']})",
                    }
                )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hotspots", type=Path, default=DEFAULT_HOTSPOTS)
    parser.add_argument("--out", type=Path, default=HERE / "variants.tsv")
    args = parser.parse_args(argv)
    keys = read_evidence_keys(HERE / "evidence.tsv")
    rows = hotspot_rows(args.hotspots, keys) + manual_rows(HERE / "manual_variants.tsv", keys)
    rows.sort(
        key=lambda r: (
            r["gene"],
            r["match_kind"],
            r["alteration_key"],
            int(r["grch38_pos"]),
            r["grch38_ref"],
            r["grch38_alt"],
        )
    )
    with args.out.open("w", encoding="utf-8", newline="") as fh:
        fh.write(
            "# Generated by tools/knowledge_variants.py from Cancer Hotspots v2 "
            "(maftools, MIT) and\n"
            "# manual_variants.tsv; do not edit by hand. Alleles are minimal and anchor-free\n"
            "# ('-' = empty allele; an insertion's position is the base after its anchor).\n"
        )
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} rows to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
