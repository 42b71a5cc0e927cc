"""Reading VCF/BCF files: dialects, annotations, samples, allele normalisation.

* plain, bgzipped or BCF input, opened with cyvcf2;
* snpEff `ANN`, legacy snpEff `EFF` and VEP `CSQ` (field order read from the header), or no
  annotation at all;
* multi-allelic records are split into one call per ALT allele;
* contigs with or without `chr`;
* multi-sample files: the tumour column is chosen with `--sample` (or recognised by name);
  its genotype decides whether an ALT is present; its VAF and depth come from whichever
  caller's fields the record has (`actionable.matching.allele_fraction`).

Only records that can matter are parsed in full: the position is near a knowledge-base
coordinate, or the annotation mentions a knowledge-base gene. Everything else costs a few
attribute reads per record.
"""

from __future__ import annotations

import bisect
import contextlib
import ctypes
import gzip
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from actionable.calling.signatures import NONSYNONYMOUS
from actionable.errors import FormatError, InputFileError, UsageError
from actionable.matching.allele_fraction import allele_fraction
from actionable.matching.genome_check import GenomeCheck, header_assemblies, header_contigs
from actionable.matching.hgvs import ProteinChange, normalise_cdna, parse_protein
from actionable.matching.knowledge import KnowledgeBase, normalise_chrom

_SIMPLE_ALLELE = re.compile(r"^[ACGTNacgtn]+$")
_TUMOUR_NAME = re.compile(r"tumou?r|somatic", re.IGNORECASE)
_FORMAT_RE = re.compile(r"Format:\s*'?([^'\"]+)'?", re.IGNORECASE)

#: snpEff / legacy effect names → Sequence Ontology terms used by the matcher.
_CONSEQUENCE_ALIASES = {
    "conservative_inframe_deletion": "inframe_deletion",
    "disruptive_inframe_deletion": "inframe_deletion",
    "conservative_inframe_insertion": "inframe_insertion",
    "disruptive_inframe_insertion": "inframe_insertion",
    "initiator_codon_variant": "start_lost",
    "non_synonymous_coding": "missense_variant",
    "non_synonymous_start": "missense_variant",
    "synonymous_coding": "synonymous_variant",
    "synonymous_stop": "synonymous_variant",
    "stop_gained": "stop_gained",
    "stop_lost": "stop_lost",
    "start_lost": "start_lost",
    "frame_shift": "frameshift_variant",
    "codon_deletion": "inframe_deletion",
    "codon_insertion": "inframe_insertion",
    "codon_change_plus_codon_deletion": "inframe_deletion",
    "codon_change_plus_codon_insertion": "inframe_insertion",
    "codon_change": "coding_sequence_variant",
    "splice_site_donor": "splice_donor_variant",
    "splice_site_acceptor": "splice_acceptor_variant",
    "splice_site_region": "splice_region_variant",
    "exon_deleted": "exon_loss_variant",
    "exon": "non_coding_transcript_exon_variant",
    "intron": "intron_variant",
    "utr_5_prime": "5_prime_UTR_variant",
    "utr_3_prime": "3_prime_UTR_variant",
    "upstream": "upstream_gene_variant",
    "downstream": "downstream_gene_variant",
    "intergenic": "intergenic_variant",
}
#: consequences that place a variant in an exon (their rank is an exon rank)
EXONIC = frozenset(
    {
        "missense_variant",
        "synonymous_variant",
        "stop_gained",
        "stop_lost",
        "stop_retained_variant",
        "start_lost",
        "frameshift_variant",
        "inframe_deletion",
        "inframe_insertion",
        "protein_altering_variant",
        "coding_sequence_variant",
        "exon_loss_variant",
        "5_prime_UTR_variant",
        "3_prime_UTR_variant",
        "non_coding_transcript_exon_variant",
        "incomplete_terminal_codon_variant",
    }
)
INTRONIC = frozenset({"intron_variant", "splice_donor_variant", "splice_acceptor_variant"})


