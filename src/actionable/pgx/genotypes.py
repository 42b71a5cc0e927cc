"""Read one sample's genotypes at the allele-defining positions from a VCF.

Only positions of the gene definitions are looked at. Each definition position ends up
either *called* (two alleles, written in the definition's own allele spelling) or *missing*:
absent from the VCF, ``./.``, a partial or non-diploid genotype, conflicting records, or a
REF allele that disagrees with GRCh38. **Missing is a no-call, never reference.** A
homozygous-reference call must be present in the VCF (forced genotyping at the sites, a gVCF
reference block, or a ``0/0`` record).

Accepted input: plain or bgzipped VCF (a tabix/CSI index is used when present), contigs
named ``chr10`` or ``10``, GRCh38 coordinates. Split multi-allelic records and MNP records
covering a definition position are combined; indels are matched after trimming their
alleles to a minimal representation, so left-normalised calls match the definitions.
"""

from __future__ import annotations

import bisect
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from actionable.errors import FormatError, InputFileError, UsageError
from actionable.io.text import open_text
from actionable.matching.genome_check import BUILD_NAMES, CONTIG_LENGTHS
from actionable.pgx.definitions import DefinitionVariant, GeneDefinition

#: chromosome lengths that tell the two human builds apart, and the names of GRCh37
GRCH37_LENGTHS = CONTIG_LENGTHS["GRCh37"]
GRCH38_LENGTHS = CONTIG_LENGTHS["GRCh38"]
_GRCH37_NAMES = BUILD_NAMES["GRCh37"]
_CONTIG = re.compile(r"^##contig=<(.*)>\s*$")


def canonical_chrom(name: str) -> str:
    """``chr10`` and ``10`` both become ``10``; ``chrM``/``MT`` become ``M``."""
    short = name[3:] if name.lower().startswith("chr") else name
    return "M" if short in ("MT", "M") else short


@dataclass(frozen=True)
class Observation:
    """The genotype of the sample at one definition position."""

    alleles: tuple[str, str] | None
    phased: bool = False
    phase_set: str | None = None
    reason: str | None = None  # why the position is a no-call
    filter: str | None = None

    @property
    def called(self) -> bool:
        return self.alleles is not None

    def display(self) -> str:
        if self.alleles is None:
            return "./."
        return ("|" if self.phased else "/").join(self.alleles)


@dataclass
class VcfHeader:
    path: Path
    contigs: dict[str, int | None]
    samples: list[str]
    meta: list[str]


@dataclass
class SampleGenotypes:
    """Observations keyed by (gene, definition index)."""

    sample: str
    header: VcfHeader
    observations: dict[tuple[str, int], Observation] = field(default_factory=dict)
    ref_mismatches: list[str] = field(default_factory=list)
    chrom_style: str = "chr"

    def observation(self, gene: str, index: int) -> Observation:
        return self.observations.get(
            (gene, index), Observation(alleles=None, reason="position absent from the VCF")
        )


@dataclass
class _Evidence:
    alleles: tuple[str, str] | None
    phased: bool
    phase_set: str | None
    reason: str | None
    filter: str | None
    ref_base: str  # reference allele spelling of the definition


@dataclass
class _Target:
    gene: str
    index: int
    variant: DefinitionVariant


def _parse_contig(line: str) -> tuple[str, int | None] | None:
    match = _CONTIG.match(line)
    if not match:
        return None
    fields: dict[str, str] = {}
    for part in re.split(r",(?=[A-Za-z_]+=)", match.group(1)):
        key, _, value = part.partition("=")
        fields[key.strip()] = value.strip().strip('"')
    if "ID" not in fields:
        return None
    length = fields.get("length")
    return fields["ID"], int(length) if length and length.isdigit() else None


