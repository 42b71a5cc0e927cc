"""The whole workflow on independently simulated data, against the bare tools and the truth.

    python bench/workflow_scale.py [--genome-mb 10] [--depth 30] [--tumour-depth 100]
                                   [--cores N] [--out DIR] [--quick]

1. Simulates, with tools this project did not write: a random genome (several contigs with
   N-runs, a few genes with open reading frames and a GTF for them), germline SNVs and small
   indels with mason_variator (seqan-apps), normal reads with wgsim (2x150) at --depth, and a
   tumour at --tumour-depth: the normal's genome (NORMAL_SHARE of the reads) mixed with
   clones carrying somatic SNVs/indels at allele fractions 5-40 % (materialised with
   mason_materializer, reads again from wgsim).
2. Runs the workflow (one tumour/normal patient, calling.scatter 1) and reads per-rule times
   from Snakemake's log.
3. Runs the same shell commands in a plain bash loop (taken from Snakemake's own dry run, one
   after the other, same threads): the bare-tool floor. Python steps of the workflow have no
   bare equivalent: their outputs are copied and their time counted as the workflow measured
   it.
4. Re-runs calling with calling.scatter 1 and = --cores on copies of the run (alignments
   kept) and checks that the merged VCFs are identical record for record.
5. Scores germline SNVs/indels (normal sample) and somatic SNVs/indels (PASS) against the
   simulator's truth, both normalised with bcftools norm, matched exactly.
6. Times the dry run of 500 germline samples x 2 lanes against Snakemake's floor: a trivial
   chain of rules with the same number of jobs, measured in the same run.

7. Projects the measured alignment and calling times linearly to a human genome.

Prints one table and writes it, with the machine, to bench/RESULTS.md (--results); a run of
10 Mb or more also fills the full-size table of README.md ("Performance"). Not a test.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import resource
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pysam
import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "src")]

from actionable.io.atomic import write_atomic  # noqa: E402
from tests.support.truth import Key, score, variant_keys  # noqa: E402
from tests.support.workflow import records  # noqa: E402

SEQAN = Path("/usr/lib/seqan/bin")
READ_LENGTH = 150
#: share of the tumour's reads that come from the normal genome (both haplotypes)
NORMAL_SHARE = 0.2
#: tumour clones: (haplotype carrying the clone's somatic variants, their allele fraction);
#: each clone contributes that fraction of the tumour's reads, from its haplotype only, so
#: with NORMAL_SHARE / 2 each haplotype adds up to half the depth
CLONES = ((1, 0.05), (1, 0.10), (1, 0.25), (2, 0.40))
SOMATIC_PER_MB = 150
STOP_CODONS = ("TAA", "TAG", "TGA")
CODONS = [a + b + c for a in "ACGT" for b in "ACGT" for c in "ACGT"]
SENSE_CODONS = [codon for codon in CODONS if codon not in STOP_CODONS]
NORMAL, TUMOUR, PATIENT = "BENCH_N", "BENCH_T", "BENCH"
TOOLS = ("bwa", "samtools", "bcftools", "freebayes", "delly", "mosdepth", "fastp", "wgsim")
PLAN_SAMPLES, PLAN_LANES, FLOOR_STEPS = 500, 2, 19
#: Each dry run is timed this often, alternating with the floor, and the fastest counts:
#: single runs on a shared 2-core machine varied by 15 %.
PLAN_REPEATS = 3
#: the projection: human genome size (Mb), chunks and threads a job on a cluster
HUMAN_MB, CLUSTER_CHUNKS, CLUSTER_THREADS = 3100, 50, 16
#: README.md markers around the table of the full-size run (>= FULL_SIZE_MB), which the
#: bench fills in
FULL_SIZE = ("<!-- bench: full-size results -->", "<!-- bench: end -->")
FULL_SIZE_MB = 10


@dataclass(frozen=True)
class Somatic:
    contig: str
    pos: int  # 1-based, VCF style (indels anchored on the base before)
    ref: str
    alt: str
    haplotype: int
    vaf: float


@dataclass
class Job:
    rule: str
    files: dict[str, list[str]]  # input, output, log
    command: str | None  # None: a Python step (script:), no bare-tool equivalent


def run(command: Sequence[str] | str, cwd: Path | None = None, **kwargs) -> str:
    """Run a command (a list, or a bash script when a string); stdout, or exit naming it."""
    shell = isinstance(command, str)
    argv = ["bash", "-c", f"set -euo pipefail; {command}"] if shell else list(command)
    result = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        sys.exit(f"failed ({result.returncode}): {command}\n{result.stderr[-3000:]}")
    return result.stdout


def fasta_text(sequences: dict[str, str]) -> str:
    return "".join(
        f">{name}\n" + "\n".join(seq[i : i + 60] for i in range(0, len(seq), 60)) + "\n"
        for name, seq in sequences.items()
    )


def read_fasta(path: Path) -> dict[str, str]:
    with pysam.FastxFile(str(path)) as fasta:
        return {entry.name: entry.sequence for entry in fasta}


# --- 1. simulation -------------------------------------------------------------------------


def coding_sequence(rng: random.Random, codons: int) -> str:
    middle = "".join(rng.choices(SENSE_CODONS, k=codons - 2))
    return "ATG" + middle + rng.choice(STOP_CODONS)


def random_contig(name: str, length: int, rng: random.Random) -> tuple[str, list[str]]:
    """Random bases with two N-runs (assembly gaps) and a three-exon gene every 100 kb;
    returns the sequence and its GTF lines."""
    bases = list("".join(rng.choices("ACGT", k=length)))
    for fraction in (0.3, 0.7):
        start = int(length * fraction)
        gap = rng.randint(2000, 5000)
        bases[start : start + gap] = ["N"] * gap
    gtf = []
    exon, intron = 150, 300
    for number, start in enumerate(range(20_000, length - 20_000, 100_000), start=1):
        region = bases[start : start + 3 * exon + 2 * intron]
        if "N" in region:
            continue
        gene = f"GENE{name.removeprefix('chr')}.{number}"  # snpEff drops a "chr" prefix
        cds = coding_sequence(rng, 3 * exon // 3)
        exons = [
            (start + k * (exon + intron), start + k * (exon + intron) + exon) for k in range(3)
        ]
        for k, (begin, end) in enumerate(exons):
            bases[begin:end] = list(cds[k * exon : (k + 1) * exon])
            if k < 2:  # splice donor and acceptor
                bases[end : end + 2] = list("GT")
                bases[end + intron - 2 : end + intron] = list("AG")
        gtf += gtf_gene(name, gene, exons)
    return "".join(bases), gtf


def gtf_gene(contig: str, gene: str, exons: list[tuple[int, int]]) -> list[str]:
    """GTF lines (1-based, inclusive) of a + strand gene whose exons are all coding."""
    ids = f'gene_id "{gene}"; gene_name "{gene}"; gene_biotype "protein_coding";'
    tx = f'{ids} transcript_id "{gene}.1"; transcript_biotype "protein_coding";'

    def line(feature: str, start: int, end: int, attributes: str, frame: str = ".") -> str:
        return f"{contig}\tbench\t{feature}\t{start}\t{end}\t.\t+\t{frame}\t{attributes}"

    first, last = exons[0][0] + 1, exons[-1][1]
    lines = [line("gene", first, last, ids), line("transcript", first, last, tx)]
    for k, (begin, end) in enumerate(exons, start=1):
        lines.append(line("exon", begin + 1, end, f'{tx} exon_number "{k}";'))
        cds_end = end - 3 if k == len(exons) else end
        lines.append(line("CDS", begin + 1, cds_end, f'{tx} exon_number "{k}";', "0"))
    lines.append(line("start_codon", first, first + 2, tx, "0"))
    lines.append(line("stop_codon", last - 2, last, tx, "0"))
    return lines


def simulate_genome(out: Path, size: int, contigs: int, seed: int) -> dict[str, str]:
    rng = random.Random(seed)
    genome, gtf = {}, []
    for index in range(1, contigs + 1):
        name = f"chr{index}"
        genome[name], lines = random_contig(name, size // contigs, rng)
        gtf += lines
    write_atomic(out / "genome.fa", fasta_text(genome))
    write_atomic(out / "genes.gtf", "\n".join(gtf) + "\n")
    run(["samtools", "faidx", str(out / "genome.fa")])
    return genome


def mason_germline(out: Path, seed: int) -> None:
    """Germline SNVs and 1-8 bp indels on two haplotypes (mason_variator); no SVs."""
    run(
        [
            str(SEQAN / "mason_variator"),
            *("-s", str(seed), "-ir", str(out / "genome.fa"), "-n", "2"),
            *("-ov", str(out / "germline.mason.vcf"), "-of", str(out / "normal.fa")),
            *("--snp-rate", "0.001", "--small-indel-rate", "0.0001"),
            *("--min-small-indel-size", "1", "--max-small-indel-size", "8"),
            *("--sv-indel-rate", "0", "--sv-inversion-rate", "0"),
            *("--sv-translocation-rate", "0", "--sv-duplication-rate", "0"),
        ]
    )


def vcf_header(genome: dict[str, str], sample: str | None) -> str:
    lines = ["##fileformat=VCFv4.2"]
    lines += [f"##contig=<ID={name},length={len(seq)}>" for name, seq in genome.items()]
    lines.append('##INFO=<ID=VAF,Number=1,Type=Float,Description="Simulated allele fraction">')
    lines.append('##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">')
    columns = "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO"
    return "\n".join(lines) + "\n" + columns + (f"\tFORMAT\t{sample}\n" if sample else "\n")


def germline_lines(out: Path) -> list[str]:
    """mason_variator's records, with the FORMAT column it leaves empty set to GT."""
    lines = (out / "germline.mason.vcf").read_text().splitlines()
    records = [line.split("\t") for line in lines if line and not line.startswith("#")]
    return ["\t".join([*fields[:8], "GT", *fields[9:]]) for fields in records]


