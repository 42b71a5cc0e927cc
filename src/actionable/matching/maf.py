"""Reading MAF files (TCGA/GDC, cBioPortal, vcf2maf) as variant calls.

Required columns: `Chromosome`, `Start_Position`, `Reference_Allele`, `Tumor_Seq_Allele2`,
`Tumor_Sample_Barcode` (plain or gzipped, `#` comment lines before the header). The ALT
allele is `Tumor_Seq_Allele2`, or `Tumor_Seq_Allele1` where Allele2 repeats the reference.

Annotation columns are read when present, as the same fields of VEP's CSQ would be:
`Hugo_Symbol` (gene), `Consequence` (else `Variant_Classification`, mapped to Sequence
Ontology terms), `HGVSp` (else `HGVSp_Short`), `HGVSc`, `Transcript_ID`, `Exon_Number`,
`CANONICAL`, `Protein_position`, `Amino_acids`, `BIOTYPE`, `INTRON`. VAF is
`t_alt_count / t_depth` (or / (`t_ref_count` + `t_alt_count`)); a `FILTER` column other than
PASS or `.` filters the row, as in a VCF.

Positions: MAF writes no anchor base. A deletion starts at its first deleted base
(`Reference_Allele` = the deleted bases, `Tumor_Seq_Allele2` = `-`); an insertion's
`Start_Position` is the base before it (`Reference_Allele` = `-`). With a reference FASTA
each indel becomes the VCF record with its anchor base (and `Reference_Allele` is checked
against the FASTA); without one it is kept in the anchor-free form the knowledge base uses
(empty side `-`, an insertion placed on the base after its anchor), which the matcher looks
up the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from actionable.errors import FormatError, UsageError
from actionable.io.tables import Row, read_table
from actionable.matching.fasta import Reference
from actionable.matching.genome_check import GenomeCheck
from actionable.matching.knowledge import KnowledgeBase, normalise_chrom
from actionable.matching.vcf import AnnotationParser, BurdenTally, ReadStats, VariantCall

REQUIRED: tuple[str, ...] = (
    "Chromosome",
    "Start_Position",
    "Reference_Allele",
    "Tumor_Seq_Allele2",
    "Tumor_Sample_Barcode",
)
#: VEP CSQ field -> the MAF columns that carry it, first present wins
CSQ_COLUMNS: dict[str, tuple[str, ...]] = {
    "SYMBOL": ("Hugo_Symbol", "SYMBOL"),
    "Consequence": ("Consequence",),
    "Feature": ("Transcript_ID", "Feature"),
    "BIOTYPE": ("BIOTYPE",),
    "EXON": ("Exon_Number", "EXON"),
    "INTRON": ("INTRON",),
    "HGVSc": ("HGVSc",),
    "HGVSp": ("HGVSp", "HGVSp_Short"),
    "CANONICAL": ("CANONICAL",),
    "Protein_position": ("Protein_position",),
    "Amino_acids": ("Amino_acids",),
}
OPTIONAL: tuple[str, ...] = (
    "Variant_Classification",
    "Tumor_Seq_Allele1",
    "NCBI_Build",
    "FILTER",
    "t_depth",
    "t_ref_count",
    "t_alt_count",
    *(column for columns in CSQ_COLUMNS.values() for column in columns),
)
#: MAF Variant_Classification -> Sequence Ontology terms (used when `Consequence` is absent;
#: a MAF `Splice_Site` does not say donor or acceptor, and either is a splice-site change)
CLASSIFICATION_TERMS: dict[str, str] = {
    "Missense_Mutation": "missense_variant",
    "Nonsense_Mutation": "stop_gained",
    "Nonstop_Mutation": "stop_lost",
    "Silent": "synonymous_variant",
    "Frame_Shift_Del": "frameshift_variant",
    "Frame_Shift_Ins": "frameshift_variant",
    "In_Frame_Del": "inframe_deletion",
    "In_Frame_Ins": "inframe_insertion",
    "Splice_Site": "splice_donor_variant&splice_acceptor_variant",
    "Splice_Region": "splice_region_variant",
    "Translation_Start_Site": "start_lost",
    "3'UTR": "3_prime_UTR_variant",
    "5'UTR": "5_prime_UTR_variant",
    "3'Flank": "downstream_gene_variant",
    "5'Flank": "upstream_gene_variant",
    "Intron": "intron_variant",
    "IGR": "intergenic_variant",
    "RNA": "non_coding_transcript_exon_variant",
}
_ALLELE = re.compile(r"^([ACGTNacgtn]+|-)$")
_PARSER = AnnotationParser("CSQ", "Format: " + "|".join(CSQ_COLUMNS))


@dataclass(frozen=True)
class MafRow:
    """One MAF line's variant, as written (1-based `Start_Position`, `-` for empty)."""

    lineno: int
    chrom: str
    start: int
    ref: str
    alt: str