def parse_header(path: Path, lines: Iterable[str]) -> VcfHeader:
    """Parse the header lines (``##...`` and ``#CHROM``); the iterator stops after #CHROM."""
    meta: list[str] = []
    contigs: dict[str, int | None] = {}
    first = True
    for raw in lines:
        line = raw.rstrip("\r\n")
        if first:
            first = False
            if line.startswith("BCF"):
                raise FormatError(
                    f"{path}: BCF input is not supported; convert it with bcftools view -Oz"
                )
            if not line.startswith("#"):
                if not line.strip():
                    raise FormatError(f"{path}: empty file or blank first line, not a VCF")
                raise FormatError(
                    f"{path} line 1: not a VCF (expected ##fileformat=VCFv4.x and header lines)"
                )
        if line.startswith("##"):
            meta.append(line)
            contig = _parse_contig(line)
            if contig:
                contigs[contig[0]] = contig[1]
            continue
        if line.startswith("#CHROM"):
            columns = line.split("\t")
            if columns[:8] != ["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO"]:
                raise FormatError(
                    f"{path} line {len(meta) + 1}: malformed #CHROM header line (expected "
                    "tab-separated #CHROM POS ID REF ALT QUAL FILTER INFO [FORMAT samples])"
                )
            samples = columns[9:] if len(columns) > 9 else []
            return VcfHeader(path=path, contigs=contigs, samples=samples, meta=meta)
        raise FormatError(f"{path} line {len(meta) + 1}: expected a header line starting with #")
    if first:
        raise FormatError(f"{path}: empty file, not a VCF")
    raise FormatError(f"{path}: no #CHROM header line, not a VCF")


def check_build(header: VcfHeader, genome: str) -> None:
    """Refuse anything but GRCh38 (by option, contig lengths or the reference line)."""
    if genome.lower() in ("grch37", "hg19", "b37", "hs37d5"):
        raise UsageError(
            f"--genome {genome}: the allele definitions are GRCh38 positions and GRCh37 input "
            "is not supported; lift over to GRCh38 first (e.g. bcftools +liftover or "
            "CrossMap), then run with --genome GRCh38"
        )
    if genome.lower() not in ("grch38", "hg38"):
        raise UsageError(f"--genome {genome}: unknown genome build; use GRCh38")
    for name, length in header.contigs.items():
        short = canonical_chrom(name)
        if length is not None and GRCH37_LENGTHS.get(short) == length:
            raise FormatError(
                f"{header.path}: contig {name} has length {length}, the GRCh37 length "
                f"(GRCh38: {GRCH38_LENGTHS[short]}); this VCF is GRCh37: lift over to GRCh38 first"
            )
    has_lengths = any(
        canonical_chrom(name) in GRCH38_LENGTHS and length is not None
        for name, length in header.contigs.items()
    )
    if not has_lengths:
        for line in header.meta:
            if line.startswith("##reference") and _GRCH37_NAMES.search(line):
                raise FormatError(
                    f"{header.path}: header names a GRCh37 reference ({line.strip()[:80]}); "
                    "lift over to GRCh38 first"
                )


def select_sample(header: VcfHeader, sample: str | None) -> int:
    """Return the 0-based index of the sample column to use."""
    if not header.samples:
        raise FormatError(
            f"{header.path}: the VCF has no sample (genotype) columns; pgx needs a genotyped "
            "germline VCF"
        )
    if sample is None:
        if len(header.samples) > 1:
            raise UsageError(
                f"{header.path} has {len(header.samples)} samples "
                f"({', '.join(header.samples[:10])}{', ...' if len(header.samples) > 10 else ''}); "
                "choose one with --sample"
            )
        return 0
    if sample not in header.samples:
        raise UsageError(
            f"--sample {sample}: not in {header.path.name}; available: "
            f"{', '.join(header.samples[:20])}{', ...' if len(header.samples) > 20 else ''}"
        )
    return header.samples.index(sample)


def _minimal(ref: str, alt: str) -> tuple[str, str]:
    """Trim shared suffix, then shared prefix (keeping one base), VCF style."""
    while len(ref) > 1 and len(alt) > 1 and ref[-1] == alt[-1]:
        ref, alt = ref[:-1], alt[:-1]
    while len(ref) > 1 and len(alt) > 1 and ref[0] == alt[0]:
        ref, alt = ref[1:], alt[1:]
    return ref, alt


def _is_symbolic(allele: str) -> bool:
    return allele.startswith("<") or allele in ("*", ".") or "[" in allele or "]" in allele


