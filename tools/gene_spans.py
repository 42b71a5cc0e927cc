"""Build `gene_spans.tsv`: GRCh38 and GRCh37 spans of the knowledge-base genes.

The committed table is the output; this script documents how it was made and regenerates it:

    python -m tools.gene_spans --orgdb org.Hs.eg.sqlite --chain GRCh38_to_GRCh37.chain

Inputs
------
* `org.Hs.eg.sqlite` of the Bioconductor package org.Hs.eg.db (Debian package
  `r-bioc-org.hs.eg.db`): NCBI Gene symbols with the GRCh38 transcript locations UCSC maps to
  each gene (`chromosome_locations`: 0-based start, end, negative on the minus strand). A
  gene's span is the union of its transcripts on its primary chromosome (alternate-locus
  contigs are ignored).
* an Ensembl GRCh38 → GRCh37 chain file (UCSC chain format). Each end of the GRCh38 span is
  lifted to GRCh37; a gene whose ends do not lift to one chromosome, or whose lifted length
  differs from the GRCh38 length by more than 10 %, is reported and left out.
* the genes: every gene of `evidence.tsv` except the signatures (`MSI`, `TMB`).
"""

from __future__ import annotations

import argparse
import bisect
import csv
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

KNOWLEDGE = Path(__file__).resolve().parent.parent / "src" / "actionable" / "data" / "knowledge"
COLUMNS = ("gene", "genome", "chrom", "start", "end")
_SIGNATURES = {"MSI", "TMB"}


@dataclass
class _Chain:
    """The ungapped blocks of one chain: (GRCh38 start, GRCh37 start, length), 0-based."""

    target: str
    query: str
    strand: str
    query_size: int
    blocks: list[tuple[int, int, int]]


def read_chains(path: Path) -> dict[str, list[_Chain]]:
    """Chains by target (GRCh38) chromosome, without the `chr` prefix."""
    chains: dict[str, list[_Chain]] = {}
    current: _Chain | None = None
    t = q = 0
    for line in path.read_text().splitlines():
        fields = line.split()
        if not fields:
            continue
        if fields[0] == "chain":
            tname, qname, qsize, qstrand = fields[2], fields[7], int(fields[8]), fields[9]
            t, q = int(fields[5]), int(fields[10])
            current = _Chain(_bare(tname), _bare(qname), qstrand, qsize, [])
            chains.setdefault(current.target, []).append(current)
            continue
        assert current is not None, f"{path}: block before any chain line"
        size = int(fields[0])
        current.blocks.append((t, q, size))
        if len(fields) == 3:
            t += size + int(fields[1])
            q += size + int(fields[2])
    return chains


def lift(chains: dict[str, list[_Chain]], chrom: str, pos: int) -> tuple[str, int] | None:
    """GRCh37 (chromosome, 1-based position) of GRCh38 `chrom`:`pos`, or None."""
    zero = pos - 1
    for chain in chains.get(chrom, ()):
        starts = [b[0] for b in chain.blocks]
        i = bisect.bisect_right(starts, zero) - 1
        if i < 0:
            continue
        t0, q0, size = chain.blocks[i]
        if zero < t0 + size:
            q = q0 + zero - t0
            if chain.strand == "-":
                q = chain.query_size - q - 1
            return chain.query, q + 1
    return None


def _bare(chrom: str) -> str:
    return chrom[3:] if chrom.startswith("chr") else chrom


def knowledge_genes() -> list[str]:
    with (KNOWLEDGE / "evidence.tsv").open() as handle:
        rows = csv.DictReader((line for line in handle if not line.startswith("#")), delimiter="\t")
        return sorted({row["gene"] for row in rows} - _SIGNATURES)


def grch38_spans(orgdb: Path, genes: Iterable[str]) -> dict[str, tuple[str, int, int]]:
    """GRCh38 (chromosome, 1-based start, end) of each gene found in org.Hs.eg.db."""
    db = sqlite3.connect(orgdb)
    spans: dict[str, tuple[str, int, int]] = {}
    for gene in genes:
        rows = db.execute(
            "SELECT c.seqname, c.start_location, c.end_location FROM gene_info i "
            "JOIN chromosome_locations c ON i._id = c._id WHERE i.symbol = ?",
            (gene,),
        ).fetchall()
        primary = [r for r in rows if "_" not in r[0]]
        if not primary:
            continue
        chrom = primary[0][0]
        starts = [abs(r[1]) + 1 for r in primary if r[0] == chrom]
        ends = [abs(r[2]) for r in primary if r[0] == chrom]
        spans[gene] = (chrom, min(starts), max(ends))
    return spans


def build(orgdb: Path, chain: Path) -> tuple[list[dict[str, object]], list[str]]:
    genes = knowledge_genes()
    chains = read_chains(chain)
    rows: list[dict[str, object]] = []
    problems: list[str] = []
    for gene, (chrom, start, end) in sorted(grch38_spans(orgdb, genes).items()):
        rows.append({"gene": gene, "genome": "GRCh38", "chrom": chrom, "start": start, "end": end})
        a, b = lift(chains, chrom, start), lift(chains, chrom, end)
        if a is None or b is None or a[0] != b[0]:
            problems.append(f"{gene}: GRCh38 {chrom}:{start}-{end} does not lift to GRCh37")
            continue
        lo, hi = sorted((a[1], b[1]))
        if abs((hi - lo) - (end - start)) > 0.1 * (end - start):
            problems.append(f"{gene}: lifted length {hi - lo} vs {end - start}")
            continue
        rows.append({"gene": gene, "genome": "GRCh37", "chrom": a[0], "start": lo, "end": hi})
    missing = sorted(set(genes) - {str(r["gene"]) for r in rows})
    problems += [f"{gene}: not found in org.Hs.eg.db" for gene in missing]
    rows.sort(key=lambda r: (str(r["genome"]), str(r["gene"])))
    return rows, problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgdb", type=Path, required=True, help="org.Hs.eg.sqlite")
    parser.add_argument("--chain", type=Path, required=True, help="GRCh38 → GRCh37 chain")
    parser.add_argument("--out", type=Path, default=KNOWLEDGE / "gene_spans.tsv")
    args = parser.parse_args()
    rows, problems = build(args.orgdb, args.chain)
    with args.out.open("w", newline="") as handle:
        handle.write(
            "# GRCh38 and GRCh37 spans (1-based, inclusive) of the knowledge-base genes: NCBI "
            "Gene / UCSC\n# transcript locations (org.Hs.eg.db), GRCh37 lifted with the "
            "Ensembl chain. Made by tools/gene_spans.py.\n"
        )
        writer = csv.DictWriter(handle, COLUMNS, delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    for problem in problems:
        print(problem)


if __name__ == "__main__":
    main()
