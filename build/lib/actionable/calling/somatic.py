"""Somatic classification of joint tumour/normal (or tumour-only) small-variant calls.

Input: a normalised VCF from a caller run on the tumour and, when there is one, the matched
normal together (freebayes `--pooled-continuous` in the workflow: one record per allele after
`bcftools norm -m -any`), with per-sample `FORMAT/AD` (and `DP`). Each record is judged on
the read counts alone, so the rules are the same whichever caller produced them:

Paired (tumour + normal)
    PASS when the tumour has enough depth (`min_depth`), alternate reads (`min_alt_reads`)
    and allele fraction (`min_vaf`); the normal has enough depth to have seen a germline
    variant (`min_normal_depth`) and at most `max_normal_alt_reads` alternate reads, a VAF of
    at most `max_normal_vaf`, and the tumour VAF is at least `min_vaf_ratio` times the
    normal's; and no artefact filter below applies.

Tumour-only
    The same tumour thresholds; instead of the normal, a germline filter: at
    `germline_min_depth` reads or more, a VAF of `germline_hom_vaf` or more (homozygous), or a
    VAF within `germline_vaf_window` of 0.5 that a binomial test cannot tell from 0.5
    (p >= `germline_pvalue`), is called germline. Sites in the optional panel of normals, or
    with a population allele frequency above `max_population_af`, are removed too.
    See `TUMOUR_ONLY_LIMITS` for what this cannot do.

Artefact filters (both modes; each applies only when the caller reports the field)
    - strand: with at least `strand_min_alt` alternate reads, fewer than
      `strand_min_fraction` of them on one strand while the reference reads are balanced
      (INFO `SAF`/`SAR`/`SRF`/`SRR`);
    - read position: the alternate allele sits near the read ends more often than chance
      allows, freebayes' end-placement Phred `EPP` above `max_end_placement_phred`;
    - mapping: mean mapping quality of the alternate reads (`MQM`) below
      `min_mapping_quality`.

Output: every candidate with its FILTER (`{patient}.all.vcf.gz`) and the PASS records only
(`{patient}.somatic.vcf.gz`), tumour sample first, with `FORMAT/AD`, `DP` and `AF` (the
tumour's variant allele fraction) for each sample.
"""

from __future__ import annotations

import json
import math
import os
from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pysam

from actionable.calling.gtf import Transcript, read_transcripts, reverse_complement, translate
from actionable.errors import FormatError, InputFileError, UsageError
from actionable.io.atomic import write_atomic

TUMOUR_ONLY_LIMITS = (
    "Tumour-only analysis: without a matched normal, germline variants are removed only by "
    "their allele fraction (near 50% or 100%) and, if configured, a panel of normals and a "
    "population database. Rare germline variants with an unusual allele fraction (copy-number "
    "change, loss of heterozygosity, low purity) can be reported as somatic, and clonal somatic "
    "variants with an allele fraction near 50% can be removed as germline. Confirm findings "
    "that matter with a germline test."
)

FILTERS: dict[str, str] = {
    "LowDepth": "Tumour depth below somatic.min_depth",
    "LowAltReads": "Fewer tumour alternate reads than somatic.min_alt_reads",
    "LowVAF": "Tumour allele fraction below somatic.min_vaf",
    "LowNormalDepth": "Normal depth below somatic.min_normal_depth: germline status unknown",
    "NormalSupport": "Alternate allele seen in the normal (reads, VAF or tumour/normal VAF ratio)",
    "Germline": "Tumour-only: allele fraction consistent with a germline heterozygous or "
    "homozygous variant",
    "PanelOfNormals": "Site and allele present in the panel of normals",
    "Population": "Population allele frequency above somatic.max_population_af",
    "StrandBias": "Alternate reads (almost) all on one strand while reference reads are not",
    "ReadEnd": "Alternate allele concentrated at read ends (freebayes EPP)",
    "LowMappingQuality": "Mean mapping quality of alternate reads below the minimum",
}