def pick_somatic(genome: dict[str, str], germline: list[str], seed: int) -> list[Somatic]:
    """SOMATIC_PER_MB variants per Mb: 80 % SNVs, 20 % 1-6 bp indels, away from N-runs,
    germline variants and each other, spread over the clones' allele fractions."""
    rng = random.Random(seed + 1)
    taken = defaultdict(set)
    for line in germline:
        contig, pos = line.split("\t")[:2]
        taken[contig].update(range(int(pos) - 30, int(pos) + 30))
    size = sum(len(seq) for seq in genome.values())
    wanted = SOMATIC_PER_MB * size // 1_000_000
    variants: list[Somatic] = []
    names = list(genome)
    while len(variants) < wanted:
        contig = rng.choice(names)
        seq = genome[contig]
        pos = rng.randint(200, len(seq) - 200)
        if pos in taken[contig] or "N" in seq[pos - 150 : pos + 150]:
            continue
        kind, size_ = rng.random(), rng.randint(1, 6)
        anchor = seq[pos - 1]
        if kind < 0.8:
            ref, alt = anchor, rng.choice([b for b in "ACGT" if b != anchor])
        elif kind < 0.9:
            ref, alt = anchor, anchor + "".join(rng.choices("ACGT", k=size_))
        else:
            ref, alt = seq[pos - 1 : pos + size_], anchor
        haplotype, vaf = rng.choice(CLONES)
        variants.append(Somatic(contig, pos, ref, alt, haplotype, vaf))
        taken[contig].update(range(pos - 30, pos + 30))
    order = {name: index for index, name in enumerate(names)}
    return sorted(variants, key=lambda v: (order[v.contig], v.pos))


