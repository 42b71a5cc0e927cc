"""Reference files the workflow derives from its FASTA and GTF."""

from __future__ import annotations

from pathlib import Path

from actionable.calling.gtf import read_transcripts


def write_snpeff_config(path: str | Path, database: str) -> None:
    """A minimal snpEff.config whose data directory sits beside it."""
    Path(path).write_text(
        "# snpEff configuration written by the workflow: one database built from the\n"
        "# configured FASTA + GTF, stored under ./data/<name>/.\n"
        "data.dir = ./data/\n"
        f"{database}.genome : {database}\n"
    )


def write_gene_bed(gtf_path: str | Path, bed_path: str | Path) -> None:
    """BED4 of each protein-coding gene's span (union of its transcripts), sorted."""
    spans: dict[tuple[str, str], tuple[int, int]] = {}
    for transcript in read_transcripts(gtf_path).values():
        key = (transcript.contig, transcript.gene_name)
        start = min(start for start, _ in transcript.exons)
        end = max(end for _, end in transcript.exons)
        if key in spans:
            start, end = min(start, spans[key][0]), max(end, spans[key][1])
        spans[key] = (start, end)
    rows = sorted((contig, start, end, gene) for (contig, gene), (start, end) in spans.items())
    with open(bed_path, "w") as bed:
        for contig, start, end, gene in rows:
            bed.write(f"{contig}\t{start - 1}\t{end}\t{gene}\n")
