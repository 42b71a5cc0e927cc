"""Inputs for running the workflow on the real SEQC2 HCC1395 tumour/normal exome excerpt.

The excerpt (`../shared/data/seqc2-hcc1395/`) ships paired FASTQ, the GRCh38 BAMs they came
from (with MD tags) and 15 capture targets, but no reference. `prepare` rebuilds one:

- `genome.fa`: the reference bases under the reads, recovered from the BAMs' MD tags
  (`tests.support.md_reference`), as one record per covered stretch padded by 1 kb and named
  `chrN_<start>_<end>` in GRCh38 coordinates; bases no read covers are `N`.
- `targets.bed`: the capture targets moved into those window coordinates.
- `targets.gtf`: NOT real gene models. One made-up single-exon gene per target (`TGT01`,
  ...), exon = target, CDS = the longest stop-free reading frame inside it on either strand,
  only so that snpEff can build a database and the workflow can run end to end.
- `samples.tsv`/`units.tsv`: patient HCC1395 with tumour `HCC1395_T` (BRCA) and normal
  `HCC1395_N`, one unit each, the shipped FASTQ files.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pysam
from Bio.Seq import Seq

from tests.support.md_reference import rebuild, shift_bed


@dataclass(frozen=True)
class Orf:
    """A stop-free reading frame: 0-based start/end on the forward strand, and its strand."""

    start: int
    end: int
    strand: str

    @property
    def codons(self) -> int:
        return (self.end - self.start) // 3


def longest_orf(sequence: str) -> Orf | None:
    """Longest stretch of whole codons without a stop (or N) in any of the six frames."""
    best: Orf | None = None
    n = len(sequence)
    for strand in "+-":
        text = sequence if strand == "+" else str(Seq(sequence).reverse_complement())
        for frame in range(3):
            usable = (n - frame) // 3 * 3
            protein = str(Seq(text[frame : frame + usable]).translate())
            run = 0
            for index, residue in enumerate(protein + "*"):
                if residue in "*X":
                    if run and (best is None or run > best.codons):
                        first = frame + 3 * (index - run)
                        last = frame + 3 * index
                        if strand == "+":
                            best = Orf(first, last, strand)
                        else:
                            best = Orf(n - last, n - first, strand)
                    run = 0
                else:
                    run += 1
    return best


def write_target_gtf(fasta: Path, targets_bed: Path, gtf: Path) -> int:
    """One made-up coding gene per target (see the module description); return how many."""
    lines = []
    with pysam.FastaFile(str(fasta)) as reference:
        for number, row in enumerate(targets_bed.read_text().splitlines(), start=1):
            contig, start_text, end_text = row.split("\t")[:3]
            start, end = int(start_text), int(end_text)
            orf = longest_orf(reference.fetch(contig, start, end).upper())
            if orf is None or orf.codons < 10:
                continue
            gene = f"TGT{number:02d}"
            attributes = f'gene_id "{gene}"; transcript_id "{gene}.1"; gene_name "{gene}";'
            cds = (start + orf.start + 1, start + orf.end)
            for feature, (first, last), frame in (
                ("transcript", (start + 1, end), "."),
                ("exon", (start + 1, end), "."),
                ("CDS", cds, "0"),
            ):
                fields = [contig, "hcc1395", feature, str(first), str(last), ".", orf.strand]
                lines.append("\t".join([*fields, frame, attributes]))
    gtf.write_text("\n".join(lines) + "\n")
    return len(lines) // 3


def prepare(data: Path, workdir: Path) -> dict[str, Path]:
    """Reference, targets, GTF and sheets for the HCC1395 pair in `workdir`."""
    bams = [data / "WES_LL_T_1_test.bam", data / "WES_LL_N_1_test.bam"]
    fasta = workdir / "genome.fa"
    reference = rebuild(bams, fasta, padding=1000)
    pysam.faidx(str(fasta))
    targets = workdir / "targets.bed"
    shift_bed(reference.windows, data / "seq2_testdata.bed", targets)
    gtf = workdir / "targets.gtf"
    write_target_gtf(fasta, targets, gtf)
    reads = data / "reads"
    (workdir / "samples.tsv").write_text(
        "sample\tpatient\ttype\ttumor_type\n"
        "HCC1395_T\tHCC1395\ttumor\tBRCA\n"
        "HCC1395_N\tHCC1395\tnormal\t\n"
    )
    unit_rows = ["sample\tunit\tplatform\tfq1\tfq2"]
    for sample, prefix in (("HCC1395_T", "WES_LL_T_1_test"), ("HCC1395_N", "WES_LL_N_1_test")):
        fq1 = reads / f"{prefix}_1.merged.fastq.gz"
        fq2 = reads / f"{prefix}_2.merged.fastq.gz"
        unit_rows.append(f"{sample}\tL1\tILLUMINA\t{fq1}\t{fq2}")
    (workdir / "units.tsv").write_text("\n".join(unit_rows) + "\n")
    return {"fasta": fasta, "gtf": gtf, "targets": targets}