def write_truth(out: Path, genome: dict[str, str], germline: list[str], somatic: list[Somatic]):
    """Both truth sets, normalised as the workflow normalises its calls."""
    sites = [f"{v.contig}\t{v.pos}\t.\t{v.ref}\t{v.alt}\t.\tPASS\tVAF={v.vaf}" for v in somatic]
    for name, text in (
        ("germline", vcf_header(genome, "truth") + "\n".join(germline) + "\n"),
        ("somatic", vcf_header(genome, None) + "\n".join(sites) + "\n"),
    ):
        raw = out / f"truth.{name}.raw.vcf"
        write_atomic(raw, text)
        run(
            f"bcftools norm -f {out / 'genome.fa'} -a -m -any -Ou {raw} "
            f"| bcftools norm -f {out / 'genome.fa'} -d exact -Oz -o {out}/truth.{name}.vcf.gz "
            f"&& tabix -p vcf {out}/truth.{name}.vcf.gz"
        )


def clone_genome(out: Path, genome: dict[str, str], germline: list[str], clone, somatic):
    """The clone's haplotype: germline variants plus the clone's somatic ones
    (mason_materializer), written alone as a haploid FASTA."""
    haplotype, vaf = clone
    genotype = "1|0" if haplotype == 1 else "0|1"
    order = {name: index for index, name in enumerate(genome)}
    lines = germline + [
        f"{v.contig}\t{v.pos}\tsomatic{i}\t{v.ref}\t{v.alt}\t.\tPASS\t.\tGT\t{genotype}"
        for i, v in enumerate(somatic)
        if (v.haplotype, v.vaf) == clone
    ]
    lines.sort(key=lambda line: (order[line.split("\t")[0]], int(line.split("\t")[1])))
    vcf = out / f"clone{vaf}.vcf"
    write_atomic(vcf, vcf_header(genome, "clone") + "\n".join(lines) + "\n")
    both = out / f"clone{vaf}.both.fa"
    run(
        [
            *(str(SEQAN / "mason_materializer"), "-ir", str(out / "genome.fa")),
            *("-iv", str(vcf), "-o", str(both)),
        ]
    )
    haploid = {
        name: seq for name, seq in read_fasta(both).items() if name.endswith(f"/{haplotype}")
    }
    path = out / f"clone{vaf}.fa"
    write_atomic(path, fasta_text(haploid))
    both.unlink()
    return path