class _Record:
    __slots__ = ("alts", "end", "filter", "format", "info", "line_no", "pos", "ref", "sample")

    def __init__(self, cols: list[str], sample_col: int, line_no: str) -> None:
        self.line_no = line_no
        self.pos = int(cols[1])
        self.ref = cols[3].upper()
        self.alts = [] if cols[4] in (".", "") else [a.upper() for a in cols[4].split(",")]
        self.filter = cols[6]
        self.info = cols[7]
        self.format = cols[8].split(":") if len(cols) > 8 else []
        self.sample = cols[9 + sample_col].split(":") if len(cols) > 9 + sample_col else []
        self.end = self.pos + max(len(self.ref), 1) - 1
        if self.is_block:
            match = re.search(r"(?:^|;)END=(\d+)", self.info)
            if match:
                self.end = max(self.end, int(match.group(1)))

    @property
    def is_block(self) -> bool:
        return all(_is_symbolic(a) for a in self.alts)

    def genotype(self) -> tuple[list[int] | None, bool, str | None, str | None]:
        """(allele indices or None, phased, phase set, reason for a no-call)."""
        if "GT" not in self.format:
            return None, False, None, "record has no GT field"
        gt_index = self.format.index("GT")
        if gt_index >= len(self.sample):
            return None, False, None, "no genotype (./.)"
        gt = self.sample[gt_index]
        parts = re.split(r"[/|]", gt)
        if any(p in (".", "") for p in parts):
            return None, False, None, f"no genotype ({gt})"
        if len(parts) != 2:
            return None, False, None, f"non-diploid genotype ({gt})"
        try:
            indices = [int(p) for p in parts]
        except ValueError as exc:
            raise FormatError(f"{self.line_no}: malformed GT value {gt!r}") from exc
        if any(i < 0 or i > len(self.alts) for i in indices):
            raise FormatError(
                f"{self.line_no}: GT {gt} refers to an allele the record does not have "
                f"(ALT has {len(self.alts)})"
            )
        phase_set = None
        if "PS" in self.format:
            ps_index = self.format.index("PS")
            if ps_index < len(self.sample) and self.sample[ps_index] not in (".", ""):
                phase_set = self.sample[ps_index]
        return indices, "|" in gt, phase_set, None

    def allele(self, index: int) -> str:
        return self.ref if index == 0 else self.alts[index - 1]


def _snv_evidence(record: _Record, variant: DefinitionVariant) -> _Evidence | None:
    offset = variant.position - record.pos
    indices, phased, phase_set, reason = record.genotype()
    if record.is_block and record.ref[:1] and offset >= len(record.ref):
        # gVCF reference block beyond the REF base: the base is the definition's
        ref_here = variant.ref
    elif offset < len(record.ref):
        ref_here = record.ref[offset]
    else:
        return None
    if ref_here != variant.ref:
        return _Evidence(
            None,
            False,
            None,
            f"VCF REF {ref_here} differs from the GRCh38 base {variant.ref}",
            record.filter,
            variant.ref,
        )
    if indices is None:
        return _Evidence(None, False, None, reason, record.filter, variant.ref)
    if record.is_block and any(indices):
        return _Evidence(None, False, None, "symbolic allele call", record.filter, variant.ref)
    bases: list[str] = []
    for i in indices:
        allele = record.allele(i)
        if i == 0:
            bases.append(variant.ref)
        elif _is_symbolic(allele):
            bases.append(allele)
        elif len(allele) == len(record.ref) or offset == 0:
            bases.append(allele[offset] if offset < len(allele) else "-")
        else:
            bases.append("-")  # a deletion spanning the position
    return _Evidence((bases[0], bases[1]), phased, phase_set, None, record.filter, variant.ref)


def _indel_evidence(record: _Record, variant: DefinitionVariant) -> _Evidence | None:
    if record.pos != variant.position:
        return None
    indices, phased, phase_set, reason = record.genotype()
    if record.is_block:
        if indices is not None and any(indices):
            return _Evidence(None, False, None, "symbolic allele call", record.filter, variant.ref)
    elif (
        record.ref == variant.ref
        or len(record.ref) != 1
        or any(len(a) != 1 for a in record.alts if not _is_symbolic(a))
    ):
        pass
    else:
        return None  # a plain SNV record at the anchor base says nothing about the indel
    if record.ref[:1] != variant.ref[:1]:
        return _Evidence(
            None,
            False,
            None,
            f"VCF REF {record.ref} differs from the GRCh38 allele {variant.ref}",
            record.filter,
            variant.ref,
        )
    if indices is None:
        return _Evidence(None, False, None, reason, record.filter, variant.ref)
    wanted = {_minimal(variant.ref, alt): alt for alt in variant.alts}
    out: list[str] = []
    for i in indices:
        allele = record.allele(i)
        if i == 0 or allele == record.ref:
            out.append(variant.ref)
        elif _is_symbolic(allele):
            out.append(allele)
        else:
            out.append(wanted.get(_minimal(record.ref, allele), f"{record.ref}>{allele}"))
    return _Evidence((out[0], out[1]), phased, phase_set, None, record.filter, variant.ref)


