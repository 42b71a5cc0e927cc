"""Generate every file of `resources/demo/` and check what was written.

Outputs (all deterministic for a given seed): genome.fa, genes.gtf, genes.bed,
microsatellites.bed, pgx_sites.tsv, truth.germline.vcf.gz (+ .tbi) and
reads/DEMO_G1_L00{1,2}_R{1,2}.fastq.gz; for the tumour/normal patient DEMO_P2
(`tools.demo.tumour`) truth.germline.DEMO_P2.vcf.gz, truth.somatic.vcf.gz (+ .tbi),
truth.fusions.tsv, truth.cna.tsv and reads/DEMO_P2_{T,N}_L001_R{1,2}.fastq.gz.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from actionable.calling.gtf import (
    cds_sequence,
    read_fasta,
    read_transcripts,
    reverse_complement,
    write_snpeff_check_files,
)
from actionable.io.atomic import atomic_path
from tools.demo import tumour
from tools.demo.genes import GENE_SPECS, SPECS_BY_NAME
from tools.demo.genome import (
    DemoGenome,
    GeneModel,
    build_genome,
    check_gene,
    gc_fraction,
    translate,
    write_fasta,
    write_genes_bed,
    write_gtf,
    write_microsatellites_bed,
)
from tools.demo.reads import (
    NOVASEQ_BINS,
    ReadModel,
    Template,
    diploid_templates,
    population_templates,
    simulate_sample,
)
from tools.demo.variants import (
    SAMPLE,
    PgxSite,
    TruthVariant,
    haplotype_sequence,
    make_truth,
    place_pgx_sites,
    read_pgx_definitions,
    vcf_text,
    write_pgx_sites,
)

SEED = 1729
READS_SEED = 4104
COVERAGE = 40.0
LANES = ("L001", "L002")
TUMOUR_SEED = 2718
NORMAL_READS_SEED = 5050
TUMOUR_READS_SEED = 15050
PATIENT_LANES = ("L001",)
# GRCh38 CYP2C19 definition positions pinned to their real demo coding/promoter position (c.)
CYP2C19_ANCHORS = {94761900: -806, 94780653: 636, 94781859: 681}


@dataclass
class Summary:
    """What was generated, for the command-line report."""

    files: dict[str, int] = field(default_factory=dict)  # relative path -> bytes
    contigs: int = 0
    genome_bp: int = 0
    gc: float = 0.0
    snvs: int = 0
    indels: int = 0
    het: int = 0
    hom: int = 0
    read_pairs: dict[str, int] = field(default_factory=dict)  # "<sample> <lane>" -> pairs
    somatic_snvs: int = 0
    somatic_indels: int = 0
    patient_germline: int = 0
    fusions: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def genomic_of_c(model: GeneModel, c: int) -> int:
    """Genomic position of c.N, including c.-N upstream of the ATG (no 5'UTR intron)."""
    transcript = model.transcript
    if c >= 1:
        return transcript.genomic_position(c)
    atg = transcript.genomic_position(1)
    return atg + c if transcript.strand == "+" else atg - c


def _atomic(path: Path, write: Callable[[Path], None]) -> None:
    """Call `write(tmp)` on a temporary path beside `path`, then rename it into place."""
    with atomic_path(path) as tmp:
        write(tmp)


def write_truth_vcf(genome: DemoGenome, truth: list[TruthVariant], path: Path) -> None:
    """bgzip-compressed, tabix-indexed truth VCF (`path` ends with .vcf.gz)."""
    write_vcf_gz(vcf_text(genome, truth, "genome.fa"), path)


def write_vcf_gz(text: str, path: Path) -> None:
    """bgzip-compress and tabix-index VCF text into `path` (and `path`.tbi)."""
    import pysam

    tmp_dir = Path(tempfile.mkdtemp(prefix=".truth.", dir=path.parent))
    try:
        plain = tmp_dir / "truth.vcf"
        plain.write_text(text, encoding="ascii")
        packed = tmp_dir / "truth.vcf.gz"
        pysam.tabix_compress(str(plain), str(packed), force=True)
        pysam.tabix_index(str(packed), preset="vcf", force=True)
        os.replace(packed, path)
        os.replace(str(packed) + ".tbi", str(path) + ".tbi")
    finally:
        for leftover in tmp_dir.iterdir():
            leftover.unlink()
        tmp_dir.rmdir()


def generate(
    outdir: Path,
    pgx_definitions: Path,
    with_reads: bool = True,
    seed: int = SEED,
    with_tumour: bool = True,
) -> Summary:
    """Build the demo genome, truth and reads into `outdir` and check the files written."""
    summary = Summary()
    genome = build_genome(GENE_SPECS, seed)
    cyp = genome.gene("CYP2C19")
    anchors = {grch38: genomic_of_c(cyp, c) for grch38, c in CYP2C19_ANCHORS.items()}
    sites = place_pgx_sites(cyp, read_pgx_definitions(pgx_definitions), anchors)
    for model in genome.genes:
        summary.problems += check_gene(model)
    if summary.problems:
        details = "\n".join(summary.problems)
        raise ValueError(f"demo genome does not match its specification:\n{details}")
    truth = make_truth(genome, sites, seed)

    outdir.mkdir(parents=True, exist_ok=True)
    _atomic(outdir / "genome.fa", lambda p: write_fasta(genome, p))
    _atomic(outdir / "genes.gtf", lambda p: write_gtf(genome, p))
    _atomic(outdir / "genes.bed", lambda p: write_genes_bed(genome, p))
    _atomic(outdir / "microsatellites.bed", lambda p: write_microsatellites_bed(genome, p))
    _atomic(outdir / "pgx_sites.tsv", lambda p: write_pgx_sites(sites, p))
    write_truth_vcf(genome, truth, outdir / "truth.germline.vcf.gz")

    if with_reads:
        haplotypes = {
            model.name: (
                haplotype_sequence(model.sequence, [v for v in truth if v.contig == model.name], 0),
                haplotype_sequence(model.sequence, [v for v in truth if v.contig == model.name], 1),
            )
            for model in genome.genes
        }
        templates: list[Template] = diploid_templates(haplotypes, COVERAGE)
        written = simulate_sample(templates, SAMPLE, LANES, outdir / "reads", READS_SEED)
        summary.read_pairs = {f"{SAMPLE} {lane}": n for lane, (_, _, n) in written.items()}

    if with_tumour:
        generate_patient(outdir, genome, sites, truth, summary, with_reads)

    summary.problems += verify_outputs(outdir)
    summary.contigs = len(genome.genes)
    summary.genome_bp = sum(len(m.sequence) for m in genome.genes)
    summary.gc = gc_fraction(m.sequence for m in genome.genes)
    summary.snvs = sum(v.is_snv for v in truth)
    summary.indels = sum(not v.is_snv for v in truth)
    summary.het = sum(v.genotype[0] != v.genotype[1] for v in truth)
    summary.hom = sum(v.genotype == (1, 1) for v in truth)
    for path in sorted(outdir.rglob("*")):
        if path.is_file() and not path.name.startswith("."):
            summary.files[str(path.relative_to(outdir))] = path.stat().st_size
    return summary


def generate_patient(
    outdir: Path,
    genome: DemoGenome,
    sites: list[PgxSite],
    truth: list[TruthVariant],
    summary: Summary,
    with_reads: bool = True,
) -> tumour.TumourDesign:
    """Truth files and reads of the tumour/normal patient DEMO_P2."""
    design = tumour.design_tumour(genome, sites, truth, TUMOUR_SEED)
    cds = {model.name: cds_of_model(model) for model in genome.genes}
    summary.problems += tumour.check_design(genome, design, cds)
    germline_text = vcf_text(
        genome,
        design.germline,
        "genome.fa",
        sample=tumour.PATIENT,
        description=f"germline truth of patient {tumour.PATIENT}: a subset of DEMO_G1, seeded",
    )
    write_vcf_gz(germline_text, outdir / f"truth.germline.{tumour.PATIENT}.vcf.gz")
    write_vcf_gz(
        tumour.somatic_vcf_text(genome, design, "genome.fa"), outdir / "truth.somatic.vcf.gz"
    )
    fusions_text = tumour.fusion_truth_text(design)
    _atomic(outdir / "truth.fusions.tsv", lambda p: p.write_text(fusions_text, encoding="ascii"))
    cna_text = tumour.cna_tsv_text(genome, design)
    _atomic(outdir / "truth.cna.tsv", lambda p: p.write_text(cna_text, encoding="ascii"))
    summary.somatic_snvs = sum(v.is_snv for v in design.somatic)
    summary.somatic_indels = sum(not v.is_snv for v in design.somatic)
    summary.patient_germline = len(design.germline)
    summary.fusions = [f"{f.gene5p}::{f.gene3p} {f.pos5p}/{f.pos3p}" for f in design.fusions]
    if with_reads:
        model = ReadModel(quality_bins=NOVASEQ_BINS)
        for sample, populations, depth, seed in (
            (
                tumour.NORMAL_SAMPLE,
                tumour.normal_populations(genome, design),
                tumour.NORMAL_DEPTH,
                NORMAL_READS_SEED,
            ),
            (
                tumour.TUMOUR_SAMPLE,
                tumour.tumour_populations(genome, design),
                tumour.TUMOUR_DEPTH,
                TUMOUR_READS_SEED,
            ),
        ):
            templates = population_templates(populations, depth / 2)
            written = simulate_sample(
                templates, sample, PATIENT_LANES, outdir / "reads", seed, model=model
            )
            for lane, (_, _, pairs) in written.items():
                summary.read_pairs[f"{sample} {lane}"] = pairs
    return design


def cds_of_model(model: GeneModel) -> str:
    """Coding sequence (with the stop codon) of a built gene, on the transcript strand."""
    pieces = [model.sequence[s - 1 : e] for s, e in model.transcript.coding_intervals()]
    if model.transcript.strand == "-":  # intervals are in transcript order already
        pieces = [reverse_complement(piece) for piece in pieces]
    return "".join(pieces)


def verify_outputs(outdir: Path) -> list[str]:
    """Re-read the written FASTA/GTF/truth and check them against the gene specifications."""
    problems: list[str] = []
    fasta = read_fasta(outdir / "genome.fa")
    transcripts = read_transcripts(outdir / "genes.gtf")
    if list(fasta) != [spec.name for spec in GENE_SPECS]:
        problems.append(f"FASTA contigs {list(fasta)} are not the gene names in order")
    for spec in GENE_SPECS:
        transcript = transcripts.get(spec.transcript_id)
        if transcript is None:
            problems.append(f"{spec.transcript_id} missing from genes.gtf")
            continue
        if (transcript.contig, transcript.strand, transcript.gene_name) != (
            spec.name,
            spec.strand,
            spec.name,
        ):
            problems.append(f"{spec.transcript_id}: wrong contig, strand or gene name")
        if len(transcript.exons) != spec.n_exons:
            problems.append(f"{spec.transcript_id}: {len(transcript.exons)} exons")
        cds = cds_sequence(transcript, fasta)
        protein = translate(cds)
        if len(protein) != spec.protein_length + 1 or "*" in protein[:-1] or protein[-1] != "*":
            problems.append(f"{spec.transcript_id}: CDS does not translate to the protein")
        for number, codon in spec.fixed_codons.items():
            if cds[3 * number - 3 : 3 * number] != codon:
                problems.append(f"{spec.transcript_id}: codon {number} is not {codon}")
        for number, (first, last) in spec.exon_anchors.items():
            for c in (first, last):
                if transcript.exon_number(transcript.genomic_position(c)) != number:
                    problems.append(f"{spec.transcript_id}: c.{c} is not in exon {number}")
    with tempfile.TemporaryDirectory() as tmp:
        checks = write_snpeff_check_files(
            outdir / "genome.fa", outdir / "genes.gtf", Path(tmp) / "cds.fa", Path(tmp) / "p.fa"
        )
    problems += [f"{tid}: {why}" for tid, why in checks.incomplete.items()]
    import pysam

    truth_files = ["truth.germline.vcf.gz", f"truth.germline.{tumour.PATIENT}.vcf.gz"]
    truth_files.append("truth.somatic.vcf.gz")
    for name in truth_files:
        if not (outdir / name).exists() and name != truth_files[0]:
            continue  # generated without the tumour/normal patient
        with pysam.VariantFile(str(outdir / name)) as vcf:
            for record in vcf:
                start = record.pos - 1
                if fasta[record.chrom][start : start + len(record.ref)] != record.ref:
                    problems.append(f"{name} {record.chrom}:{record.pos}: REF differs from genome")
    for line in (outdir / "pgx_sites.tsv").read_text().splitlines()[1:]:
        gene, _chrom, pos, ref, demo_chrom, demo_pos = line.split("\t")
        start = int(demo_pos) - 1
        if fasta[demo_chrom][start : start + len(ref)] != ref:
            problems.append(f"pgx site {gene} {pos}: demo base is not {ref}")
    if set(SPECS_BY_NAME) != {t.gene_name for t in transcripts.values()}:
        problems.append("genes.gtf genes differ from the specification")
    return problems