def wgsim(fasta: Path, depth: float, haploid_size: int, prefix: str, fastq: Path, seed: int):
    """wgsim reads (2x150, 0.1 % errors, no extra mutations) at `depth` over `haploid_size`
    bases, appended to fastq_R1/_R2.fastq.gz with names prefixed (sources mixed in a tumour
    keep distinct names)."""
    pairs = int(depth * haploid_size / (2 * READ_LENGTH))
    r1, r2 = fastq.with_suffix(".r1.tmp"), fastq.with_suffix(".r2.tmp")
    run(
        [
            *("wgsim", "-S", str(seed), "-N", str(pairs), "-1", str(READ_LENGTH)),
            *("-2", str(READ_LENGTH), "-e", "0.001", "-d", "350", "-s", "35"),
            *("-r", "0", "-R", "0", "-X", "0", str(fasta), str(r1), str(r2)),
        ]
    )
    for tmp, read in ((r1, "R1"), (r2, "R2")):
        run(
            f"awk -v p={prefix}_ 'NR % 4 == 1 {{ $0 = \"@\" p substr($0, 2) }} 1' {tmp} "
            f"| gzip -1 >> {fastq}_{read}.fastq.gz"
        )
        tmp.unlink()


def simulate(out: Path, args: argparse.Namespace) -> dict[str, str]:
    if (out / "done").exists():
        return read_fasta(out / "genome.fa")
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    size = int(args.genome_mb * 1_000_000)
    genome = simulate_genome(out, size, args.contigs, args.seed)
    mason_germline(out, args.seed)
    germline = germline_lines(out)
    somatic = pick_somatic(genome, germline, args.seed)
    write_truth(out, genome, germline, somatic)
    # the diploid normal.fa holds both haplotypes: depth D over it gives D/2 each
    wgsim(out / "normal.fa", args.depth, size, "n", out / NORMAL, args.seed)
    tumour = out / TUMOUR
    wgsim(out / "normal.fa", NORMAL_SHARE * args.tumour_depth, size, "t0", tumour, args.seed + 7)
    for index, clone in enumerate(CLONES, start=1):
        fasta = clone_genome(out, genome, germline, clone, somatic)
        wgsim(fasta, clone[1] * args.tumour_depth, size, f"t{index}", tumour, args.seed + index)
    (out / "done").touch()
    return genome


# --- 2. the workflow -----------------------------------------------------------------------


def configure(workdir: Path, data: Path, scatter: int) -> None:
    workdir.mkdir(parents=True, exist_ok=True)
    samples = [f"{NORMAL}\t{PATIENT}\tnormal\tLUAD", f"{TUMOUR}\t{PATIENT}\ttumor\tLUAD"]
    write_atomic(
        workdir / "samples.tsv", "sample\tpatient\ttype\ttumor_type\n" + "\n".join(samples) + "\n"
    )
    units = [
        f"{s}\tL001\tILLUMINA\t{data}/{s}_R1.fastq.gz\t{data}/{s}_R2.fastq.gz"
        for s in (NORMAL, TUMOUR)
    ]
    write_atomic(
        workdir / "units.tsv", "sample\tunit\tplatform\tfq1\tfq2\n" + "\n".join(units) + "\n"
    )
    config = {
        "samples": "samples.tsv",
        "units": "units.tsv",
        "reference": {
            "fasta": str(data / "genome.fa"),
            "gtf": str(data / "genes.gtf"),
            "build": "bench",
        },
        "pgx": {"enabled": False, "site_map": ""},
        "calling": {"scatter": scatter},
        "signatures": {"microsatellites": ""},
    }
    write_atomic(workdir / "config.yaml", yaml.safe_dump(config, sort_keys=False))


def snakemake(workdir: Path, cores: int, *args: str) -> tuple[float, str]:
    """Run the workflow in `workdir`; wall seconds and Snakemake's output."""
    command = [sys.executable, "-m", "snakemake", "--snakefile", str(REPO / "Snakefile")]
    command += ["--directory", str(workdir), "--configfile", str(workdir / "config.yaml")]
    start = time.perf_counter()
    output = run([*command, "--cores", str(cores), *args], env=python_env())
    return time.perf_counter() - start, output