@dataclass(frozen=True)
class SomaticSettings:
    """Thresholds of the classification (config section `somatic`)."""

    min_depth: int = 10
    min_alt_reads: int = 3
    min_vaf: float = 0.05
    min_normal_depth: int = 8
    max_normal_alt_reads: int = 1
    max_normal_vaf: float = 0.03
    min_vaf_ratio: float = 5.0
    germline_min_depth: int = 15
    germline_vaf_window: float = 0.15
    germline_hom_vaf: float = 0.9
    germline_pvalue: float = 0.01
    max_population_af: float = 0.001
    strand_min_alt: int = 8
    strand_min_fraction: float = 0.05
    max_end_placement_phred: float = 60.0
    min_mapping_quality: float = 20.0
    protect_hotspots: bool = True

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> SomaticSettings:
        """Settings from a config mapping; unrelated keys are ignored."""
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in values.items() if k in known})


@dataclass
class SomaticEvidence:
    """Read counts of one allele; strand/position/mapping fields are None when unknown."""

    tumour_ref: int
    tumour_alt: int
    tumour_depth: int
    normal_ref: int | None = None
    normal_alt: int | None = None
    normal_depth: int | None = None
    alt_forward: int | None = None
    alt_reverse: int | None = None
    ref_forward: int | None = None
    ref_reverse: int | None = None
    end_placement_phred: float | None = None
    alt_mapping_quality: float | None = None
    in_panel_of_normals: bool = False
    population_af: float | None = None
    hotspot: str | None = None  # e.g. "EGFR:858" when a cancer hotspot residue changes

    @property
    def tumour_vaf(self) -> float:
        return self.tumour_alt / self.tumour_depth if self.tumour_depth else 0.0

    @property
    def normal_vaf(self) -> float | None:
        if self.normal_depth is None or self.normal_alt is None:
            return None
        return self.normal_alt / self.normal_depth if self.normal_depth else 0.0


def binomial_two_sided(k: int, n: int) -> float:
    """Two-sided p-value of k successes in n trials under p = 0.5."""
    if n <= 0:
        return 1.0
    tail = min(k, n - k)
    log_half_n = n * math.log(0.5)
    log_pmf = [
        math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1) + log_half_n
        for i in range(tail + 1)
    ]
    peak = max(log_pmf)
    cdf = math.exp(peak) * sum(math.exp(v - peak) for v in log_pmf)
    return min(1.0, 2.0 * cdf)


def looks_germline(evidence: SomaticEvidence, settings: SomaticSettings) -> bool:
    """Tumour-only germline test on the allele fraction (see the module description)."""
    depth, vaf = evidence.tumour_depth, evidence.tumour_vaf
    if depth < settings.germline_min_depth:
        return False
    if vaf >= settings.germline_hom_vaf:
        return True
    if abs(vaf - 0.5) > settings.germline_vaf_window + 1e-9:
        return False
    return binomial_two_sided(evidence.tumour_alt, depth) >= settings.germline_pvalue


def classify(evidence: SomaticEvidence, settings: SomaticSettings, paired: bool) -> list[str]:
    """FILTER names that apply to one allele; an empty list means PASS (somatic)."""
    reasons = []
    if evidence.tumour_depth < settings.min_depth:
        reasons.append("LowDepth")
    if evidence.tumour_alt < settings.min_alt_reads:
        reasons.append("LowAltReads")
    if evidence.tumour_vaf < settings.min_vaf:
        reasons.append("LowVAF")
    if paired:
        normal_depth = evidence.normal_depth or 0
        normal_alt = evidence.normal_alt or 0
        normal_vaf = evidence.normal_vaf or 0.0
        if normal_depth < settings.min_normal_depth:
            reasons.append("LowNormalDepth")
        if (
            normal_alt > settings.max_normal_alt_reads
            or normal_vaf > settings.max_normal_vaf
            or (normal_alt > 0 and evidence.tumour_vaf < settings.min_vaf_ratio * normal_vaf)
        ):
            reasons.append("NormalSupport")
    elif looks_germline(evidence, settings) and not (
        settings.protect_hotspots and evidence.hotspot
    ):
        reasons.append("Germline")
    if evidence.in_panel_of_normals:
        reasons.append("PanelOfNormals")
    if evidence.population_af is not None and evidence.population_af > settings.max_population_af:
        reasons.append("Population")
    if _strand_biased(evidence, settings):
        reasons.append("StrandBias")
    if (
        evidence.end_placement_phred is not None
        and evidence.end_placement_phred > settings.max_end_placement_phred
    ):
        reasons.append("ReadEnd")
    if (
        evidence.alt_mapping_quality is not None
        and evidence.alt_mapping_quality < settings.min_mapping_quality
    ):
        reasons.append("LowMappingQuality")
    return reasons