@dataclass(frozen=True)
class Annotation:
    """One transcript-level consequence of one ALT allele."""

    gene: str
    consequences: tuple[str, ...]
    transcript: str
    biotype: str
    exon: int | None
    intron: int | None
    hgvsc: str | None
    hgvsp: str | None
    protein: ProteinChange | None
    protein_pos: int | None
    protein_len: int | None
    flagged_canonical: bool

    @property
    def transcript_base(self) -> str:
        return self.transcript.split(".", 1)[0]


@dataclass(frozen=True)
class VariantCall:
    """One ALT allele of one VCF record, with the chosen sample's evidence."""

    chrom: str
    pos: int
    ref: str
    alt: str
    filter: str
    genotype: str | None
    vaf: float | None
    depth: int | None
    annotations: tuple[Annotation, ...]

    @property
    def norm_chrom(self) -> str:
        return normalise_chrom(self.chrom)


@dataclass
class ReadStats:
    """Counts reported beside the findings."""

    records: int = 0
    candidates: int = 0
    filtered_out: int = 0
    sample: str | None = None
    annotation: str | None = None
    samples: list[str] = field(default_factory=list)


@dataclass
class BurdenTally:
    """TMB from the VCF itself: PASS variants (flagged SOMATIC when the header defines that
    flag) whose consequence changes the protein (`NONSYNONYMOUS`) with a tumour VAF of at
    least `min_vaf` (unknown VAF counts), per `callable_mb` megabases."""

    callable_mb: float
    min_vaf: float = 0.05
    counted: int = 0

    def observe(self, consequences: frozenset[str], vaf: float | None) -> None:
        if consequences & NONSYNONYMOUS and (vaf is None or vaf >= self.min_vaf):
            self.counted += 1

    def per_megabase(self) -> float:
        return round(self.counted / self.callable_mb, 2)

    def method(self) -> str:
        return (
            f"{self.counted} PASS (SOMATIC-flagged where the caller flags) variants of the input "
            "with a protein-changing consequence (missense, stop gained/lost, start lost, "
            "frameshift, in-frame insertion/deletion, protein altering) and tumour VAF >= "
            f"{self.min_vaf:g} or unknown, per {self.callable_mb:g} callable Mb (--callable-mb)"
        )


# ----------------------------------------------------------------------------- helpers


@contextlib.contextmanager
def quiet_htslib() -> Iterator[None]:
    """Silence htslib's warnings on stderr while cyvcf2 reads (errors still raise)."""
    lib = None
    old = None
    try:
        import cyvcf2.cyvcf2 as _ext

        lib = ctypes.CDLL(_ext.__file__)
        old = int(lib.hts_get_log_level())
        lib.hts_set_log_level(0)
    except (OSError, AttributeError, ImportError):
        lib = None
    try:
        yield
    finally:
        if lib is not None and old is not None:
            lib.hts_set_log_level(old)


def _sniff(path: Path) -> str:
    """Check the file is a VCF/BCF before htslib sees it; return 'vcf' or 'bcf'.

    For text VCFs the first data line is checked too: htslib hands back a broken record
    (instead of an error) when the very first record cannot be parsed.
    """
    if not path.exists():
        raise InputFileError(f"{path}: no such file")
    if not path.is_file():
        raise InputFileError(f"{path}: not a regular file")
    try:
        with path.open("rb") as raw:
            gzipped = raw.read(2) == b"\x1f\x8b"
        fh: Any
        with gzip.open(path, "rb") if gzipped else path.open("rb") as fh:
            head = fh.read(64)
            if head.startswith(b"BCF\x02"):
                return "bcf"
            if not head:
                raise FormatError(
                    f"{path}: empty file (expected a VCF starting with ##fileformat=VCF)"
                )
            if not head.startswith(b"##fileformat=VCF"):
                first = head.splitlines()[0][:40].decode("utf-8", "replace")
                raise FormatError(
                    f"{path}: not a VCF (line 1 must be '##fileformat=VCFv4.x'; found {first!r})"
                )
            _check_first_record(path, head + fh.read(1 << 16), fh)
    except PermissionError:
        raise InputFileError(f"{path}: permission denied") from None
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise InputFileError(f"{path}: unreadable gzip data ({exc})") from None
    return "vcf"