def python_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO / "src")}


LOG_TIME = re.compile(r"^\[(\w{3} \w{3} +\d+ [\d:]+ \d{4})\]$")


def job_times(workdir: Path) -> dict[str, list[float]]:
    """Seconds of each finished job, by rule, from the newest Snakemake log of `workdir`."""
    log = max((workdir / ".snakemake" / "log").glob("*.snakemake.log"))
    started, rule_of, times = {}, {}, defaultdict(list)
    stamp, rule = None, None
    for line in log.read_text().splitlines():
        if match := LOG_TIME.match(line):
            stamp = datetime.strptime(match[1], "%a %b %d %H:%M:%S %Y")
        elif match := re.match(r"^(?:local)?rule (\w+):$", line):
            rule = match[1]
        elif match := re.match(r"^\s+jobid: (\d+)$", line):
            started[match[1]], rule_of[match[1]] = stamp, rule
        elif match := re.match(r"^Finished jobid: (\d+)", line):
            times[rule_of[match[1]]].append((stamp - started[match[1]]).total_seconds())
    return times


# --- 3. the bare-tool floor ----------------------------------------------------------------


def planned_jobs(workdir: Path, cores: int) -> list[Job]:
    """Every job of the run, from Snakemake's dry run, with its shell command, in an order
    that runs each job after the jobs making its inputs (the dry run prints the members of
    a group job, indented, in name order)."""
    _, output = snakemake(workdir, cores, "--forceall", "--dry-run", "--printshellcmds")
    jobs: list[Job] = []
    for line in output.splitlines():
        if match := re.match(r"^\s*(?:local)?rule (\w+):$", line):
            jobs.append(Job(match[1], defaultdict(list), None))
        elif match := re.match(r"^\s+(input|output|log): (.+)$", line):
            jobs[-1].files[match[1]] += match[2].split(", ")
        elif line.startswith("Shell command: ") and line != "Shell command: None":
            jobs[-1].command = line.removeprefix("Shell command: ")
    return dependency_order([job for job in jobs if job.rule != "all"])


def dependency_order(jobs: list[Job]) -> list[Job]:
    made_by = {path: job.rule for job in jobs for path in job.files["output"]}
    ordered: list[Job] = []
    made: set[str] = set()
    waiting = list(jobs)
    while waiting:
        ready = next(
            job
            for job in waiting
            if all(path in made or path not in made_by for path in job.files["input"])
        )
        waiting.remove(ready)
        ordered.append(ready)
        made.update(ready.files["output"])
    return ordered


def bare_floor(workdir: Path, floor: Path, jobs: list[Job], python_steps: float) -> float:
    """The shell commands one after another in a plain directory; Python steps' outputs are
    copied from the workflow run and `python_steps` seconds (their time there) added."""
    shutil.rmtree(floor, ignore_errors=True)
    floor.mkdir(parents=True)
    total = python_steps
    for job in jobs:
        written = job.files["output"] + job.files["log"]
        for path in written:
            (floor / path).parent.mkdir(parents=True, exist_ok=True)
        if job.command is None:
            for path in written:
                copy = shutil.copytree if (workdir / path).is_dir() else shutil.copy2
                copy(workdir / path, floor / path)
            continue
        before = set(floor.iterdir())
        start = time.perf_counter()
        run(job.command, cwd=floor, env=python_env())
        total += time.perf_counter() - start
        remove_scratch(set(floor.iterdir()) - before, {Path(path).parts[0] for path in written})
    return total


def remove_scratch(entries: set[Path], kept: set[str]) -> None:
    """What a job made beside its outputs (the scratch folders of a rule Snakemake runs in a
    shadow directory, such as fastp's and FastQC's links): gone before the next job."""
    for entry in entries:
        if entry.name in kept:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()


# --- 4. scatter ----------------------------------------------------------------------------


CALLS = (
    f"results/calls/{NORMAL}.germline.vcf.gz",
    f"results/somatic/{PATIENT}.somatic.vcf.gz",
    f"results/somatic/{PATIENT}.all.vcf.gz",
)
KINDS = ("germline (bcftools)", "somatic (freebayes T/N)")