def _combine(evidence: list[_Evidence]) -> Observation:
    if not evidence:
        return Observation(alleles=None, reason="position absent from the VCF")
    filters = sorted({e.filter for e in evidence if e.filter not in (None, ".", "PASS")})
    filt = ";".join(filters) if filters else None
    called = [e for e in evidence if e.alleles is not None]
    if not called:
        return Observation(alleles=None, reason=evidence[0].reason, filter=filt)
    if len(called) != len(evidence):
        return Observation(
            alleles=None, reason="conflicting records (one has no genotype)", filter=filt
        )
    if len(called) == 1:
        e = called[0]
        return Observation(e.alleles, e.phased, e.phase_set, None, filt)
    ref = called[0].ref_base
    if all(e.phased for e in called):
        slots: list[str] = []
        for k in (0, 1):
            values = {e.alleles[k] for e in called if e.alleles and e.alleles[k] != ref}
            if len(values) > 1:
                return Observation(alleles=None, reason="conflicting records", filter=filt)
            slots.append(values.pop() if values else ref)
        phase_sets = {e.phase_set for e in called}
        return Observation(
            (slots[0], slots[1]),
            True,
            phase_sets.pop() if len(phase_sets) == 1 else None,
            None,
            filt,
        )
    nonref = [a for e in called if e.alleles for a in e.alleles if a != ref]
    if len(nonref) > 2:
        return Observation(
            alleles=None, reason="conflicting records (more than two alleles)", filter=filt
        )
    alleles = [*nonref, *([ref] * (2 - len(nonref)))]
    return Observation((alleles[0], alleles[1]), False, None, None, filt)


class _Targets:
    """Definition positions indexed by canonical chromosome for overlap lookups."""

    def __init__(self, genes: Iterable[GeneDefinition]) -> None:
        by_chrom: dict[str, list[tuple[int, _Target]]] = {}
        for gene in genes:
            chrom = canonical_chrom(gene.chromosome)
            for i, variant in enumerate(gene.variants):
                by_chrom.setdefault(chrom, []).append(
                    (variant.position, _Target(gene.gene, i, variant))
                )
        self.positions: dict[str, list[int]] = {}
        self.targets: dict[str, list[_Target]] = {}
        for chrom, items in by_chrom.items():
            items.sort(key=lambda t: t[0])
            self.positions[chrom] = [p for p, _ in items]
            self.targets[chrom] = [t for _, t in items]

    def overlapping(self, chrom: str, start: int, end: int) -> list[_Target]:
        positions = self.positions.get(chrom)
        if not positions:
            return []
        lo = bisect.bisect_left(positions, start)
        hi = bisect.bisect_right(positions, end)
        return self.targets[chrom][lo:hi]

    def span(self, chrom: str) -> tuple[int, int]:
        positions = self.positions[chrom]
        return positions[0], positions[-1]


def _data_lines_streaming(
    path: Path, handle: TextIO, first_line_no: int
) -> Iterator[tuple[str, str]]:
    for line_no, raw in enumerate(handle, start=first_line_no):
        line = raw.rstrip("\r\n")
        if not line:
            continue
        yield f"{path} line {line_no}", line


def _index_path(path: Path) -> Path | None:
    for suffix in (".tbi", ".csi"):
        candidate = Path(str(path) + suffix)
        if candidate.exists():
            return candidate
    return None