def _check_first_record(path: Path, buffer: bytes, fh: Any) -> None:
    """Validate the column header and the first data line of a text VCF."""
    lineno = 0
    seen_header = False
    while True:
        nl = buffer.find(b"\n")
        while nl < 0:
            more = fh.read(1 << 16)
            if not more:
                nl = len(buffer)
                break
            buffer += more
            nl = buffer.find(b"\n")
        line, buffer = buffer[:nl].rstrip(b"\r"), buffer[nl + 1 :]
        lineno += 1
        if line.startswith(b"##"):
            if not buffer and not line:
                break
            continue
        if line.startswith(b"#"):
            cols = line[1:].split(b"\t")
            if [c.upper() for c in cols[:8]] != [
                b"CHROM",
                b"POS",
                b"ID",
                b"REF",
                b"ALT",
                b"QUAL",
                b"FILTER",
                b"INFO",
            ]:
                raise FormatError(
                    f"{path}:{lineno}: malformed column header (expected #CHROM POS ID REF ALT "
                    "QUAL FILTER INFO, tab-separated)"
                )
            seen_header = True
            continue
        if not line:
            if not buffer:
                break
            continue
        if not seen_header:
            raise FormatError(f"{path}:{lineno}: data line before the #CHROM header line")
        fields = line.split(b"\t")
        if len(fields) < 8:
            raise FormatError(
                f"{path}:{lineno}: VCF record has {len(fields)} tab-separated columns, "
                "expected at least 8"
            )
        if not fields[1].isdigit():
            raise FormatError(
                f"{path}:{lineno}: POS {fields[1][:20].decode('utf-8', 'replace')!r} "
                "is not a number"
            )
        if not fields[0] or not fields[3]:
            raise FormatError(f"{path}:{lineno}: empty CHROM or REF column")
        return
    if not seen_header:
        raise FormatError(f"{path}: no #CHROM header line")


def _format_names(description: str) -> list[str]:
    m = _FORMAT_RE.search(description)
    if not m:
        return []
    text = m.group(1)
    if "(" in text:  # legacy EFF: 'Effect ( Effect_Impact | ... )'
        text = text.split("(", 1)[1].rsplit(")", 1)[0]
        text = text.split("[", 1)[0]
    return [t.strip().strip("'\" ") for t in text.split("|")]


