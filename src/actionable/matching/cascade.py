"""The matching cascade: from calls to biomarkers, most specific first.

    genomic → hgvsp / hgvsc → codon → aa_range → exon (+ consequence) → splice → gene_lof
    → fusion → amplification / deletion → signature

A variant allele is first looked up by coordinates (minimal anchor-free form, both builds
carried by the knowledge base), then every annotation of a knowledge-base gene is tested
against the gene's biomarkers. For each biomarker the most specific way it was met is kept;
hits on the MANE/canonical transcript win over hits on other transcripts, and a hit found
only on another transcript is labelled as such.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from actionable.formats.cna import CALLS, SPLIT, CopyNumberCall
from actionable.formats.fusions import FusionCall
from actionable.matching.hgvs import DELINS, MISSENSE
from actionable.matching.kinds import CASCADE
from actionable.matching.knowledge import (
    GENOMES,
    Biomarker,
    KnowledgeBase,
    KnownVariant,
    allele_keys,
)
from actionable.matching.vcf import Annotation, VariantCall

LOF_TERMS = frozenset(
    {
        "stop_gained",
        "frameshift_variant",
        "splice_donor_variant",
        "splice_acceptor_variant",
        "start_lost",
        "exon_loss_variant",
        "transcript_ablation",
    }
)
#: in a gene without a limit in lof_limits.tsv, a truncation after this fraction of the
#: protein is not counted as loss of function
LOF_LAST_FRACTION = 0.95
TMB_THRESHOLD = 10.0
#: the furthest intronic base of a splice donor whose substitution is documented to skip the
#: exon (MET c.3028+3A>G/T; canonical +1/+2 are splice_donor_variant)
DONOR_REGION_LAST = 3
#: deletions ending within this many intronic bases before the exon remove its acceptor,
#: polypyrimidine tract or branch point (MET intron 13 deletions)
ACCEPTOR_REGION_FIRST = -40
_INTRONIC_RE = re.compile(r"^c\.\d+([+-]\d+)(?:_\d+([+-]\d+))?")


def kind_rank(kind: str) -> int:
    return CASCADE.index(kind)


@dataclass(frozen=True)
class BiomarkerHit:
    """How one biomarker was met by one call."""

    biomarker: Biomarker
    match_kind: str
    canonical: bool
    transcript: str | None
    detail: str
    annotation: Annotation | None = None
    known: KnownVariant | None = None

    def better_than(self, other: BiomarkerHit) -> bool:
        mine = (self.match_kind != "genomic" and not self.canonical, kind_rank(self.match_kind))
        theirs = (
            other.match_kind != "genomic" and not other.canonical,
            kind_rank(other.match_kind),
        )
        return mine < theirs


@dataclass
class RawFinding:
    """One alteration of one gene with the biomarkers it meets (before evidence/tiers)."""

    gene: str
    alteration: str
    match_kind: str
    hits: list[BiomarkerHit]
    call: VariantCall | None = None
    fusion: FusionCall | None = None
    copy_number: CopyNumberCall | None = None
    transcript: str | None = None
    canonical: bool = True
    hgvsc: str | None = None
    hgvsp: str | None = None
    consequence: str | None = None
    detail: str = ""


def _biomarker_label(kb: KnowledgeBase, bm: Biomarker) -> str:
    rows = kb.by_biomarker[bm]
    label = rows[0].alteration
    prefix = f"{bm[0]} "
    return label[len(prefix) :] if label.startswith(prefix) else label


# ------------------------------------------------------------------ annotation predicates


def is_canonical(ann: Annotation, kb: KnowledgeBase, n_transcripts: int) -> bool:
    """MANE/canonical flag, the shipped MANE table, a demo gene's one transcript, or the
    only transcript of the gene in the record."""
    if ann.flagged_canonical:
        return True
    base = ann.transcript_base
    mane = kb.transcripts.get(ann.gene)
    if mane is not None and base and base in (mane.refseq.split(".", 1)[0], mane.ensembl):
        return True
    if base == f"DEMO_{ann.gene}":
        return True
    return n_transcripts <= 1


def consequences(ann: Annotation) -> set[str]:
    """The annotation's terms, plus the net in-frame effect of a protein delins.

    A complex indel such as EGFR p.E746_S752delinsV is annotated `protein_altering_variant`
    by VEP; it is an in-frame deletion when it removes more residues than it inserts (an
    in-frame insertion when it adds more), and must meet the exon rules written for those.
    """
    terms = set(ann.consequences)
    change = ann.protein
    if change is not None and change.kind == DELINS:
        removed = (change.end or change.start) - change.start + 1
        if len(change.alt) < removed:
            terms.add("inframe_deletion")
        elif len(change.alt) > removed:
            terms.add("inframe_insertion")
    return terms


def _consequence_ok(ann: Annotation, allowed: tuple[str, ...]) -> bool:
    return bool(consequences(ann) & set(allowed))


def intronic_offsets(hgvsc: str | None) -> tuple[int, ...]:
    """Intronic offsets of a cDNA change (`c.3028+3A>G` → (3,), `c.2888-35_2888-21del` →
    (-35, -21)); empty when the change does not start in an intron."""
    m = _INTRONIC_RE.match(hgvsc or "")
    if m is None:
        return ()
    return tuple(int(g) for g in m.groups() if g is not None)


def _splice(n: int, ann: Annotation) -> str | None:
    """How `ann` disrupts the splicing of exon `n`, or None."""
    cons = set(ann.consequences)
    if "exon_loss_variant" in cons and ann.exon == n:
        return f"exon {n} lost"
    if "splice_donor_variant" in cons and (ann.intron == n or ann.exon == n):
        return f"exon {n} splice donor"
    if "splice_acceptor_variant" in cons and (ann.intron == n - 1 or ann.exon == n):
        return f"exon {n} splice acceptor"
    offsets = intronic_offsets(ann.hgvsc)
    if ann.intron == n and offsets and 0 < min(offsets) <= DONOR_REGION_LAST:
        return f"exon {n} splice donor region ({ann.hgvsc})"
    deletion = "del" in (ann.hgvsc or "")
    if ann.intron == n - 1 and deletion and offsets and ACCEPTOR_REGION_FIRST <= max(offsets) < 0:
        return f"exon {n} splice acceptor region deletion ({ann.hgvsc})"
    return None


def _lof(ann: Annotation, kb: KnowledgeBase, canonical: bool) -> tuple[bool, str]:
    """Whether a truncating annotation counts as loss of function: up to the gene's limit
    (MANE residues, on the canonical transcript) or, without one, before the last 5 %."""
    terms = set(ann.consequences) & LOF_TERMS
    if not terms:
        return False, ""
    if terms & {"stop_gained", "frameshift_variant"}:
        pos = ann.protein.start if ann.protein is not None else ann.protein_pos
        limit = kb.lof_limits.get(ann.gene) if canonical else None
        if pos is not None and limit is not None:
            where = f"residue {pos}, gene limit {limit.last_residue}"
            if pos > limit.last_residue:
                return False, f"truncation after the gene's limit ({where})"
            return True, f"{'/'.join(sorted(terms))} at {where}"
        length = ann.protein_len
        if length is None and canonical and ann.gene in kb.transcripts:
            length = kb.transcripts[ann.gene].protein_length
        if pos is not None and length:
            if pos > LOF_LAST_FRACTION * length:
                return False, f"truncation at residue {pos}/{length} is in the last 5 %"
            return True, f"{'/'.join(sorted(terms))} at residue {pos}/{length}"
    return True, "/".join(sorted(terms))


def annotation_kind(
    bm: Biomarker, ann: Annotation, kb: KnowledgeBase, canonical: bool
) -> tuple[str, str] | None:
    """The match kind by which `ann` meets biomarker `bm`, with a short detail, or None."""
    _, kind, key = bm
    rows = kb.by_biomarker[bm]
    allowed = rows[0].consequence
    change = ann.protein
    if kind == "variant":
        if change is not None and change.short == key:
            return "hgvsp", f"{ann.hgvsp or change.short}"
        if canonical and ann.hgvsc and ann.hgvsc in kb.hgvsc_by_biomarker.get(bm, ()):
            return "hgvsc", ann.hgvsc
        return None
    if kind == "codon":
        if (
            change is not None
            and change.kind == MISSENSE
            and change.single_residue
            and f"{change.ref}{change.start}" == key
        ):
            return "codon", f"missense at codon {key}"
        return None
    if kind == "aa_range":
        lo, hi = (int(x) for x in key.split("-"))
        start = change.start if change is not None else ann.protein_pos
        end = change.end if change is not None and change.end is not None else start
        inside = start is not None and end is not None and lo <= start and end <= hi
        if inside and _consequence_ok(ann, allowed):
            return "aa_range", f"residues {lo}-{hi}"
        return None
    if kind == "exon":
        if ann.exon is not None and str(ann.exon) == key and _consequence_ok(ann, allowed):
            return "exon", f"exon {key} {'/'.join(sorted(consequences(ann) & set(allowed)))}"
        return None
    if kind == "splice":
        why = _splice(int(key), ann)
        return ("splice", why) if why is not None else None
    if kind == "gene_lof":
        ok, why = _lof(ann, kb, canonical)
        return ("gene_lof", why) if ok else None
    return None


# ------------------------------------------------------------------------ variant calls

LeftAligner = Callable[[str, int, str, str], tuple[int, str, str]]


class VariantMatcher:
    """Matches variant calls for one genome build (optionally left-aligning indels)."""

    def __init__(
        self, kb: KnowledgeBase, genome: str, left_align: LeftAligner | None = None
    ) -> None:
        self.kb = kb
        self.genome = genome
        self.left_align = left_align
        self._left_index: dict[tuple[str, int, str, str], list[KnownVariant]] | None = None

    def _known(self, chrom: str, pos: int, ref: str, alt: str) -> list[KnownVariant]:
        found = {id(kv): kv for kv in self.kb.lookup(self.genome, chrom, pos, ref, alt)}
        if self.left_align is not None and len(ref) != len(alt) and self.genome in GENOMES:
            if self._left_index is None:
                self._left_index = {}
                for kv in self.kb.variants:
                    a = kv.alleles[self.genome]
                    if len(a.ref) != len(a.alt):
                        key = (a.chrom, *self.left_align(a.chrom, a.pos, a.ref, a.alt))
                        self._left_index.setdefault(key, []).append(kv)
            for k in allele_keys(chrom, pos, ref, alt):
                la = (chrom, *self.left_align(chrom, k[1], k[2], k[3]))
                for kv in self._left_index.get(la, ()):
                    found[id(kv)] = kv
        return list(found.values())

    def match(self, call: VariantCall) -> list[RawFinding]:
        kb = self.kb
        hits: dict[Biomarker, BiomarkerHit] = {}

        def offer(hit: BiomarkerHit) -> None:
            old = hits.get(hit.biomarker)
            if old is None or hit.better_than(old):
                hits[hit.biomarker] = hit

        for kv in self._known(call.norm_chrom, call.pos, call.ref, call.alt):
            a = kv.alleles[self.genome]
            offer(
                BiomarkerHit(
                    kv.biomarker,
                    "genomic",
                    True,
                    None,
                    f"{self.genome} {a.chrom}:{a.pos} {a.ref or '-'}>{a.alt or '-'} "
                    f"({kv.coordinate_source})",
                    known=kv,
                )
            )
        by_gene: dict[str, list[Annotation]] = {}
        for ann in call.annotations:
            if ann.gene in kb.biomarkers_by_gene:
                by_gene.setdefault(ann.gene, []).append(ann)
        canonical_flags: dict[int, bool] = {}
        for gene, anns in by_gene.items():
            n_tx = len({a.transcript for a in anns})
            for ann in anns:
                canonical = is_canonical(ann, kb, n_tx)
                canonical_flags[id(ann)] = canonical
                for bm in kb.biomarkers_by_gene[gene]:
                    found = annotation_kind(bm, ann, kb, canonical)
                    if found is None:
                        continue
                    kind, detail = found
                    offer(
                        BiomarkerHit(
                            bm, kind, canonical, ann.transcript or None, detail, annotation=ann
                        )
                    )
        if not hits:
            return []
        genes = sorted({bm[0] for bm in hits})
        out: list[RawFinding] = []
        for gene in genes:
            gene_hits = sorted(
                (h for h in hits.values() if h.biomarker[0] == gene),
                key=lambda h: (kind_rank(h.match_kind), h.biomarker),
            )
            anns = by_gene.get(gene, [])
            display = _display_annotation(anns, gene_hits, canonical_flags)
            known = next((h.known for h in gene_hits if h.known is not None), None)
            out.append(self._finding(call, gene, gene_hits, display, known, canonical_flags))
        return out

    def _finding(
        self,
        call: VariantCall,
        gene: str,
        gene_hits: list[BiomarkerHit],
        display: Annotation | None,
        known: KnownVariant | None,
        canonical_flags: dict[int, bool],
    ) -> RawFinding:
        kb = self.kb
        alteration = None
        if display is not None and display.protein is not None:
            alteration = display.protein.short
        if alteration is None and known is not None and known.variant:
            alteration = known.variant
        if alteration is None:
            alteration = _biomarker_label(kb, gene_hits[0].biomarker)
        canonical = any(h.canonical for h in gene_hits)
        transcript = display.transcript if display is not None else None
        hgvsc = display.hgvsc if display is not None else None
        hgvsp = display.hgvsp if display is not None else None
        consequence = "&".join(display.consequences) if display is not None else None
        if known is not None:
            hgvsc = hgvsc or known.hgvsc or None
            hgvsp = hgvsp or (f"p.{known.variant}" if known.variant else None)
            consequence = consequence or known.consequence
        detail = "; ".join(
            f"{_biomarker_label(kb, h.biomarker)}: {h.match_kind}"
            + (f" on {h.transcript}" if h.transcript else "")
            + ("" if h.canonical else " (non-canonical transcript)")
            + (f" [{h.detail}]" if h.detail else "")
            for h in gene_hits
        )
        return RawFinding(
            gene=gene,
            alteration=alteration,
            match_kind=gene_hits[0].match_kind,
            hits=gene_hits,
            call=call,
            transcript=transcript,
            canonical=canonical,
            hgvsc=hgvsc,
            hgvsp=hgvsp,
            consequence=consequence,
            detail=detail,
        )


def _display_annotation(
    anns: list[Annotation], hits: list[BiomarkerHit], canonical_flags: dict[int, bool]
) -> Annotation | None:
    """The annotation shown for a finding: canonical first, then one that produced a hit."""
    hit_anns = [h.annotation for h in hits if h.annotation is not None]
    for pool in (
        [a for a in hit_anns if canonical_flags.get(id(a))],
        [a for a in anns if canonical_flags.get(id(a))],
        hit_anns,
        anns,
    ):
        if pool:
            return pool[0]
    return None


# ------------------------------------------------------------------ fusions, CNA, signatures


@dataclass(frozen=True)
class Note:
    """An alteration of a knowledge-base gene that no rule could use, and why: reported in
    findings.json (`notes`) instead of being dropped silently."""

    gene: str
    alteration: str
    reason: str
    fusion: FusionCall | None = None


ORIENTATION_NOT_SUPPORTED = "orientation not supported by the knowledge-base rule"


def _fits(rule: str, gene: str | None) -> bool:
    """A rule side (`*` any partner, or a gene) against a partner (None: unknown)."""
    return rule == "*" or rule == gene


def fusion_pattern_met(key: str, gene5p: str | None, gene3p: str | None) -> bool:
    """True if the fusion meets one of the key's `|`-separated partner patterns:
    `BCR::ABL1` (named pair), `*::ALK` (any 5' partner), `FGFR2::*` (any 3' partner),
    `KMT2A::*|*::KMT2A` (the gene on either side)."""
    return any(_fits(p5, gene5p) and _fits(p3, gene3p) for p5, p3 in _patterns(key))


def _patterns(key: str) -> list[tuple[str, str]]:
    return [(p5, p3) for p5, _, p3 in (pattern.partition("::") for pattern in key.split("|"))]


def match_fusions(
    kb: KnowledgeBase, fusions: Iterable[FusionCall]
) -> tuple[list[RawFinding], list[Note]]:
    """Named pairs (BCR::ABL1), any 5' partner (*::ALK) or any 3' partner (FGFR2::*), with
    5'/3' as the caller wrote them. An unknown partner (None) meets only a `*` side, so a
    fusion with one partner unknown is matched on the gene the rule names, on its side.
    A rule's gene found on the other side gives a Note instead of a finding."""
    fusion_bms = [bm for bm in kb.by_biomarker if bm[1] == "fusion"]
    out: list[RawFinding] = []
    notes: list[Note] = []
    seen: set[tuple[str | None, str | None]] = set()
    for fusion in fusions:
        g5, g3 = fusion.gene5p, fusion.gene3p
        if (g5, g3) in seen:
            continue
        seen.add((g5, g3))
        hits: list[BiomarkerHit] = []
        for bm in fusion_bms:
            if fusion_pattern_met(bm[2], g5, g3):
                detail = "named pair" if "*" not in bm[2] else f"partner pattern {bm[2]}"
                if None in (g5, g3):
                    detail += ", partner unknown"
                hits.append(BiomarkerHit(bm, "fusion", True, None, detail))
        by_gene: dict[str, list[BiomarkerHit]] = {}
        for h in hits:
            by_gene.setdefault(h.biomarker[0], []).append(h)
        for gene, gene_hits in sorted(by_gene.items()):
            gene_hits.sort(key=lambda h: h.biomarker)
            out.append(
                RawFinding(
                    gene=gene,
                    alteration=f"{fusion.name} fusion",
                    match_kind="fusion",
                    hits=gene_hits,
                    fusion=fusion,
                    detail="; ".join(f"{h.biomarker[2]}: {h.detail}" for h in gene_hits),
                )
            )
        notes.extend(_orientation_notes(fusion, fusion_bms, set(by_gene)))
    return out, notes


