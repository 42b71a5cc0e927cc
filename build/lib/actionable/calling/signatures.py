"""Tumour mutational burden (TMB) and microsatellite instability (MSI) of a somatic VCF.

TMB
    Somatic variants that PASS, have a tumour allele fraction of at least `tmb_min_vaf`, lie
    in a callable coding base and change the protein (snpEff `ANN` or VEP `CSQ` consequence
    in `NONSYNONYMOUS`: missense, nonsense, stop-loss, start-loss, frameshift, in-frame
    indel), divided by the callable coding megabases. Coding bases are the CDS (with stop
    codons) of the GTF's transcripts; a base is callable when the tumour, and the normal in a
    paired analysis, have at least `min_depth` reads there (mosdepth `--quantize`). Below
    `min_callable_mb` the estimate is marked not assessable: a small panel gives a very
    coarse TMB (one variant in 0.05 Mb is already 20 mutations/Mb).

MSI
    The microsatellites come from a BED (the demo ships one; `scan_microsatellites` finds
    homopolymers of >= 10 bases and dinucleotide repeats of >= 5 units in a reference). A
    locus is assessed when it is callable in the tumour (and normal); it is unstable when a
    PASS somatic insertion or deletion touches it. The MSI score is the percentage of
    assessed loci that are unstable; MSI-H when the score is at least `msi_high_score` and at
    least `min_msi_loci` loci were assessed, else MSS (with `msi_assessable` false when too
    few loci could be assessed). This counts called indels only: indels at low allele
    fraction that the somatic caller missed do not count, so it is a conservative screen,
    not a substitute for a validated MSI assay.
"""

from __future__ import annotations

import bisect
import os
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pysam

from actionable.calling.gtf import read_transcripts
from actionable.errors import FormatError, InputFileError
from actionable.formats.signatures import SignatureReport
from actionable.io.atomic import atomic_path
from actionable.io.text import open_text

NONSYNONYMOUS = frozenset(
    {
        "missense_variant",
        "stop_gained",
        "stop_lost",
        "start_lost",
        "initiator_codon_variant",
        "frameshift_variant",
        "inframe_insertion",
        "inframe_deletion",
        "disruptive_inframe_insertion",
        "disruptive_inframe_deletion",
        "conservative_inframe_insertion",
        "conservative_inframe_deletion",
        "protein_altering_variant",
        "rare_amino_acid_variant",
    }
)
CALLABLE_LABEL = "CALLABLE"

Intervals = dict[str, list[tuple[int, int]]]  # contig -> sorted, merged, 0-based half-open


@dataclass(frozen=True)
class SignatureSettings:
    """Thresholds of TMB and MSI (config section `signatures`)."""

    min_depth: int = 20
    tmb_min_vaf: float = 0.05
    min_callable_mb: float = 0.5
    msi_high_score: float = 20.0
    min_msi_loci: int = 20

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> SignatureSettings:
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in values.items() if k in known})


def merge(intervals: Mapping[str, Iterable[tuple[int, int]]]) -> Intervals:
    """Sort and merge overlapping or touching intervals per contig."""
    merged: Intervals = {}
    for contig, items in intervals.items():
        out: list[tuple[int, int]] = []
        for start, end in sorted(items):
            if out and start <= out[-1][1]:
                out[-1] = (out[-1][0], max(out[-1][1], end))
            else:
                out.append((start, end))
        if out:
            merged[contig] = out
    return merged


def intersect(a: Intervals, b: Intervals) -> Intervals:
    """Bases in both interval sets."""
    result: Intervals = {}
    for contig in a.keys() & b.keys():
        left, right = a[contig], b[contig]
        i = j = 0
        out = []
        while i < len(left) and j < len(right):
            start = max(left[i][0], right[j][0])
            end = min(left[i][1], right[j][1])
            if start < end:
                out.append((start, end))
            if left[i][1] < right[j][1]:
                i += 1
            else:
                j += 1
        if out:
            result[contig] = out
    return result


def total_bases(intervals: Intervals) -> int:
    return sum(end - start for items in intervals.values() for start, end in items)


