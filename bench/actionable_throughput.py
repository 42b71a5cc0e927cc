"""Throughput of `actionable match` against a bare cyvcf2 loop over the same file.

    python bench/actionable_throughput.py [--records 1000000] [--keep DIR]

Generates a synthetic snpEff-annotated VCF (bgzipped) of N records, mostly in genes that are
not in the knowledge base with a small share in knowledge-base genes and at hotspot
coordinates, then times

  1. a bare cyvcf2 loop (`for v in VCF(path): n += 1`), and
  2. `actionable match` run in-process on the same file,

and prints records/s for both and their ratio (target: ratio >= 0.5). Not a test.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ANN_HEADER = (
    "##INFO=<ID=ANN,Number=.,Type=String,Description=\"Functional annotations: 'Allele | "
    "Annotation | Annotation_Impact | Gene_Name | Gene_ID | Feature_Type | Feature_ID | "
    "Transcript_BioType | Rank | HGVS.c | HGVS.p | cDNA.pos / cDNA.length | CDS.pos / "
    "CDS.length | AA.pos / AA.length | Distance | ERRORS / WARNINGS / INFO' \">"
)
GRCH38_CHR1 = 248956422
CONTIGS = [(str(c), 50_000_000) for c in range(1, 23)]
#: knowledge-base hotspots placed among the records (GRCh38)
HOTSPOTS = [
    ("7", 55191822, "T", "G", "EGFR", "c.2573T>G", "p.Leu858Arg", "NM_005228.5", 21, 858, 1210),
    ("7", 140753336, "A", "T", "BRAF", "c.1799T>A", "p.Val600Glu", "NM_004333.6", 15, 600, 766),
    ("12", 25245350, "C", "T", "KRAS", "c.35G>A", "p.Gly12Asp", "NM_004985.5", 2, 12, 189),
    (
        "3",
        179234297,
        "A",
        "G",
        "PIK3CA",
        "c.3140A>G",
        "p.His1047Arg",
        "NM_006218.4",
        21,
        1047,
        1068,
    ),
]
KB_GENES = ["EGFR", "KRAS", "BRAF", "PIK3CA", "BRCA2", "ALK", "KIT"]
AA = [
    "Ala",
    "Arg",
    "Asn",
    "Asp",
    "Cys",
    "Gln",
    "Glu",
    "Gly",
    "His",
    "Ile",
    "Leu",
    "Lys",
    "Met",
    "Phe",
    "Pro",
    "Ser",
    "Thr",
    "Trp",
    "Tyr",
    "Val",
]


def generate(path: Path, n: int, seed: int = 7) -> None:
    """Write an uncompressed VCF of `n` records to `path` (fast: pre-built pieces)."""
    rng = random.Random(seed)
    genes = [f"GENE{i:04d}" for i in range(3000)]
    bases = "ACGT"
    consequences = [
        "missense_variant",
        "synonymous_variant",
        "intron_variant",
        "3_prime_UTR_variant",
        "upstream_gene_variant",
        "downstream_gene_variant",
    ]
    impacts = {"missense_variant": "MODERATE", "synonymous_variant": "LOW"}
    lines = [
        "##fileformat=VCFv4.2",
        ANN_HEADER,
        '##INFO=<ID=DP,Number=1,Type=Integer,Description="Total depth">',
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">',
        '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">',
    ]
    lines += [f"##contig=<ID=chr{c},length={GRCH38_CHR1 if c == '1' else ln}>" for c, ln in CONTIGS]
    lines.append("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tTUMOR")
    per_chrom = n // len(CONTIGS) + 1
    hot_every = max(n // 200, 1)
    written = 0
    with path.open("w", encoding="ascii") as out:
        out.write("\n".join(lines) + "\n")
        buf: list[str] = []
        for c, _ in CONTIGS:
            pos = 10_000
            hots = sorted(h for h in HOTSPOTS if h[0] == c)
            for _ in range(per_chrom):
                if written >= n:
                    break
                pos += rng.randint(20, 60)
                while hots and hots[0][1] <= pos:
                    h = hots.pop(0)
                    buf.append(_hot_line(h))
                    written += 1
                if written >= n:
                    break
                ref = bases[rng.randrange(4)]
                alt = bases[(bases.index(ref) + 1 + rng.randrange(3)) % 4]
                gene = (
                    KB_GENES[rng.randrange(len(KB_GENES))]
                    if written % hot_every == 0
                    else (genes[rng.randrange(len(genes))])
                )
                cons = consequences[rng.randrange(len(consequences))]
                imp = impacts.get(cons, "MODIFIER")
                ntx = 1 + rng.randrange(4)
                aapos = rng.randint(2, 900)
                a1, a2 = AA[rng.randrange(20)], AA[rng.randrange(20)]
                hgvsp = f"p.{a1}{aapos}{a2}" if cons == "missense_variant" else ""
                tx = rng.randint(100000, 999999)
                ann = ",".join(
                    f"{alt}|{cons}|{imp}|{gene}|{gene}|transcript|NM_{tx + k}.{k + 1}"
                    f"|protein_coding|{k + 2}/12|c.{aapos * 3}{ref}>{alt}|{hgvsp}|"
                    f"{aapos * 3 + 50}/3000|{aapos * 3}/2700|{aapos}/900||"
                    for k in range(ntx)
                )
                ad_alt = rng.randint(3, 40)
                ad_ref = rng.randint(3, 40)
                buf.append(
                    f"chr{c}\t{pos}\t.\t{ref}\t{alt}\t50\tPASS\tDP={ad_ref + ad_alt};ANN={ann}"
                    f"\tGT:AD:DP\t0/1:{ad_ref},{ad_alt}:{ad_ref + ad_alt}\n"
                )
                written += 1
                if len(buf) >= 20_000:
                    out.write("".join(buf))
                    buf.clear()
        out.write("".join(buf))


def _hot_line(h: tuple) -> str:  # type: ignore[type-arg]
    chrom, pos, ref, alt, gene, hgvsc, hgvsp, tx, rank, aapos, aalen = h
    ann = (
        f"{alt}|missense_variant|MODERATE|{gene}|{gene}|transcript|{tx}|protein_coding|"
        f"{rank}/28|{hgvsc}|{hgvsp}|{aapos * 3}/5000|{aapos * 3}/{aalen * 3}|{aapos}/{aalen}||"
    )
    return (
        f"chr{chrom}\t{pos}\t.\t{ref}\t{alt}\t60\tPASS\tDP=60;ANN={ann}\tGT:AD:DP\t0/1:30,30:60\n"
    )


def bare_loop(path: Path) -> int:
    from cyvcf2 import VCF

    n = 0
    for _ in VCF(str(path)):
        n += 1
    return n


def run_match(path: Path, out: Path) -> None:
    from actionable.cli import main

    rc = main(
        [
            "match",
            "--vcf",
            str(path),
            "--tumor-type",
            "LUAD",
            "--genome",
            "GRCh38",
            "--out",
            str(out),
        ]
    )
    if rc != 0:
        raise SystemExit(f"actionable match failed with exit code {rc}")


def best_of(fn, repeats: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=2, help="timed runs each; best is kept")
    parser.add_argument("--keep", type=Path, help="keep the generated files in this directory")
    args = parser.parse_args(argv)

    import pysam

    workdir = Path(tempfile.mkdtemp(prefix="actionable-bench-"))
    try:
        plain = workdir / "bench.vcf"
        t0 = time.perf_counter()
        generate(plain, args.records)
        gz = workdir / "bench.vcf.gz"
        pysam.tabix_compress(str(plain), str(gz), force=True)
        plain.unlink()
        print(
            f"generated {args.records:,} records in {time.perf_counter() - t0:.1f} s -> {gz.name}"
        )

        n = bare_loop(gz)
        if n != args.records:
            raise SystemExit(f"expected {args.records} records, cyvcf2 read {n}")
        t_bare = best_of(lambda: bare_loop(gz), args.repeats)
        t_match = best_of(lambda: run_match(gz, workdir / "out"), args.repeats)
        r_bare = n / t_bare
        r_match = n / t_match
        print(f"bare cyvcf2 loop : {r_bare:12,.0f} records/s ({t_bare:.2f} s)")
        print(f"actionable match : {r_match:12,.0f} records/s ({t_match:.2f} s)")
        print(f"ratio match/bare : {r_match / r_bare:.2f} (target >= 0.5)")
        if args.keep is not None:
            args.keep.mkdir(parents=True, exist_ok=True)
            shutil.copy(gz, args.keep / gz.name)
            shutil.copytree(workdir / "out", args.keep / "out", dirs_exist_ok=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    raise SystemExit(main())