def _orientation_notes(
    fusion: FusionCall, fusion_bms: list[Biomarker], matched: set[str]
) -> list[Note]:
    """Notes for rule genes this fusion carries only on the side their rules do not name."""
    rules: dict[str, list[str]] = {}
    for bm in fusion_bms:
        gene = bm[0]
        here = "5" if gene == fusion.gene5p else "3" if gene == fusion.gene3p else None
        if here is None or gene in matched:
            continue
        sides = {
            side for p5, p3 in _patterns(bm[2]) for side, g in (("5", p5), ("3", p3)) if g == gene
        }
        if sides and here not in sides:
            rules.setdefault(gene, []).append(bm[2])
    return [
        Note(
            gene,
            f"{fusion.name} fusion",
            f"{ORIENTATION_NOT_SUPPORTED} ({', '.join(sorted(set(keys)))}): "
            f"{gene} is the {'5' if gene == fusion.gene5p else '3'}' partner here",
            fusion=fusion,
        )
        for gene, keys in sorted(rules.items())
    ]


def match_copy_number(
    kb: KnowledgeBase, calls: Iterable[CopyNumberCall]
) -> tuple[list[RawFinding], list[Note]]:
    """Amplifications and deletions of genes with such rules; a gene whose copy number
    changes inside it (a segment breakpoint within the gene) gives a Note."""
    out: list[RawFinding] = []
    notes: list[Note] = []
    seen: set[tuple[str, str]] = set()
    for call in calls:
        if call.call == SPLIT:
            if any((call.gene, kind, kind) in kb.by_biomarker for kind in CALLS):
                notes.append(Note(call.gene, "copy-number change inside the gene", call.detail))
            continue
        bm = (call.gene, call.call, call.call)
        if bm not in kb.by_biomarker or (call.gene, call.call) in seen:
            continue
        seen.add((call.gene, call.call))
        cn = f" (copy number {call.copy_number:g})" if call.copy_number is not None else ""
        detail = f"{call.call}{cn}" + (f"; {call.detail}" if call.detail else "")
        out.append(
            RawFinding(
                gene=call.gene,
                alteration=call.call,
                match_kind=call.call,
                hits=[BiomarkerHit(bm, call.call, True, None, f"{call.call}{cn}")],
                copy_number=call,
                detail=detail,
            )
        )
    return out, notes


def match_signatures(kb: KnowledgeBase, msi: str | None, tmb: float | None) -> list[RawFinding]:
    out: list[RawFinding] = []
    if msi == "MSI-H" and ("MSI", "signature", "MSI-H") in kb.by_biomarker:
        bm = ("MSI", "signature", "MSI-H")
        out.append(
            RawFinding(
                gene="MSI",
                alteration="MSI-H",
                match_kind="signature",
                hits=[BiomarkerHit(bm, "signature", True, None, "--msi MSI-H")],
                detail="microsatellite instability high",
            )
        )
    if (
        tmb is not None
        and tmb >= TMB_THRESHOLD
        and ("TMB", "signature", "TMB-H") in kb.by_biomarker
    ):
        bm = ("TMB", "signature", "TMB-H")
        out.append(
            RawFinding(
                gene="TMB",
                alteration=f"TMB-H ({tmb:g} mut/Mb)",
                match_kind="signature",
                hits=[
                    BiomarkerHit(bm, "signature", True, None, f"TMB {tmb:g} >= {TMB_THRESHOLD:g}")
                ],
                detail=f"tumour mutational burden {tmb:g} mut/Mb (threshold {TMB_THRESHOLD:g})",
            )
        )
    return out