def contains(intervals: Intervals, contig: str, start: int, end: int) -> bool:
    """Whether [start, end) (0-based) lies inside one interval."""
    items = intervals.get(contig)
    if not items:
        return False
    index = bisect.bisect_right(items, (start, float("inf"))) - 1
    return index >= 0 and items[index][0] <= start and end <= items[index][1]


def coding_intervals(gtf_path: str | os.PathLike[str]) -> Intervals:
    """Union of the coding bases (CDS + stop codon) of every transcript of a GTF."""
    raw: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for transcript in read_transcripts(gtf_path).values():
        for start, end in transcript.coding_intervals():
            raw[transcript.contig].append((start - 1, end))
    return merge(raw)


def read_bed(path: str | os.PathLike[str], label: str | None = None) -> list[tuple[Any, ...]]:
    """(contig, start, end, name) rows of a BED; only rows named `label` if given."""
    source = Path(path)
    if not source.is_file():
        raise InputFileError(f"{source}: file not found")
    rows = []
    with open_text(source) as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip() or line.startswith(("#", "track", "browser")):
                continue
            fields = line.rstrip("\n").split("\t")
            if len(fields) < 3:
                raise FormatError(f"{source}: line {number}: need contig, start and end")
            try:
                start, end = int(fields[1]), int(fields[2])
            except ValueError:
                raise FormatError(f"{source}: line {number}: start/end not integers") from None
            name = fields[3] if len(fields) > 3 else f"{fields[0]}:{start + 1}-{end}"
            if label is None or name == label:
                rows.append((fields[0], start, end, name))
    return rows


def callable_intervals(quantized_beds: Sequence[str | os.PathLike[str]]) -> Intervals:
    """Bases labelled CALLABLE in every given mosdepth `quantized.bed.gz`."""
    result: Intervals | None = None
    for path in quantized_beds:
        raw: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for contig, start, end, _ in read_bed(path, CALLABLE_LABEL):
            raw[contig].append((start, end))
        current = merge(raw)
        result = current if result is None else intersect(result, current)
    return result or {}


@dataclass(frozen=True)
class SomaticVariant:
    """A PASS somatic variant with its tumour VAF and consequences."""

    chrom: str
    pos: int
    ref: str
    alt: str
    vaf: float | None
    consequences: frozenset[str]

    @property
    def is_indel(self) -> bool:
        return len(self.ref) != len(self.alt)

    @property
    def is_nonsynonymous(self) -> bool:
        return bool(self.consequences & NONSYNONYMOUS)


def _consequence_reader(header: pysam.VariantHeader) -> tuple[str, int] | None:
    if "ANN" in header.info:
        return "ANN", 1
    if "CSQ" in header.info:
        description = header.info["CSQ"].description
        match = re.search(r"Format:\s*(\S+)", description)
        names = match.group(1).split("|") if match else []
        if "Consequence" in names:
            return "CSQ", names.index("Consequence")
    return None


def read_somatic(path: str | os.PathLike[str], tumour: str | None = None) -> list[SomaticVariant]:
    """PASS variants of an annotated somatic VCF (tumour = first sample unless named)."""
    try:
        vcf = pysam.VariantFile(str(path))
    except (OSError, ValueError) as exc:
        raise InputFileError(f"{path}: cannot read as VCF ({exc})") from exc
    with vcf:
        reader = _consequence_reader(vcf.header)
        if reader is None:
            raise FormatError(
                f"{path}: no snpEff ANN or VEP CSQ annotation; TMB needs an annotated VCF"
            )
        key, column = reader
        samples = list(vcf.header.samples)
        sample = tumour or (samples[0] if samples else None)
        variants = []
        for record in vcf:
            if len(record.filter) and "PASS" not in record.filter:
                continue
            vaf = None
            if sample is not None:
                call = record.samples[sample]
                if "AF" in record.format and call.get("AF") is not None:
                    value = call.get("AF")
                    vaf = float(value[0] if isinstance(value, tuple) else value)
                elif "AD" in record.format and call.get("AD") and None not in call.get("AD"):
                    ad = call.get("AD")
                    vaf = ad[1] / sum(ad) if sum(ad) else 0.0
            entries = record.info.get(key) or ()
            for alt in record.alts or ():
                terms: set[str] = set()
                for entry in entries:
                    parts = entry.split("|")
                    # snpEff names the allele; VEP trims indel alleles, so take all its entries
                    if key == "ANN" and parts[0] != alt:
                        continue
                    if len(parts) > column:
                        terms.update(parts[column].split("&"))
                variants.append(
                    SomaticVariant(record.chrom, record.pos, record.ref, alt, vaf, frozenset(terms))
                )
    return variants