def _rank(value: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    head = value.split("/", 1)[0].split("-", 1)[0]
    return int(head) if head.isdigit() else None


def _canon_terms(effects: str) -> tuple[str, ...]:
    out: list[str] = []
    for term in re.split(r"[&+]", effects):
        t = term.strip()
        if not t:
            continue
        t = _CONSEQUENCE_ALIASES.get(t.lower(), t)
        if t not in out:
            out.append(t)
    return tuple(out)


def _split_exon_intron(
    consequences: tuple[str, ...], rank: int | None
) -> tuple[int | None, int | None]:
    if rank is None:
        return None, None
    cons = set(consequences)
    if cons & EXONIC:
        return rank, None
    if cons & INTRONIC:
        return None, rank
    return None, None


def _pos_len(value: str) -> tuple[int | None, int | None]:
    if not value:
        return None, None
    parts = value.split("/")
    pos = parts[0].split("-")[0]
    p = int(pos) if pos.isdigit() else None
    n = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
    return p, n


def vep_allele(ref: str, alts: list[str], alt: str) -> str:
    """The allele string VEP writes in CSQ for `alt` (shared first base stripped, '-' if empty)."""
    if all(a[:1] == ref[:1] for a in alts) and (len(ref) > 1 or any(len(a) > 1 for a in alts)):
        return alt[1:] or "-"
    return alt


# --------------------------------------------------------------------- annotation parsers


class AnnotationParser:
    """Parses one annotation INFO field (ANN, EFF or CSQ) according to its header."""

    def __init__(self, field_name: str, description: str) -> None:
        self.field = field_name
        names = _format_names(description)
        self.names = names
        lower = [n.lower().replace(".", "_").replace(" ", "") for n in names]

        def idx(*candidates: str) -> int | None:
            for c in candidates:
                if c in lower:
                    return lower.index(c)
            return None

        if field_name == "ANN":
            defaults = {
                "allele": 0,
                "effect": 1,
                "gene": 3,
                "feature": 6,
                "biotype": 7,
                "rank": 8,
                "hgvsc": 9,
                "hgvsp": 10,
                "cds": 12,
                "aa": 13,
            }
            self.ix = {
                "allele": idx("allele"),
                "effect": idx("annotation"),
                "gene": idx("gene_name"),
                "feature": idx("feature_id"),
                "biotype": idx("transcript_biotype"),
                "rank": idx("rank"),
                "hgvsc": idx("hgvs_c"),
                "hgvsp": idx("hgvs_p"),
                "cds": idx("cds_pos/cds_length"),
                "aa": idx("aa_pos/aa_length"),
            }
            for key, value in defaults.items():
                if self.ix[key] is None:
                    self.ix[key] = value
        elif field_name == "EFF":
            self.ix = {
                "aa_change": idx("amino_acid_change", "amino_acid_change"),
                "aa_len": idx("amino_acid_length"),
                "gene": idx("gene_name"),
                "biotype": idx("transcript_biotype", "gene_biotype"),
                "feature": idx("transcript_id", "transcript"),
                "rank": idx("exon_rank", "exon"),
                "gt": idx("genotype_number", "genotypenum"),
            }
            if self.ix["gene"] is None:
                self.ix["gene"] = 5 if self.ix["aa_len"] is not None else 4
            if self.ix["aa_change"] is None:
                self.ix["aa_change"] = 3
        else:  # CSQ
            self.ix = {
                "allele": idx("allele"),
                "effect": idx("consequence"),
                "gene": idx("symbol"),
                "feature": idx("feature"),
                "biotype": idx("biotype"),
                "exon": idx("exon"),
                "intron": idx("intron"),
                "hgvsc": idx("hgvsc"),
                "hgvsp": idx("hgvsp"),
                "canonical": idx("canonical"),
                "mane": idx("mane_select", "mane"),
                "protein_pos": idx("protein_position"),
                "amino_acids": idx("amino_acids"),
                "pick": idx("pick"),
            }
            if self.ix["gene"] is None:
                self.ix["gene"] = idx("gene")
            if self.ix["effect"] is None or self.ix["gene"] is None:
                raise FormatError(
                    "CSQ header lacks Consequence/SYMBOL fields; cannot read VEP annotation"
                )
        gene_ix = self.ix["gene"]
        assert gene_ix is not None
        self.gene_ix: int = gene_ix

    def mentions(self, value: str, genes: frozenset[str]) -> bool:
        """Cheap test: does any annotation entry name one of `genes`?"""
        gi = self.gene_ix
        for entry in value.split(","):
            parts = entry.split("|", gi + 1)
            if len(parts) > gi and parts[gi] in genes:
                return True
        return False

    def consequences(
        self, value: str, alt: str, vep_alt: str, n_alts: int, alt_index: int
    ) -> frozenset[str]:
        """Sequence Ontology terms of every entry for this ALT allele, any gene."""
        terms: set[str] = set()
        for entry in value.split(","):
            if self.field == "EFF":
                if "(" not in entry:
                    continue
                effect, inner = entry.split("(", 1)
                gt = self._get(inner.split("|"), self.ix["gt"])
                if n_alts > 1 and gt.isdigit() and int(gt) != alt_index + 1:
                    continue
            else:
                parts = entry.split("|")
                allele = self._get(parts, self.ix["allele"])
                if n_alts > 1 and allele and allele not in (alt, vep_alt):
                    continue
                effect = self._get(parts, self.ix["effect"])
            terms.update(_canon_terms(effect))
        return frozenset(terms)

    def parse(
        self, value: str, alt: str, vep_alt: str, n_alts: int, alt_index: int, genes: frozenset[str]
    ) -> list[Annotation]:
        out: list[Annotation] = []
        for entry in value.split(","):
            if self.field == "EFF":
                ann = self._parse_eff(entry, n_alts, alt_index, genes)
            else:
                ann = self._parse_ann_csq(entry, alt, vep_alt, n_alts, genes)
            if ann is not None:
                out.append(ann)
        return out

    @staticmethod
    def _get(parts: list[str], i: int | None) -> str:
        if i is None or i >= len(parts):
            return ""
        return parts[i]

    def _parse_ann_csq(
        self, entry: str, alt: str, vep_alt: str, n_alts: int, genes: frozenset[str]
    ) -> Annotation | None:
        parts = entry.split("|")
        g = self._get
        gene = g(parts, self.ix["gene"])
        if gene not in genes:
            return None
        allele = g(parts, self.ix["allele"])
        if n_alts > 1 and allele and allele not in (alt, vep_alt):
            return None
        consequences = _canon_terms(g(parts, self.ix["effect"]))
        hgvsc = normalise_cdna(g(parts, self.ix["hgvsc"]))
        hgvsp_raw = g(parts, self.ix["hgvsp"])
        hgvsp = hgvsp_raw.rsplit(":", 1)[-1] if hgvsp_raw else None
        protein = parse_protein(hgvsp_raw) if hgvsp_raw else None
        protein_pos: int | None
        protein_len: int | None = None
        flagged = False
        if self.field == "ANN":
            exon, intron = _split_exon_intron(consequences, _rank(g(parts, self.ix["rank"])))
            protein_pos, protein_len = _pos_len(g(parts, self.ix["aa"]))
        else:
            exon = _rank(g(parts, self.ix["exon"]))
            intron = _rank(g(parts, self.ix["intron"]))
            protein_pos, _ = _pos_len(g(parts, self.ix["protein_pos"]))
            flagged = g(parts, self.ix["canonical"]) == "YES" or bool(g(parts, self.ix["mane"]))
            if protein is None:
                protein = _protein_from_csq(
                    g(parts, self.ix["amino_acids"]), protein_pos, consequences
                )
        if protein is not None and protein_pos is None:
            protein_pos = protein.start
        return Annotation(
            gene=gene,
            consequences=consequences,
            transcript=g(parts, self.ix["feature"]),
            biotype=g(parts, self.ix["biotype"]),
            exon=exon,
            intron=intron,
            hgvsc=hgvsc,
            hgvsp=hgvsp or (f"p.{protein.short}" if protein is not None else None),
            protein=protein,
            protein_pos=protein_pos,
            protein_len=protein_len,
            flagged_canonical=flagged,
        )

    def _parse_eff(
        self, entry: str, n_alts: int, alt_index: int, genes: frozenset[str]
    ) -> Annotation | None:
        if "(" not in entry:
            return None
        effect, inner = entry.split("(", 1)
        inner = inner.rsplit(")", 1)[0]
        parts = inner.split("|")
        g = self._get
        gene = g(parts, self.ix["gene"])
        if gene not in genes:
            return None
        gt = g(parts, self.ix["gt"])
        if n_alts > 1 and gt.isdigit() and int(gt) != alt_index + 1:
            return None
        consequences = _canon_terms(effect)
        aa = g(parts, self.ix["aa_change"])
        hgvsp_text, hgvsc_text = aa, ""
        if "/" in aa:
            hgvsp_text, hgvsc_text = aa.split("/", 1)
        protein = parse_protein(hgvsp_text)
        length = g(parts, self.ix["aa_len"])
        exon, intron = _split_exon_intron(consequences, _rank(g(parts, self.ix["rank"])))
        return Annotation(
            gene=gene,
            consequences=consequences,
            transcript=g(parts, self.ix["feature"]),
            biotype=g(parts, self.ix["biotype"]),
            exon=exon,
            intron=intron,
            hgvsc=normalise_cdna(hgvsc_text),
            hgvsp=(hgvsp_text if hgvsp_text.startswith("p.") else f"p.{hgvsp_text}")
            if protein is not None
            else None,
            protein=protein,
            protein_pos=protein.start if protein is not None else None,
            protein_len=int(length) if length.isdigit() else None,
            flagged_canonical=False,
        )


def _protein_from_csq(
    amino_acids: str, pos: int | None, consequences: tuple[str, ...]
) -> ProteinChange | None:
    """Protein change from VEP's Amino_acids/Protein_position when HGVSp is absent."""
    if pos is None or not amino_acids:
        return None
    if "/" not in amino_acids:
        if "synonymous_variant" in consequences and len(amino_acids) == 1:
            return parse_protein(f"{amino_acids}{pos}=")
        return None
    ref, alt = amino_acids.split("/", 1)
    if len(ref) == 1 and len(alt) == 1:
        return parse_protein(f"{ref}{pos}{alt}")
    return None


# ----------------------------------------------------------------------------- reader


class VcfReader:
    """Opens a VCF/BCF, checks it, and yields candidate calls for matching."""

    def __init__(
        self,
        path: Path,
        genome: str,
        sample: str | None = None,
        include_filtered: bool = False,
    ) -> None:
        from cyvcf2 import VCF

        self.path = path
        self.genome = genome
        self.include_filtered = include_filtered
        _sniff(path)
        with quiet_htslib():
            try:
                self._vcf = VCF(str(path), gts012=False)
            except OSError as exc:
                raise FormatError(f"{path}: not a valid VCF/BCF ({exc})") from None
            except Exception as exc:  # cyvcf2 raises bare Exception for header errors
                raise FormatError(f"{path}: unreadable VCF header ({exc})") from None
        self.samples: list[str] = list(self._vcf.samples)
        self.sample, self.sample_index = self._choose_sample(sample)
        raw = self._vcf.raw_header
        self.genome_check = GenomeCheck(path, genome)
        self.genome_check.contigs(header_contigs(raw))
        self.genome_check.assembly(header_assemblies(raw))
        self.parser = self._annotation_parser()
        self._somatic_flag = "##INFO=<ID=SOMATIC," in raw

    # -- header ---------------------------------------------------------------------

    def _choose_sample(self, wanted: str | None) -> tuple[str | None, int | None]:
        samples = self.samples
        if wanted is not None:
            if wanted in samples:
                return wanted, samples.index(wanted)
            listed = ", ".join(samples[:8]) + (", ..." if len(samples) > 8 else "")
            raise UsageError(
                f"--sample {wanted!r} is not a sample of {self.path} "
                f"(samples: {listed or 'none, sites-only VCF'})"
            )
        if not samples:
            return None, None
        if len(samples) == 1:
            return samples[0], 0
        tumour = [s for s in samples if _TUMOUR_NAME.search(s)]
        if len(tumour) == 1:
            return tumour[0], samples.index(tumour[0])
        listed = ", ".join(samples[:8]) + (", ..." if len(samples) > 8 else "")
        raise UsageError(
            f"{self.path} has {len(samples)} samples ({listed}); "
            "choose the tumour column with --sample NAME"
        )

    def _annotation_parser(self) -> AnnotationParser | None:
        for name in ("ANN", "CSQ", "EFF"):
            try:
                hdr = self._vcf.get_header_type(name)
            except KeyError:
                continue
            desc = str(hdr.get("Description", ""))
            return AnnotationParser(name, desc)
        return None

    # -- records --------------------------------------------------------------------

    def calls(
        self,
        kb: KnowledgeBase,
        stats: ReadStats,
        all_indels: bool = False,
        tally: BurdenTally | None = None,
    ) -> Iterator[VariantCall]:
        """Yield calls worth matching: near a KB coordinate or annotated with a KB gene.

        With `all_indels` (used when indels are left-aligned against a reference, which can
        move them far from where the VCF put them) every indel record is a candidate too.
        With `tally`, every record is also counted towards TMB.
        """
        if tally is not None and self.parser is None:
            raise FormatError(
                f"{self.path}: no snpEff ANN/EFF or VEP CSQ annotation; --tmb-from-vcf needs "
                "the consequence of every variant (annotate the VCF first)"
            )
        positions = kb.positions(self.genome)
        genes = kb.genes
        parser = self.parser
        field_name = parser.field if parser is not None else None
        chrom_cache: dict[str, list[int] | None] = {}
        check = self.genome_check
        bisect_left = bisect.bisect_left
        stats.sample = self.sample
        stats.samples = self.samples
        stats.annotation = field_name
        n = 0
        record = None
        iterator = iter(self._vcf)
        with quiet_htslib():
            try:
                while True:
                    try:
                        record = next(iterator)
                    except StopIteration:
                        break
                    except Exception:  # cyvcf2 raises a bare Exception on bad records
                        where = (
                            f" (after {record.CHROM}:{record.POS})" if record is not None else ""
                        )
                        raise FormatError(
                            f"{self.path}: malformed VCF record {n + 1}{where}: htslib could not "
                            "parse it (check its tab-separated columns)"
                        ) from None
                    n += 1
                    chrom = record.CHROM
                    if not check.decided:
                        check.record(kb, chrom, record.POS, record.REF)
                    plist = chrom_cache.get(chrom, 0)
                    if plist == 0:
                        plist = positions.get(normalise_chrom(chrom))
                        chrom_cache[chrom] = plist
                    hit = False
                    if plist:
                        i = bisect_left(plist, record.POS)
                        hit = i < len(plist) and plist[i] <= record.end + 1
                    ann_value = None
                    if field_name is not None:
                        ann_value = record.INFO.get(field_name)
                        if (
                            not hit
                            and isinstance(ann_value, str)
                            and parser is not None
                            and parser.mentions(ann_value, genes)
                        ):
                            hit = True
                    if tally is not None:
                        self._tally(record, ann_value, tally)
                    if not hit and all_indels:
                        ref_len = len(record.REF)
                        hit = any(len(a) != ref_len for a in record.ALT)
                    if not hit:
                        continue
                    stats.candidates += 1
                    flt = record.FILTER
                    if flt is not None and flt != "PASS" and not self.include_filtered:
                        stats.filtered_out += 1
                        continue
                    yield from self._split(record, ann_value, genes, flt)
            finally:
                stats.records = n

    def _carried(self, v: Any) -> Iterator[tuple[int, str, float | None, int | None, str | None]]:
        """(index, ALT, VAF, depth, GT) of each simple ALT allele the chosen sample carries
        (every ALT of a sites-only file); `v` is a cyvcf2.Variant."""
        ref: str = v.REF
        alts: list[str] = list(v.ALT)
        si = self.sample_index
        gt_alleles: list[int] | None = None
        gt_text: str | None = None
        if si is not None and "GT" in (v.FORMAT or []):
            gt = v.genotypes[si]
            gt_alleles = [a for a in gt[:-1]]
            sep = "|" if gt[-1] else "/"
            gt_text = sep.join("." if a < 0 else str(a) for a in gt_alleles)
        for ai, alt in enumerate(alts):
            if not _SIMPLE_ALLELE.match(alt) or not _SIMPLE_ALLELE.match(ref):
                continue
            vaf, depth = allele_fraction(v, si, ai, len(alts))
            if gt_alleles is not None:
                called = [a for a in gt_alleles if a >= 0]
                if called and (ai + 1) not in called:
                    continue
                if not called and not (vaf is not None and vaf > 0):
                    continue
            yield ai, alt, vaf, depth, gt_text

    def _split(
        self, record: Any, ann_value: object, genes: frozenset[str], flt: str | None
    ) -> Iterator[VariantCall]:
        v = record  # a cyvcf2.Variant (the library ships no type information)
        alts: list[str] = list(v.ALT)
        for ai, alt, vaf, depth, gt_text in self._carried(v):
            annotations: tuple[Annotation, ...] = ()
            if self.parser is not None and isinstance(ann_value, str):
                annotations = tuple(
                    self.parser.parse(
                        ann_value, alt, vep_allele(v.REF, alts, alt), len(alts), ai, genes
                    )
                )
            yield VariantCall(
                chrom=v.CHROM,
                pos=v.POS,
                ref=v.REF,
                alt=alt,
                filter=flt or "PASS",
                genotype=gt_text,
                vaf=vaf,
                depth=depth,
                annotations=annotations,
            )

    def _tally(self, v: Any, ann_value: object, tally: BurdenTally) -> None:
        """Count the record's carried ALT alleles towards TMB (PASS records only)."""
        if v.FILTER not in (None, "PASS") or self.parser is None or not isinstance(ann_value, str):
            return
        if self._somatic_flag and not v.INFO.get("SOMATIC"):
            return  # VarScan and Strelka flag their somatic calls; the others are germline
        alts: list[str] = list(v.ALT)
        for ai, alt, vaf, _, _ in self._carried(v):
            terms = self.parser.consequences(
                ann_value, alt, vep_allele(v.REF, alts, alt), len(alts), ai
            )
            tally.observe(terms, vaf)