def _allele(row: Row, column: str) -> str:
    value = row.values.get(column, "").strip().upper()
    if not _ALLELE.match(value):
        row.fail(column, f"{value!r} is not an allele (A, C, G, T, N or '-')")
    return value


def _variant(row: Row) -> MafRow | None:
    """The row's REF/ALT at its position; None when the tumour alleles are both reference."""
    ref = _allele(row, "Reference_Allele")
    alt = _allele(row, "Tumor_Seq_Allele2")
    if alt == ref and row.values.get("Tumor_Seq_Allele1", "").strip():
        alt = _allele(row, "Tumor_Seq_Allele1")
    if alt == ref:
        return None
    if ref == "-" and alt == "-":
        row.fail("Reference_Allele", "both alleles are '-'")
    start_text = row.values["Start_Position"].strip()
    if not start_text.isdigit() or int(start_text) < 1:
        row.fail("Start_Position", f"{start_text!r} is not a position (integer >= 1)")
    return MafRow(row.lineno, row.text("Chromosome"), int(start_text), ref, alt)


def to_vcf(variant: MafRow, reference: Reference | None, source: str) -> tuple[int, str, str]:
    """(POS, REF, ALT) of a MAF variant: the VCF record with an anchor base when `reference`
    is given, else the knowledge base's anchor-free form (`-` for the empty side)."""
    start, ref, alt = variant.start, variant.ref, variant.alt
    if reference is None:
        return (start + 1, ref, alt) if ref == "-" else (start, ref, alt)
    first = start if ref == "-" else start - 1  # the anchor base's position
    if ref != "-":
        found = reference.sequence(variant.chrom, start, len(ref))
        if found != ref:
            raise FormatError(
                f"{source}:{variant.lineno}: Reference_Allele {ref} at {variant.chrom}:{start} "
                f"is {found or 'outside'} in {reference.path}; is --genome or the FASTA wrong?"
            )
    if ref != "-" and alt != "-":
        return start, ref, alt
    anchor = reference.sequence(variant.chrom, first, 1)
    if not anchor:
        raise FormatError(
            f"{source}:{variant.lineno}: {variant.chrom}:{first} (the anchor base of this "
            f"indel) is not in {reference.path}"
        )
    if ref == "-":
        return first, anchor, anchor + alt
    return first, anchor + ref, anchor


def _first(row: Row, columns: tuple[str, ...]) -> str:
    """The first non-empty value of `columns` in the row ('' if none)."""
    return next((row.values[c].strip() for c in columns if row.values.get(c, "").strip()), "")


def _csq_entry(row: Row) -> str:
    """The row's annotation columns as one VEP CSQ entry (fields in CSQ_COLUMNS order)."""
    values = []
    for field_name, columns in CSQ_COLUMNS.items():
        value = _first(row, columns)
        if field_name == "Consequence":
            value = value.replace(",", "&") or CLASSIFICATION_TERMS.get(
                row.values.get("Variant_Classification", "").strip(), ""
            )
        values.append(value.replace("|", "/"))
    return "|".join(values)