def _strand_biased(evidence: SomaticEvidence, settings: SomaticSettings) -> bool:
    forward, reverse = evidence.alt_forward, evidence.alt_reverse
    if forward is None or reverse is None or forward + reverse < settings.strand_min_alt:
        return False
    alt_minor = min(forward, reverse) / (forward + reverse)
    if alt_minor >= settings.strand_min_fraction:
        return False
    ref_f, ref_r = evidence.ref_forward, evidence.ref_reverse
    if ref_f is None or ref_r is None or ref_f + ref_r == 0:
        return True
    return min(ref_f, ref_r) / (ref_f + ref_r) >= 0.2


class SiteSet:
    """Alleles of a VCF (panel of normals, population database) looked up by site.

    Indexed files (`.tbi`/`.csi`) are queried per site; unindexed ones are read whole (fine
    for small files only).
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise InputFileError(f"{self.path}: file not found (check the somatic settings)")
        try:
            self._vcf = pysam.VariantFile(str(self.path))
        except (OSError, ValueError) as exc:
            raise FormatError(f"{self.path}: not a readable VCF/BCF ({exc})") from exc
        self._has_af = "AF" in self._vcf.header.info
        self._memory: dict[tuple[str, int, str, str], float | None] | None = None
        if self._vcf.index is None:
            self._memory = {}
            for record in self._vcf:
                for index, alt in enumerate(record.alts or ()):
                    key = (record.chrom, record.pos, record.ref, alt)
                    self._memory[key] = self._af(record, index)

    def _af(self, record: pysam.VariantRecord, index: int) -> float | None:
        if not self._has_af:
            return None
        value = record.info.get("AF")
        if isinstance(value, tuple):
            value = value[index] if index < len(value) else None
        return float(value) if value is not None else None

    def lookup(self, chrom: str, pos: int, ref: str, alt: str) -> tuple[bool, float | None]:
        """(allele present, its INFO/AF or None)."""
        key = (chrom, pos, ref, alt)
        if self._memory is not None:
            return (key in self._memory, self._memory.get(key))
        if chrom not in self._vcf.header.contigs:
            return (False, None)
        for record in self._vcf.fetch(chrom, pos - 1, pos):
            if record.pos == pos and record.ref == ref and alt in (record.alts or ()):
                return (True, self._af(record, (record.alts or ()).index(alt)))
        return (False, None)


BUNDLED_HOTSPOTS = Path(__file__).parents[1] / "data" / "hotspots" / "residues.tsv"


def read_hotspot_residues(path: str | os.PathLike[str] = BUNDLED_HOTSPOTS) -> dict[str, set[int]]:
    """Hotspot residues per gene from a TSV with columns `gene` and `residue`."""
    source = Path(path)
    if not source.is_file():
        raise InputFileError(f"{source}: file not found (somatic.hotspots)")
    residues: dict[str, set[int]] = {}
    with source.open(encoding="utf-8") as handle:
        header = handle.readline().rstrip("\n").split("\t")
        if header[:2] != ["gene", "residue"]:
            raise FormatError(f"{source}: line 1: header must start with gene, residue")
        for number, line in enumerate(handle, start=2):
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.rstrip("\n").split("\t")
            try:
                residues.setdefault(fields[0], set()).add(int(fields[1]))
            except (IndexError, ValueError):
                raise FormatError(
                    f"{source}: line {number}: need a gene and a residue number"
                ) from None
    return residues


class HotspotIndex:
    """Finds variants that change a cancer hotspot residue (tumour-only germline rescue).

    Each gene with hotspots is represented by its transcript with the longest CDS; a
    substitution counts when it changes the amino acid of a hotspot codon, an insertion or
    deletion when it touches a hotspot codon.
    """

    def __init__(
        self,
        residues: Mapping[str, set[int]],
        transcripts: Mapping[str, Transcript],
        fasta: pysam.FastaFile,
    ) -> None:
        self._fasta = fasta
        best: dict[str, Transcript] = {}
        for transcript in transcripts.values():
            if transcript.gene_name not in residues or not transcript.is_coding:
                continue
            length = sum(e - s + 1 for s, e in transcript.coding_intervals())
            current = best.get(transcript.gene_name)
            if current is None or length > sum(e - s + 1 for s, e in current.coding_intervals()):
                best[transcript.gene_name] = transcript
        # (contig, position) -> (transcript, codon number)
        self._codons: dict[tuple[str, int], tuple[Transcript, int]] = {}
        for gene, transcript in best.items():
            for residue in residues[gene]:
                for offset in range(3):
                    try:
                        position = transcript.genomic_position(3 * (residue - 1) + 1 + offset)
                    except ValueError:
                        break  # residue beyond this transcript's protein
                    self._codons[(transcript.contig, position)] = (transcript, residue)

    @classmethod
    def load(
        cls,
        gtf: str | os.PathLike[str],
        fasta: str | os.PathLike[str],
        residues_path: str | os.PathLike[str] | None = None,
    ) -> HotspotIndex:
        residues = read_hotspot_residues(residues_path or BUNDLED_HOTSPOTS)
        try:
            reference = pysam.FastaFile(str(fasta))
        except (OSError, ValueError) as exc:
            raise InputFileError(f"{fasta}: cannot open as indexed FASTA ({exc})") from exc
        return cls(residues, read_transcripts(gtf), reference)

    def _codon(self, transcript: Transcript, residue: int, changes: dict[int, str]) -> str:
        bases = []
        for offset in range(3):
            position = transcript.genomic_position(3 * (residue - 1) + 1 + offset)
            base = changes.get(
                position, self._fasta.fetch(transcript.contig, position - 1, position).upper()
            )
            bases.append(base)
        codon = "".join(bases)  # in transcript order already: complement, do not reverse
        return reverse_complement(codon)[::-1] if transcript.strand == "-" else codon

    def hit(self, chrom: str, pos: int, ref: str, alt: str) -> str | None:
        """`GENE:residue` when the allele changes a hotspot residue, else None."""
        if len(ref) == len(alt):
            for offset, (r, a) in enumerate(zip(ref, alt, strict=True)):
                found = self._codons.get((chrom, pos + offset))
                if found is None or r == a:
                    continue
                transcript, residue = found
                changes = {pos + i: b for i, b in enumerate(alt) if alt[i] != ref[i]}
                before = translate(self._codon(transcript, residue, {}))
                after = translate(self._codon(transcript, residue, changes))
                if before != after:
                    return f"{transcript.gene_name}:{residue}"
            return None
        # indel: the bases it removes, or the two bases around an insertion
        for position in range(pos, pos + max(len(ref), 2)):
            found = self._codons.get((chrom, position))
            if found is not None:
                return f"{found[0].gene_name}:{found[1]}"
        return None


@dataclass
class ClassificationSummary:
    """What `classify_vcf` did: mode, counts per FILTER, and the settings used."""

    mode: str
    tumour: str
    normal: str | None
    candidates: int = 0
    somatic: int = 0
    filters: Counter[str] = field(default_factory=Counter)
    hotspots: list[str] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    limits: str = ""

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["filters"] = dict(sorted(self.filters.items()))
        return data


def _first(value: Any) -> Any:
    if isinstance(value, tuple):
        return value[0] if value else None
    return value


def _sample_counts(record: pysam.VariantRecord, sample: str) -> tuple[int, int, int]:
    """(ref reads, alt reads, depth) of a biallelic record for one sample."""
    call = record.samples[sample]
    if "AD" in record.format:
        ad = call.get("AD")
    elif "RO" in record.format and "AO" in record.format:
        ad = (call.get("RO"), _first(call.get("AO")))
    else:
        raise FormatError(
            f"{record.chrom}:{record.pos}: no FORMAT/AD (or RO/AO) read counts; call with "
            "allele depths (bcftools mpileup -a AD, freebayes)"
        )
    if ad is None or all(v is None for v in ad):
        ad = (0, 0)  # no read of this sample at the site
    if len(ad) != 2:
        raise FormatError(
            f"{record.chrom}:{record.pos}: {len(ad) - 1} alternate alleles; split multi-allelic "
            "records first (bcftools norm -m -any)"
        )
    ref, alt = int(ad[0]), int(ad[1])
    dp = call.get("DP") if "DP" in record.format else None
    depth = max(ref + alt, int(dp) if dp is not None else 0)
    return ref, alt, depth


def evidence_of(
    record: pysam.VariantRecord,
    tumour: str,
    normal: str | None,
    panel: SiteSet | None = None,
    population: SiteSet | None = None,
    hotspots: HotspotIndex | None = None,
) -> SomaticEvidence:
    """Read counts and artefact fields of a biallelic record."""
    t_ref, t_alt, t_depth = _sample_counts(record, tumour)
    evidence = SomaticEvidence(t_ref, t_alt, t_depth)
    if normal is not None:
        evidence.normal_ref, evidence.normal_alt, evidence.normal_depth = _sample_counts(
            record, normal
        )
    info = record.info
    header = record.header.info

    def number(key: str) -> Any:
        return _first(info.get(key)) if key in header else None

    evidence.alt_forward, evidence.alt_reverse = number("SAF"), number("SAR")
    evidence.ref_forward, evidence.ref_reverse = number("SRF"), number("SRR")
    evidence.end_placement_phred = number("EPP")
    evidence.alt_mapping_quality = number("MQM")
    alt = record.alts[0] if record.alts else "."
    if panel is not None:
        evidence.in_panel_of_normals = panel.lookup(record.chrom, record.pos, record.ref, alt)[0]
    if population is not None:
        found, af = population.lookup(record.chrom, record.pos, record.ref, alt)
        evidence.population_af = af if found else None
    if hotspots is not None and alt not in ("*", "."):
        evidence.hotspot = hotspots.hit(record.chrom, record.pos, record.ref, alt)
    return evidence


def _output_header(
    source: pysam.VariantHeader, samples: list[str], summary: ClassificationSummary
) -> pysam.VariantHeader:
    header = pysam.VariantHeader()
    for record in source.records:
        if record.type == "FILTER" and record.get("ID") != "PASS":
            continue
        if record.type == "FORMAT" and record.get("ID") == "AF":
            continue
        header.add_record(record)
    for name, description in FILTERS.items():
        header.filters.add(name, None, None, description)
    header.formats.add("AF", "A", "Float", "Variant allele fraction of the sample (alt/depth)")
    if "HOTSPOT" not in header.info:
        header.info.add("HOTSPOT", 1, "String", "Cancer hotspot residue changed (GENE:residue)")
    if "AD" not in header.formats:
        header.formats.add("AD", "R", "Integer", "Reads supporting each allele")
    if "DP" not in header.formats:
        header.formats.add("DP", 1, "Integer", "Read depth")
    header.add_line(f"##somaticMode={summary.mode}")
    header.add_line(f"##tumourSample={summary.tumour}")
    if summary.normal:
        header.add_line(f"##normalSample={summary.normal}")
    settings = ",".join(f"{k}={v}" for k, v in summary.settings.items())
    header.add_line(f"##somaticSettings=<{settings}>")
    if summary.mode == "tumour-only":
        header.add_line(f'##tumourOnlyLimits="{TUMOUR_ONLY_LIMITS}"')
    for sample in samples:
        header.add_sample(sample)
    return header


def _copy_record(
    out: pysam.VariantFile,
    record: pysam.VariantRecord,
    samples: list[str],
    tumour: str,
    filters: list[str],
    counts: Mapping[str, tuple[int, int, int]],
) -> pysam.VariantRecord:
    new = out.new_record(
        contig=record.chrom,
        start=record.start,
        stop=record.stop,
        alleles=record.alleles,
        id=record.id,
        qual=record.qual,
        filter=filters or ["PASS"],
    )
    for key, value in record.info.items():
        if key in out.header.info:
            new.info[key] = value
    for sample in samples:
        source, target = record.samples[sample], new.samples[sample]
        ref, alt, depth = counts[sample]
        if sample == tumour:
            target["GT"] = (0, 1) if ref > 0 else (1, 1)
        elif "GT" in record.format:
            target["GT"] = source.get("GT")
        for key in record.format:
            if key in ("GT", "AF") or key not in out.header.formats:
                continue
            value = source.get(key)
            if value is not None and not (isinstance(value, tuple) and None in value):
                target[key] = value
        target["AD"] = (ref, alt)
        target["DP"] = depth
        target["AF"] = round(alt / depth, 4) if depth else 0.0
    return new


def classify_vcf(
    vcf_in: str | os.PathLike[str],
    tumour: str,
    normal: str | None,
    all_out: str | os.PathLike[str],
    somatic_out: str | os.PathLike[str],
    settings: SomaticSettings,
    panel_of_normals: str | os.PathLike[str] | None = None,
    population: str | os.PathLike[str] | None = None,
    hotspots: HotspotIndex | None = None,
) -> ClassificationSummary:
    """Classify every allele of `vcf_in`; write both bgzipped, indexed VCFs atomically.

    `hotspots` (tumour-only): alleles changing a cancer hotspot residue are exempt from the
    germline filter (`settings.protect_hotspots`) and get INFO/HOTSPOT.
    """
    try:
        source = pysam.VariantFile(str(vcf_in))
    except (OSError, ValueError) as exc:
        raise InputFileError(f"{vcf_in}: cannot read as VCF/BCF ({exc})") from exc
    with source:
        available = list(source.header.samples)
        for role, name in (("tumour", tumour), ("normal", normal)):
            if name is not None and name not in available:
                raise UsageError(
                    f"{vcf_in}: {role} sample {name} not in the VCF (samples: "
                    f"{', '.join(available) or 'none'})"
                )
        paired = normal is not None
        summary = ClassificationSummary(
            mode="paired" if paired else "tumour-only",
            tumour=tumour,
            normal=normal,
            settings=asdict(settings),
            limits="" if paired else TUMOUR_ONLY_LIMITS,
        )
        samples = [tumour] + ([normal] if normal else [])
        panel = SiteSet(panel_of_normals) if panel_of_normals else None
        pop = SiteSet(population) if population else None
        header = _output_header(source.header, samples, summary)
        with (
            _AtomicVcf(Path(all_out), header) as all_vcf,
            _AtomicVcf(Path(somatic_out), header) as somatic_vcf,
        ):
            for record in source:
                if not record.alts or record.alts[0] in ("*", "<*>", "."):
                    continue
                evidence = evidence_of(record, tumour, normal, panel, pop, hotspots)
                counts = {tumour: (evidence.tumour_ref, evidence.tumour_alt, evidence.tumour_depth)}
                if normal is not None:
                    counts[normal] = (
                        evidence.normal_ref or 0,
                        evidence.normal_alt or 0,
                        evidence.normal_depth or 0,
                    )
                filters = classify(evidence, settings, paired)
                summary.candidates += 1
                summary.filters.update(filters or ["PASS"])
                new = _copy_record(all_vcf.handle, record, samples, tumour, filters, counts)
                if evidence.hotspot:
                    new.info["HOTSPOT"] = evidence.hotspot
                    summary.hotspots.append(
                        f"{record.chrom}:{record.pos} {record.ref}>{record.alts[0]} "
                        f"{evidence.hotspot} {';'.join(filters) or 'PASS'}"
                    )
                all_vcf.handle.write(new)
                if not filters:
                    somatic_vcf.handle.write(new)
                    summary.somatic += 1
    return summary


class _AtomicVcf:
    """Write a bgzipped VCF to a temporary name, index it, then rename both into place."""

    def __init__(self, path: Path, header: pysam.VariantHeader) -> None:
        self.path = path
        self.header = header
        self.tmp = path.with_name(f".{path.name}.tmp.vcf.gz")
        self.handle: pysam.VariantFile

    def __enter__(self) -> _AtomicVcf:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = pysam.VariantFile(str(self.tmp), "wz", header=self.header)
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self.handle.close()
        index = Path(str(self.tmp) + ".tbi")
        if exc_type is not None:
            for leftover in (self.tmp, index):
                leftover.unlink(missing_ok=True)
            return
        pysam.tabix_index(str(self.tmp), preset="vcf", force=True)
        os.replace(index, str(self.path) + ".tbi")
        os.replace(self.tmp, self.path)


def write_summary(summary: ClassificationSummary, path: str | os.PathLike[str]) -> None:
    write_atomic(path, json.dumps(summary.to_json(), indent=2) + "\n")
