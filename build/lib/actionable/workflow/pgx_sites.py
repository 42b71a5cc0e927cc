"""Helpers for the workflow: the bcftools sites file and demo -> GRCh38 VCF remapping.

The workflow genotypes each germline/normal BAM at every allele-defining position::

    bcftools mpileup -f REF -T SITES -a AD,DP BAM | bcftools call -m -C alleles -T SITES

so that a homozygous-reference site comes out as a ``0/0`` call and a site without reads
stays absent (a no-call). ``write_sites`` writes SITES; ``remap_vcf`` moves a VCF called on
the demo genome back to GRCh38 coordinates so ``actionable pgx --genome GRCh38`` can read it.

Positions written: every definition position whose reference and alternative alleles are
single bases (SNVs), for the chosen genes. Positions that cannot be genotyped this way are
skipped and reported in the returned summary:

* indel and repeat definitions, e.g. UGT1A1*28 (rs3064744, the (TA)n promoter repeat; the
  caller uses the documented proxy rs887829, *80, which *is* written), DPYD c.1898delC (*3)
  and c.295_298delTCAT (*7), NUDT15 *2's in-frame duplication (rs746071566) and a handful
  of TPMT and CYP2D6 indels. These positions will be listed as missing in pgx.json;
* with a site map, every position of an unmapped gene (only mapped genes are written).

Site map (TSV, tab-separated, with this exact header)::

    gene  grch38_chrom  grch38_pos  ref  demo_chrom  demo_pos
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from actionable.errors import FormatError, InputFileError
from actionable.io.atomic import atomic_path, write_atomic
from actionable.io.text import open_text
from actionable.pgx.caller import natural_key
from actionable.pgx.definitions import SUPPORTED_GENES, DefinitionVariant, load_gene
from actionable.pgx.genotypes import GRCH38_LENGTHS, canonical_chrom

SITE_MAP_HEADER = ("gene", "grch38_chrom", "grch38_pos", "ref", "demo_chrom", "demo_pos")


@dataclass(frozen=True)
class SiteMapEntry:
    gene: str
    grch38_chrom: str
    grch38_pos: int
    ref: str
    demo_chrom: str
    demo_pos: int


@dataclass
class SitesSummary:
    written: int = 0
    genes: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "GENE chrom:pos rsid: reason"
    ignored_map_rows: int = 0


@dataclass
class RemapSummary:
    kept: int = 0
    dropped: int = 0


def _chrom_key(name: str) -> tuple[tuple[int, int | str], ...]:
    return natural_key(canonical_chrom(name))


def read_site_map(path: Path) -> list[SiteMapEntry]:
    """Parse and validate a site map; REF must agree with the definitions where they overlap."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise InputFileError(f"{path}: site map not found") from exc
    except OSError as exc:
        raise InputFileError(f"{path}: cannot read site map ({exc.strerror or exc})") from exc
    rows = [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
    rows = [(n, line) for n, line in rows if not line.startswith("#")]
    if not rows or tuple(rows[0][1].split("\t")) != SITE_MAP_HEADER:
        raise FormatError(
            f"{path} line {rows[0][0] if rows else 1}: site map header must be the tab-separated "
            f"columns {' '.join(SITE_MAP_HEADER)}"
        )
    definitions = {
        (canonical_chrom(load_gene(g).chromosome), v.position): (g, v)
        for g in SUPPORTED_GENES
        for v in load_gene(g).variants
    }
    entries: list[SiteMapEntry] = []
    seen: set[tuple[str, int]] = set()
    for line_no, line in rows[1:]:
        cols = line.split("\t")
        if len(cols) != len(SITE_MAP_HEADER):
            raise FormatError(f"{path} line {line_no}: {len(cols)} columns, expected 6")
        gene, g_chrom, g_pos, ref, d_chrom, d_pos = (c.strip() for c in cols)
        if not (g_pos.isdigit() and d_pos.isdigit()):
            raise FormatError(f"{path} line {line_no}: positions must be positive integers")
        entry = SiteMapEntry(gene, g_chrom, int(g_pos), ref.upper(), d_chrom, int(d_pos))
        known = definitions.get((canonical_chrom(g_chrom), entry.grch38_pos))
        if known is not None:
            known_gene, variant = known
            if known_gene != gene:
                raise FormatError(
                    f"{path} line {line_no}: {g_chrom}:{g_pos} is a {known_gene} position, "
                    f"not {gene}"
                )
            if variant.ref.upper() != entry.ref:
                raise FormatError(
                    f"{path} line {line_no}: ref {entry.ref} differs from the GRCh38 "
                    f"definition ref {variant.ref} at {g_chrom}:{g_pos}"
                )
        key = (d_chrom, entry.demo_pos)
        if key in seen:
            raise FormatError(f"{path} line {line_no}: {d_chrom}:{d_pos} is mapped twice")
        seen.add(key)
        entries.append(entry)
    return entries


def _snv_sites(genes: Iterable[str]) -> tuple[list[tuple[str, DefinitionVariant]], list[str]]:
    keep: list[tuple[str, DefinitionVariant]] = []
    skipped: list[str] = []
    for gene in genes:
        definition = load_gene(gene)
        for variant in definition.variants:
            where = f"{gene} {variant.chrom}:{variant.position} {variant.rsid or ''}".rstrip()
            if variant.is_snv:
                keep.append((gene, variant))
            elif gene == "UGT1A1" and variant.rsid == "rs3064744":
                skipped.append(f"{where}: TA repeat (*28), genotyped by its proxy rs887829")
            else:
                skipped.append(f"{where}: indel/repeat allele, not genotyped from SNV sites")
    return keep, skipped


def write_sites(
    path: str | Path,
    genes: Sequence[str] | None = None,
    site_map: str | Path | None = None,
    chr_prefix: bool = True,
) -> SitesSummary:
    """Write the bcftools sites file (``CHROM<TAB>POS<TAB>REF,ALT``), sorted.

    GRCh38 contigs are written ``chr10`` (``chr_prefix=True``) or ``10``. With ``site_map``
    the mapped demo coordinates are written instead, for the mapped genes only.
    """
    path = Path(path)
    chosen = tuple(genes) if genes else SUPPORTED_GENES
    sites, skipped = _snv_sites(chosen)
    summary = SitesSummary(skipped=skipped)
    rows: list[tuple[str, int, str]] = []
    if site_map is None:
        for _, variant in sites:
            chrom = variant.chrom if chr_prefix else canonical_chrom(variant.chrom)
            rows.append((chrom, variant.position, ",".join((variant.ref, *variant.alts))))
        summary.genes = sorted({g for g, _ in sites})
    else:
        entries = read_site_map(Path(site_map))
        by_pos = {(canonical_chrom(e.grch38_chrom), e.grch38_pos): e for e in entries}
        mapped_genes: set[str] = set()
        used = 0
        for gene, variant in sites:
            entry = by_pos.get((canonical_chrom(variant.chrom), variant.position))
            if entry is None:
                if gene in {e.gene for e in entries}:
                    summary.skipped.append(
                        f"{gene} {variant.chrom}:{variant.position}: not in the site map"
                    )
                continue
            used += 1
            mapped_genes.add(gene)
            rows.append((entry.demo_chrom, entry.demo_pos, ",".join((variant.ref, *variant.alts))))
        summary.ignored_map_rows = len(entries) - used
        summary.genes = sorted(mapped_genes)
    rows.sort(key=lambda r: (_chrom_key(r[0]), r[1]))
    text = "".join(f"{c}\t{p}\t{a}\n" for c, p, a in rows)
    write_atomic(path, text.encode("utf-8"))
    summary.written = len(rows)
    return summary


def remap_vcf(vcf_in: str | Path, site_map: str | Path, vcf_out: str | Path) -> RemapSummary:
    """Rewrite a demo-coordinate VCF in GRCh38 coordinates using ``site_map``.

    Records at mapped demo positions get the GRCh38 contig and position; all other records
    are dropped. The output is sorted, its ``##contig`` lines are replaced by the GRCh38
    contigs used (with their GRCh38 lengths), and it is bgzip-compressed when ``vcf_out``
    ends in ``.gz``. A record whose REF base disagrees with the map is an error.
    """
    vcf_in, site_map, vcf_out = Path(vcf_in), Path(site_map), Path(vcf_out)
    entries = read_site_map(site_map)
    mapping = {(e.demo_chrom, e.demo_pos): e for e in entries}
    meta: list[str] = []
    header_line: str | None = None
    records: list[tuple[tuple[tuple[int, int | str], ...], int, str]] = []
    summary = RemapSummary()
    targets: set[str] = set()
    try:
        handle = open_text(vcf_in)
    except FileNotFoundError as exc:
        raise InputFileError(f"{vcf_in}: VCF file not found") from exc
    with handle:
        try:
            for line_no, raw in enumerate(handle, 1):
                line = raw.rstrip("\r\n")
                if not line:
                    continue
                if line.startswith("##"):
                    if not line.startswith("##contig="):
                        meta.append(line)
                    continue
                if line.startswith("#"):
                    header_line = line
                    continue
                if header_line is None:
                    raise FormatError(f"{vcf_in} line {line_no}: data line before #CHROM header")
                cols = line.split("\t")
                if len(cols) < 8 or not cols[1].isdigit():
                    raise FormatError(f"{vcf_in} line {line_no}: malformed VCF data line")
                entry = mapping.get((cols[0], int(cols[1])))
                if entry is None:
                    summary.dropped += 1
                    continue
                if cols[3][:1].upper() != entry.ref[:1]:
                    raise FormatError(
                        f"{vcf_in} line {line_no}: REF {cols[3]} at {cols[0]}:{cols[1]} differs "
                        f"from the site map ref {entry.ref}"
                    )
                cols[0], cols[1] = entry.grch38_chrom, str(entry.grch38_pos)
                targets.add(entry.grch38_chrom)
                records.append((_chrom_key(entry.grch38_chrom), entry.grch38_pos, "\t".join(cols)))
                summary.kept += 1
        except (OSError, EOFError, UnicodeDecodeError) as exc:
            raise FormatError(f"{vcf_in}: unreadable VCF ({exc})") from exc
    if header_line is None or not meta or not meta[0].startswith("##fileformat=VCF"):
        raise FormatError(f"{vcf_in}: not a VCF (needs ##fileformat and #CHROM lines)")
    contigs = []
    for chrom in sorted(targets, key=_chrom_key):
        length = GRCH38_LENGTHS.get(canonical_chrom(chrom))
        contigs.append(
            f"##contig=<ID={chrom},length={length},assembly=GRCh38>"
            if length
            else f"##contig=<ID={chrom},assembly=GRCh38>"
        )
    remap_note = f"##actionable_pgx_remap=<SiteMap={site_map.name},Source={vcf_in.name}>"
    records.sort(key=lambda r: (r[0], r[1]))
    body = [meta[0], *contigs, *meta[1:], remap_note, header_line, *(r[2] for r in records)]
    data = ("\n".join(body) + "\n").encode("utf-8")
    if vcf_out.name.endswith(".gz"):
        import pysam

        with atomic_path(vcf_out) as tmp, pysam.BGZFile(str(tmp), "wb") as handle:
            handle.write(data)
    else:
        write_atomic(vcf_out, data)
    return summary