def _read_indexed(
    path: Path, targets: _Targets
) -> tuple[VcfHeader, Iterator[tuple[str, str]]] | None:
    try:
        import pysam

        tabix = pysam.TabixFile(str(path))
        header = parse_header(path, iter(list(tabix.header)))
        contigs = list(tabix.contigs)
    except (OSError, ValueError):
        return None

    def lines() -> Iterator[tuple[str, str]]:
        try:
            for contig in contigs:
                chrom = canonical_chrom(contig)
                if chrom not in targets.positions:
                    continue
                start, end = targets.span(chrom)
                for line in tabix.fetch(contig, max(start - 1000, 0), end):
                    cols = line.split("\t", 2)
                    where = f"{path} record {contig}:{cols[1] if len(cols) > 1 else '?'}"
                    yield where, line
        finally:
            tabix.close()

    return header, lines()


def read_genotypes(
    path: Path,
    genes: list[GeneDefinition],
    genome: str = "GRCh38",
    sample: str | None = None,
) -> SampleGenotypes:
    """Read the sample's genotypes at every definition position of ``genes``."""
    targets = _Targets(genes)
    indexed = _read_indexed(path, targets) if _index_path(path) else None
    handle: TextIO | None = None
    try:
        if indexed is not None:
            header, lines = indexed
        else:
            try:
                handle = open_text(path, errors="replace")
            except FileNotFoundError as exc:
                raise InputFileError(f"{path}: VCF file not found") from exc
            except OSError as exc:
                raise InputFileError(f"{path}: cannot read VCF ({exc.strerror or exc})") from exc
            header_lines: list[str] = []

            def header_iter() -> Iterator[str]:
                assert handle is not None
                for raw in handle:
                    header_lines.append(raw)
                    yield raw
                    if raw.startswith("#CHROM"):
                        return

            try:
                header = parse_header(path, header_iter())
            except (OSError, EOFError, UnicodeDecodeError, zlib.error) as exc:
                raise FormatError(f"{path}: unreadable VCF ({exc})") from exc
            lines = _data_lines_streaming(path, handle, len(header_lines) + 1)
        check_build(header, genome)
        sample_col = select_sample(header, sample)
        result = SampleGenotypes(sample=header.samples[sample_col], header=header)
        n_columns = 9 + len(header.samples)
        evidence: dict[tuple[str, int], list[_Evidence]] = {}
        chr_names = 0
        bare_names = 0
        try:
            for where, line in lines:
                head = line.split("\t", 2)
                if len(head) < 3 or not head[1].isdigit():
                    raise FormatError(
                        f"{where}: malformed data line (expected tab-separated columns with an "
                        "integer POS)"
                    )
                chrom = canonical_chrom(head[0])
                if chrom not in targets.positions:
                    continue
                if head[0].lower().startswith("chr"):
                    chr_names += 1
                else:
                    bare_names += 1
                cols = line.split("\t")
                if len(cols) != n_columns:
                    raise FormatError(
                        f"{where}: {len(cols)} columns, the header declares {n_columns}"
                    )
                record = _Record(cols, sample_col, where)
                for target in targets.overlapping(chrom, record.pos, record.end):
                    item = (
                        _snv_evidence(record, target.variant)
                        if target.variant.is_snv
                        else _indel_evidence(record, target.variant)
                    )
                    if item is not None:
                        evidence.setdefault((target.gene, target.index), []).append(item)
        except (OSError, EOFError, UnicodeDecodeError, zlib.error) as exc:
            raise FormatError(f"{path}: unreadable VCF ({exc})") from exc
        result.chrom_style = "bare" if bare_names > chr_names else "chr"
        by_gene = {g.gene: g for g in genes}
        for (gene, index), items in evidence.items():
            observation = _combine(items)
            result.observations[(gene, index)] = observation
            if observation.reason and observation.reason.startswith("VCF REF"):
                variant = by_gene[gene].variants[index]
                result.ref_mismatches.append(f"{gene} {variant.chrom}:{variant.position}")
        _check_ref_agreement(path, result, evidence)
        return result
    finally:
        if handle is not None:
            handle.close()


def _check_ref_agreement(
    path: Path, result: SampleGenotypes, evidence: dict[tuple[str, int], list[_Evidence]]
) -> None:
    seen = len(evidence)
    mismatches = len(result.ref_mismatches)
    if mismatches >= 3 and mismatches * 2 > seen:
        raise FormatError(
            f"{path}: REF alleles disagree with GRCh38 at {mismatches} of {seen} definition "
            "positions present; the VCF looks like another build (GRCh37?): lift over to "
            "GRCh38 first"
        )