def calling_rerun(
    workdir: Path, target: Path, data: Path, scatter: int, cores: int
) -> dict[str, float]:
    """Germline, then somatic calling alone on a copy of the run (alignments kept): seconds
    of each (the germline run also splits the genome into the chunks)."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(workdir, target, symlinks=True)
    for calls in ("results/calls", "results/somatic", "results/reference/regions"):
        shutil.rmtree(target / calls, ignore_errors=True)
    configure(target, data, scatter)
    return {
        kind: snakemake(target, cores, path)[0] for kind, path in zip(KINDS, CALLS[:2], strict=True)
    }


# --- 5. accuracy ---------------------------------------------------------------------------


def truth_vafs(path: Path) -> dict[Key, float]:
    with pysam.VariantFile(str(path)) as vcf:
        return {(r.chrom, r.pos, r.ref, r.alts[0]): round(r.info["VAF"], 3) for r in vcf}


def accuracy(data: Path, workdir: Path) -> list[tuple[str, str]]:
    rows = []
    germline = score(
        variant_keys(data / "truth.germline.vcf.gz", pass_only=False),
        variant_keys(workdir / CALLS[0], sample=NORMAL),
    )
    for kind, result in germline.items():
        rows.append((f"germline {kind} recall / precision", f"{result}"))
    vafs = truth_vafs(data / "truth.somatic.vcf.gz")
    calls = variant_keys(workdir / CALLS[1], sample=TUMOUR)
    somatic = score(set(vafs), calls)
    for kind, result in somatic.items():
        rows.append((f"somatic {kind} recall / precision (all VAF)", f"{result}"))
    for low in sorted({vaf for _, vaf in CLONES}):
        truth = {key for key, vaf in vafs.items() if vaf == low}
        snv = score(truth, calls & truth)["SNV"]
        rows.append(
            (
                f"somatic SNV recall at VAF {low:.2f}",
                f"{snv.recall:.4f} ({snv.tp}/{snv.tp + snv.fn})",
            )
        )
    high = {key for key, vaf in vafs.items() if vaf >= 0.10}
    snv = score(high, calls & high)["SNV"]
    rows.append(
        ("somatic SNV recall at VAF >= 0.10", f"{snv.recall:.4f} ({snv.tp}/{snv.tp + snv.fn})")
    )
    return rows


# --- 6. planning ---------------------------------------------------------------------------


def timed(command: Sequence[str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds (user + system of the child) of a command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    run(command, cwd=cwd, env=python_env())
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu


def job_total(output: str) -> int:
    return int(re.findall(r"^total\s+(\d+)", output, re.M)[-1])


def floor_snakefile(jobs: int) -> str:
    """A trivial chain of FLOOR_STEPS rules plus single jobs: `jobs` jobs with rule all."""
    items, extra = divmod(jobs - 1, FLOOR_STEPS)
    lines = [
        "rule all:",
        "    input:",
        f'        expand("chain/{{i}}.{FLOOR_STEPS}", i=range({items})),',
        f'        expand("extra/{{i}}", i=range({extra})),',
        "",
        "rule extra:",
        "    output:",
        '        "extra/{i}",',
        "    shell:",
        '        "touch {output}"',
    ]
    for step in range(1, FLOOR_STEPS + 1):
        lines += ["", f"rule step{step}:"]
        if step > 1:
            lines += ["    input:", f'        "chain/{{i}}.{step - 1}",']
        lines += [
            "    output:",
            f'        "chain/{{i}}.{step}",',
            "    shell:",
            '        "touch {output}"',
        ]
    return "\n".join(lines) + "\n"


def planning(data: Path, plan: Path, cores: int) -> dict[str, float]:
    """Dry run of 500 germline samples x 2 lanes against Snakemake's floor (same job count)."""
    shutil.rmtree(plan, ignore_errors=True)
    configure(plan, data, 1)
    samples = ["sample\tpatient\ttype\ttumor_type"]
    units = ["sample\tunit\tplatform\tfq1\tfq2"]
    for index in range(PLAN_SAMPLES):
        samples.append(f"S{index:04d}\tP{index:04d}\tgermline\t")
        for lane in range(1, PLAN_LANES + 1):
            units.append(
                f"S{index:04d}\tL{lane:03d}\tILLUMINA\t"
                f"{data}/{NORMAL}_R1.fastq.gz\t{data}/{NORMAL}_R2.fastq.gz"
            )
    write_atomic(plan / "samples.tsv", "\n".join(samples) + "\n")
    write_atomic(plan / "units.tsv", "\n".join(units) + "\n")
    quiet = ["--dry-run", "--quiet", "rules", "--cores", str(cores)]
    command = [sys.executable, "-m", "snakemake", "--snakefile", str(REPO / "Snakefile")]
    command += ["--directory", str(plan), "--configfile", str(plan / "config.yaml"), *quiet]
    jobs = job_total(run(command, cwd=plan, env=python_env()))
    trivial = plan / "floor"
    trivial.mkdir()
    write_atomic(trivial / "Snakefile", floor_snakefile(jobs))
    floor_command = [sys.executable, "-m", "snakemake", *quiet]
    assert job_total(run(floor_command, cwd=trivial)) == jobs
    ours, floor = [], []
    for _ in range(PLAN_REPEATS):
        ours.append(timed(command, plan))
        floor.append(timed(floor_command, trivial))
    return {
        "jobs": jobs,
        "wall": min(wall for wall, _ in ours),
        "cpu": min(cpu for _, cpu in ours),
        "floor_wall": min(wall for wall, _ in floor),
        "floor_cpu": min(cpu for _, cpu in floor),
    }


