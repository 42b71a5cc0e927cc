"""Write small VCFs genotyped at every definition position of chosen genes.

Every position is written as a ``0/0`` call unless overridden (by GRCh38 position) with
another GT, or skipped (absent from the VCF, i.e. a no-call).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from actionable.pgx.definitions import load_gene

GRCH38 = {
    "chr1": 248956422,
    "chr2": 242193529,
    "chr6": 170805979,
    "chr10": 133797422,
    "chr13": 114364328,
    "chr22": 50818468,
}


def records(
    genes: Iterable[str],
    overrides: Mapping[int, str | Sequence[str]] | None = None,
    skip: Iterable[int] = (),
) -> list[tuple[str, int, str, str, list[str]]]:
    """(chrom, pos, ref, alt, [GT per sample]) for every definition position."""
    overrides = overrides or {}
    skipped = set(skip)
    out = []
    for gene in genes:
        definition = load_gene(gene)
        for variant in definition.variants:
            if variant.position in skipped:
                continue
            gt = overrides.get(variant.position, "0/0")
            gts = [gt] if isinstance(gt, str) else list(gt)
            out.append(
                (definition.chromosome, variant.position, variant.ref, ",".join(variant.alts), gts)
            )
    out.sort(key=lambda r: (r[0], r[1]))
    return out


def write_vcf(
    path: Path,
    genes: Iterable[str] = ("CYP2C19",),
    overrides: Mapping[int, str | Sequence[str]] | None = None,
    skip: Iterable[int] = (),
    samples: Sequence[str] = ("S1",),
    bare_contigs: bool = False,
    contig_lengths: Mapping[str, int] | None = GRCH38,
    extra_lines: Iterable[str] = (),
) -> Path:
    lines = ["##fileformat=VCFv4.2"]
    for chrom, length in (contig_lengths or {}).items():
        name = chrom[3:] if bare_contigs else chrom
        lines.append(f"##contig=<ID={name},length={length}>")
    lines.append('##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">')
    lines.append("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t" + "\t".join(samples))
    for chrom, pos, ref, alt, gts in records(genes, overrides, skip):
        name = chrom[3:] if bare_contigs else chrom
        if len(gts) != len(samples):
            gts = gts * len(samples)
        lines.append(f"{name}\t{pos}\t.\t{ref}\t{alt}\t50\tPASS\t.\tGT\t" + "\t".join(gts))
    lines.extend(extra_lines)
    path.write_text("\n".join(lines) + "\n")
    return path