def _vaf(row: Row) -> tuple[float | None, int | None]:
    alt = row.optional_int("t_alt_count")
    depth = row.optional_int("t_depth")
    ref = row.optional_int("t_ref_count")
    total = depth if depth else (ref + alt if ref is not None and alt is not None else None)
    if alt is None or not total:
        return None, depth
    return round(alt / total, 4), depth if depth is not None else total


class MafReader:
    """Opens a MAF, chooses the tumour sample, and yields its variants as calls."""

    def __init__(
        self,
        path: Path,
        genome: str,
        sample: str | None = None,
        include_filtered: bool = False,
        reference: Reference | None = None,
    ) -> None:
        self.path = path
        self.genome = genome
        self.include_filtered = include_filtered
        self.reference = reference
        self._table = read_table(path, REQUIRED, OPTIONAL, "MAF")
        barcodes = sorted({r.values["Tumor_Sample_Barcode"].strip() for r in self._table.rows})
        self.samples = barcodes
        self.sample = self._choose_sample(sample, barcodes)
        self.genome_check = GenomeCheck(path, genome)
        builds = sorted({r.values.get("NCBI_Build", "").strip() for r in self._table.rows} - {""})
        self.genome_check.assembly(
            ("GRCh" + b if b.isdigit() else b for b in builds), "column NCBI_Build says"
        )

    def _choose_sample(self, wanted: str | None, barcodes: list[str]) -> str | None:
        listed = ", ".join(barcodes[:8]) + (", ..." if len(barcodes) > 8 else "")
        if wanted is not None:
            if wanted not in barcodes:
                raise UsageError(
                    f"--sample {wanted!r} is not a Tumor_Sample_Barcode of {self.path} "
                    f"(barcodes: {listed or 'none, no data rows'})"
                )
            return wanted
        if len(barcodes) > 1:
            raise UsageError(
                f"{self.path} holds {len(barcodes)} tumour samples ({listed}); "
                "choose one with --sample TUMOR_SAMPLE_BARCODE"
            )
        return barcodes[0] if barcodes else None

    def calls(
        self,
        kb: KnowledgeBase,
        stats: ReadStats,
        all_indels: bool = False,
        tally: BurdenTally | None = None,
    ) -> Iterator[VariantCall]:
        """The chosen sample's variants that can matter (a knowledge-base gene or position;
        every indel with `all_indels`); with `tally` its PASS rows count towards TMB."""
        stats.sample, stats.samples, stats.annotation = self.sample, self.samples, "MAF"
        genes = kb.genes
        for row in self._table.rows:
            variant = _variant(row)
            if variant is not None and variant.ref != "-":  # every sample's REF is evidence
                self.genome_check.record(kb, variant.chrom, variant.start, variant.ref)
            if row.values["Tumor_Sample_Barcode"].strip() != self.sample:
                continue
            stats.records += 1
            if variant is None:
                continue
            flt = row.values.get("FILTER", "").strip() or "PASS"
            if tally is not None and flt in ("PASS", "."):
                tally.observe(_PARSER.consequences(_csq_entry(row), "", "", 1, 0), _vaf(row)[0])
            gene = _first(row, CSQ_COLUMNS["SYMBOL"])
            known = kb.lookup(
                self.genome, normalise_chrom(variant.chrom), *to_vcf(variant, None, "")
            )
            indel = "-" in (variant.ref, variant.alt) or len(variant.ref) != len(variant.alt)
            if not (gene in genes or known or (all_indels and indel)):
                continue
            stats.candidates += 1
            if flt not in ("PASS", ".") and not self.include_filtered:
                stats.filtered_out += 1
                continue
            pos, ref, alt = to_vcf(variant, self.reference, str(self.path))
            vaf, depth = _vaf(row)
            yield VariantCall(
                chrom=variant.chrom,
                pos=pos,
                ref=ref,
                alt=alt,
                filter=flt,
                genotype=None,
                vaf=vaf,
                depth=depth,
                annotations=tuple(_PARSER.parse(_csq_entry(row), alt, alt, 1, 0, genes)),
            )