# --- projection ----------------------------------------------------------------------------


def projection(
    times: dict[str, list[float]], genome_mb: float, cores: int
) -> list[tuple[str, str]]:
    """The measured steps scaled linearly to a human genome at the same depths (CLUSTER_CHUNKS
    chunks and CLUSTER_THREADS threads a job on a cluster). Fixed costs (index loading,
    start-up) are scaled too, so small genomes overestimate."""
    factor = HUMAN_MB / genome_mb
    align = sum(times["bwa_mem"]) * cores * factor / 3600
    rows = [
        (
            f"projected to a human genome (x{factor:.0f}): alignment, tumour + normal",
            f"{align:.0f} CPU-hours; {align / CLUSTER_THREADS:.1f} h at {CLUSTER_THREADS} "
            "threads a unit (less with more units in parallel)",
        )
    ]
    for rule, name in (("call_germline", "germline"), ("call_somatic", "somatic T/N")):
        hours = sum(times[rule]) * factor / 3600
        rows.append(
            (
                f"projected: {name} calling, one stream / calling.scatter {CLUSTER_CHUNKS}",
                f"{hours:.1f} h / {60 * hours / CLUSTER_CHUNKS:.0f} min a chunk",
            )
        )
    return rows


# --- report --------------------------------------------------------------------------------


def tool_versions() -> list[str]:
    versions = []
    for tool in TOOLS:
        found = subprocess.run(
            [tool, "--version"] if tool not in ("bwa", "wgsim") else [tool],
            capture_output=True,
            text=True,
            errors="replace",
        )
        text = found.stdout + found.stderr
        match = re.search(
            r"(?:Version:?|version|v)\s*:?\s*v?(\d+\.\d+[\w.+-]*)", text
        ) or re.search(r"(\d+\.\d+[\w.+-]*)", text)
        versions.append(f"{tool} {match[1] if match else '?'}")
    mason = re.search(r"version: (\S+)", run([str(SEQAN / "mason_variator"), "--version"]))
    versions.append(f"mason_variator {mason[1] if mason else '?'}")
    versions.append(f"snakemake {run([sys.executable, '-m', 'snakemake', '--version']).strip()}")
    return versions


def machine() -> str:
    memory = int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024
    os_name = "unknown"
    release = Path("/etc/os-release")
    if release.exists():
        os_name = (
            dict(line.split("=", 1) for line in release.read_text().splitlines() if "=" in line)
            .get("PRETTY_NAME", os_name)
            .strip('"')
        )
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    cores = f"{os.cpu_count()} cores ({cpu})"
    return f"{cores}, {memory:.1f} GB RAM, {os_name}, Linux {platform.release()}"


def fill_readme(readme: Path, text: str) -> None:
    """Put a full-size run's table between the README's FULL_SIZE markers."""
    start, end = FULL_SIZE
    content = readme.read_text()
    before, rest = content.split(start, 1)
    write_atomic(readme, before + start + "\n" + text + rest[rest.index(end) :])