def tumour_mutational_burden(
    variants: Iterable[SomaticVariant],
    callable_coding: Intervals,
    settings: SignatureSettings,
) -> tuple[float, int, float]:
    """(TMB in mutations/Mb, variants counted, callable coding Mb)."""
    counted = 0
    for variant in variants:
        if not variant.is_nonsynonymous:
            continue
        if variant.vaf is not None and variant.vaf < settings.tmb_min_vaf:
            continue
        # the first changed base: POS for SNVs/MNVs, POS+1 after an indel's anchor base
        first = (
            variant.pos - 1 + (1 if variant.is_indel and variant.ref[0] == variant.alt[0] else 0)
        )
        if contains(callable_coding, variant.chrom, first, first + 1):
            counted += 1
    megabases = total_bases(callable_coding) / 1e6
    tmb = counted / megabases if megabases > 0 else 0.0
    return tmb, counted, megabases


@dataclass(frozen=True)
class Microsatellite:
    """A repeat locus, BED coordinates (0-based start, end exclusive)."""

    chrom: str
    start: int
    end: int
    name: str


def read_microsatellites(path: str | os.PathLike[str]) -> list[Microsatellite]:
    return [Microsatellite(*row) for row in read_bed(path)]


def microsatellite_instability(
    variants: Iterable[SomaticVariant],
    loci: Sequence[Microsatellite],
    callable_bases: Intervals,
    settings: SignatureSettings,
) -> tuple[str, float, list[Microsatellite], list[Microsatellite]]:
    """(status, score %, assessed loci, unstable loci)."""
    assessed = [m for m in loci if contains(callable_bases, m.chrom, m.start, m.end)]
    indels: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for variant in variants:
        if variant.is_indel:
            # 0-based span of the anchor base and every reference base it removes
            indels[variant.chrom].append((variant.pos - 1, variant.pos - 1 + len(variant.ref)))
    unstable = []
    for locus in assessed:
        # a left-aligned indel in a repeat is anchored on the base before it: BED start - 1
        if any(
            start <= locus.end and end >= locus.start for start, end in indels.get(locus.chrom, ())
        ):
            unstable.append(locus)
    score = 100.0 * len(unstable) / len(assessed) if assessed else 0.0
    high = len(assessed) >= settings.min_msi_loci and score >= settings.msi_high_score
    return ("MSI-H" if high else "MSS"), score, assessed, unstable


def scan_microsatellites(
    sequence: str, contig: str, offset: int = 0, min_homopolymer: int = 10, min_units: int = 5
) -> list[Microsatellite]:
    """Homopolymers >= `min_homopolymer` bases and dinucleotide repeats >= `min_units` units.

    `offset` is the 0-based position of `sequence[0]` on the contig. Dinucleotide units made
    of one base (AA) are homopolymers and are not reported twice.
    """
    text = sequence.upper()
    found = []
    homopolymer = re.compile(rf"([ACGT])\1{{{min_homopolymer - 1},}}")
    dinucleotide = re.compile(rf"([ACGT][ACGT])\1{{{min_units - 1},}}")
    for match in homopolymer.finditer(text):
        unit, length = match.group(1), match.end() - match.start()
        start = offset + match.start()
        found.append(Microsatellite(contig, start, start + length, f"{unit}x{length}"))
    for match in dinucleotide.finditer(text):
        unit = match.group(1)
        if unit[0] == unit[1]:
            continue
        start = offset + match.start()
        copies = (match.end() - match.start()) // 2
        found.append(Microsatellite(contig, start, start + 2 * copies, f"{unit}x{copies}"))
    return sorted(found, key=lambda m: (m.start, m.end))