def table(rows: Iterable[tuple[str, str]]) -> str:
    lines = ["| measure | value |", "|---|---|"]
    return "\n".join(lines + [f"| {name} | {value} |" for name, value in rows]) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--genome-mb", type=float, default=10.0, help="genome size in Mb")
    parser.add_argument("--contigs", type=int, default=4, help="contigs the genome is split into")
    parser.add_argument("--depth", type=float, default=30.0, help="depth of the normal")
    parser.add_argument("--tumour-depth", type=float, default=100.0, help="depth of the tumour")
    parser.add_argument("--cores", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument(
        "--out",
        type=Path,
        default=REPO / "bench" / "scale",
        help="work directory (simulated data of a size are kept and reused)",
    )
    parser.add_argument("--results", type=Path, default=REPO / "bench" / "RESULTS.md")
    parser.add_argument(
        "--quick", action="store_true", help="a 1 Mb genome (smoke size; overrides --genome-mb)"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.genome_mb = 1.0
    if not (SEQAN / "mason_variator").exists():
        sys.exit(f"{SEQAN}/mason_variator not found: apt-get install seqan-apps")
    out = args.out.resolve()
    data = out / (
        f"data-{args.genome_mb:g}mb-{args.contigs}contigs-{args.depth:g}x-"
        f"{args.tumour_depth:g}x-seed{args.seed}"
    )
    simulate(data, args)

    workdir = out / "run"
    shutil.rmtree(workdir, ignore_errors=True)
    configure(workdir, data, 1)
    wall, _ = snakemake(workdir, args.cores)
    times = job_times(workdir)
    jobs = planned_jobs(workdir, args.cores)
    python_rules = {job.rule for job in jobs if job.command is None}
    python_steps = sum(sum(times[rule]) for rule in python_rules)
    floor = bare_floor(workdir, out / "floor", jobs, python_steps)

    one = calling_rerun(workdir, out / "scatter1", data, 1, args.cores)
    many = calling_rerun(workdir, out / f"scatter{args.cores}", data, args.cores, args.cores)
    identical = [
        records(out / "scatter1" / calls) == records(out / f"scatter{args.cores}" / calls)
        for calls in CALLS
    ]
    plan = planning(data, out / "plan", args.cores)

    size = (
        f"{args.genome_mb:g} Mb genome ({args.contigs} contigs), normal {args.depth:g}x, "
        f"tumour {args.tumour_depth:g}x"
    )
    rows = [
        ("data", size),
        ("workflow wall time (scatter 1)", f"{wall:.1f} s ({sum(map(len, times.values()))} jobs)"),
        ("bare-tool floor (same commands, one after another)", f"{floor:.1f} s"),
        ("overhead ratio workflow / floor", f"{wall / floor:.2f}"),
        *(
            (f"rule {rule}", f"{sum(seconds):.0f} s ({len(seconds)} jobs)")
            for rule, seconds in sorted(times.items(), key=lambda item: -sum(item[1]))
            if sum(seconds) >= 1
        ),
        *(
            (
                f"{kind} calling re-run, scatter {args.cores} / scatter 1",
                f"{many[kind]:.1f} s / {one[kind]:.1f} s = {many[kind] / one[kind]:.2f}",
            )
            for kind in KINDS
        ),
        (
            f"all calling re-run, scatter {args.cores} / scatter 1",
            f"{sum(many.values()):.1f} s / {sum(one.values()):.1f} s = "
            f"{sum(many.values()) / sum(one.values()):.2f}",
        ),
        (
            "merged VCFs identical to scatter 1 (germline, somatic PASS, somatic all)",
            ", ".join(map(str, identical)),
        ),
        *accuracy(data, workdir),
        *projection(times, args.genome_mb, args.cores),
        (
            f"dry run {PLAN_SAMPLES} samples x {PLAN_LANES} lanes ({plan['jobs']} jobs), "
            f"wall / CPU (fastest of {PLAN_REPEATS})",
            f"{plan['wall']:.1f} s / {plan['cpu']:.1f} s",
        ),
        (
            f"Snakemake floor, same job count, wall / CPU (fastest of {PLAN_REPEATS})",
            f"{plan['floor_wall']:.1f} s / {plan['floor_cpu']:.1f} s",
        ),
        (
            "dry run / floor (wall, CPU)",
            f"{plan['wall'] / plan['floor_wall']:.2f}, {plan['cpu'] / plan['floor_cpu']:.2f}",
        ),
    ]
    text = table(rows)
    print(text)
    load = os.getloadavg()
    report = (
        "# Benchmark: the workflow at scale (`make bench`)\n\n"
        f"Written by `bench/workflow_scale.py` on {datetime.now():%Y-%m-%d}.\n\n"
        f"- Machine: {machine()}; load average at the end {load[0]:.1f}\n"
        f"- Tools: {', '.join(tool_versions())}\n"
        f"- Run: `--cores {args.cores}`, {size}, seed {args.seed}\n\n" + text
    )
    write_atomic(args.results, report)
    if args.genome_mb >= FULL_SIZE_MB and args.results == REPO / "bench" / "RESULTS.md":
        fill_readme(REPO / "README.md", f"Measured by `make bench` ({size}):\n\n" + text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