def scan_reference(
    fasta_path: str | os.PathLike[str],
    regions_bed: str | os.PathLike[str] | None,
    out_bed: str | os.PathLike[str],
) -> int:
    """Scan the reference (only `regions_bed` if given) and write a BED4; return the count."""
    try:
        fasta = pysam.FastaFile(str(fasta_path))
    except (OSError, ValueError) as exc:
        raise InputFileError(f"{fasta_path}: cannot open as indexed FASTA ({exc})") from exc
    with fasta:
        if regions_bed:
            raw: dict[str, list[tuple[int, int]]] = defaultdict(list)
            for contig, start, end, _ in read_bed(regions_bed):
                raw[contig].append((start, end))
            regions = merge(raw)
        else:
            regions = {name: [(0, fasta.get_reference_length(name))] for name in fasta.references}
        loci: dict[tuple[str, int, int], Microsatellite] = {}
        for contig in fasta.references:
            for start, end in regions.get(contig, ()):
                sequence = fasta.fetch(contig, start, end)
                for locus in scan_microsatellites(sequence, contig, start):
                    loci[(locus.chrom, locus.start, locus.end)] = locus
    with atomic_path(out_bed) as tmp, tmp.open("w", encoding="utf-8") as handle:
        for locus in loci.values():
            name = f"{locus.chrom}:{locus.start + 1}_{locus.name}"
            handle.write(f"{locus.chrom}\t{locus.start}\t{locus.end}\t{name}\n")
    return len(loci)


METHOD = {
    "tmb": "PASS somatic protein-changing variants (snpEff/VEP consequence) with tumour VAF >= "
    "tmb_min_vaf in callable coding bases (CDS of the GTF with >= min_depth reads in tumour "
    "and normal), per callable megabase",
    "msi": "percentage of assessed microsatellites (callable in tumour and normal) carrying a "
    "PASS somatic insertion/deletion; MSI-H at >= msi_high_score percent with >= min_msi_loci "
    "loci assessed",
}


def compute_signatures(
    patient: str,
    somatic_vcf: str | os.PathLike[str],
    gtf_path: str | os.PathLike[str],
    quantized_beds: Sequence[str | os.PathLike[str]],
    microsatellites_bed: str | os.PathLike[str],
    settings: SignatureSettings,
    paired: bool,
    notes: Sequence[str] = (),
) -> SignatureReport:
    """TMB and MSI of one patient."""
    variants = read_somatic(somatic_vcf)
    callable_bases = callable_intervals(quantized_beds)
    callable_coding = intersect(coding_intervals(gtf_path), callable_bases)
    tmb, counted, megabases = tumour_mutational_burden(variants, callable_coding, settings)
    loci = read_microsatellites(microsatellites_bed)
    status, score, assessed, unstable = microsatellite_instability(
        variants, loci, callable_bases, settings
    )
    report = SignatureReport(
        patient=patient,
        mode="paired" if paired else "tumour-only",
        tmb=round(tmb, 2),
        tmb_variants=counted,
        callable_mb=round(megabases, 6),
        tmb_assessable=megabases >= settings.min_callable_mb,
        msi_status=status,
        msi_score=round(score, 2),
        msi_loci_assessed=len(assessed),
        msi_loci_unstable=len(unstable),
        msi_assessable=len(assessed) >= settings.min_msi_loci,
        unstable_loci=[locus.name for locus in unstable],
        settings=asdict(settings),
        method=dict(METHOD),
        notes=list(notes),
    )
    if not report.tmb_assessable:
        report.notes.append(
            f"TMB from {megabases:.4f} callable coding Mb (< {settings.min_callable_mb} Mb): "
            "too small a territory for a reliable estimate"
        )
    if not report.msi_assessable:
        report.notes.append(
            f"MSI: only {len(assessed)} microsatellites assessable (< {settings.min_msi_loci}); "
            "status reported as MSS but not established"
        )
    if not paired:
        report.notes.append(
            "Tumour-only: germline variants that escaped the germline filter inflate TMB; "
            "germline indels in microsatellites can be counted as unstable loci"
        )
    return report
