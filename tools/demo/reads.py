"""A small seeded Illumina-like paired-end read simulator.

Input is a list of `Template`s: a sequence and the mean depth it should contribute. A germline
sample is two haplotypes per contig at half the depth each (`diploid_templates`); a tumour is
the same plus tumour haplotypes mixed in at a given fraction (`mix_templates`), and a
rearranged contig (a fusion) is just one more template. Fragments start uniformly along the
template, their lengths are Normal(350, 40) bounded below; read 1 is the 5' end of the
fragment on one strand, read 2 the 5' end of the other strand (reverse-complemented).

A sample made of cell populations (normal cells, tumour subclones) is described with
`CellPopulation`s: each holds the DNA molecules of one cell (a haplotype of a contig, an
amplified contig several times, a rearranged derivative) and the fraction of the sample's cells
it makes up; `population_templates` turns them into templates at a depth per copy.

Errors: per-base Phred qualities follow a position profile (mean ~36 at the start decaying to
~28 at the 3' end, read 2 a little worse, occasional low-quality bases); optionally they are
binned like a NovaSeq (`NOVASEQ_BINS`: 2/12/23/37, which compresses far better); each base is
miscalled with probability 10^(-Q/10) of the reported (binned) quality; rare 1-bp
insertion/deletion errors (~1e-5 per base).
Output FASTQ files are gzip with mtime 0, so the same seed gives the same bytes.
"""

from __future__ import annotations

import gzip
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from actionable.io.atomic import atomic_path

_CODE = np.full(256, 4, dtype=np.uint8)
for _i, _b in enumerate(b"ACGT"):
    _CODE[_b] = _i
_LETTER = np.frombuffer(b"ACGTN", dtype=np.uint8)
_COMPLEMENT_CODE = np.array([3, 2, 1, 0, 4], dtype=np.uint8)
# (highest raw quality of the bin, reported quality), as in Illumina's four-level binning
NOVASEQ_BINS: tuple[tuple[int, int], ...] = ((2, 2), (14, 12), (30, 23), (41, 37))


@dataclass(frozen=True)
class Template:
    """A sequence to sample fragments from, and the mean read depth it contributes."""

    name: str
    sequence: str
    coverage: float


@dataclass(frozen=True)
class ReadModel:
    """Read and error parameters."""

    read_length: int = 150
    fragment_mean: float = 350.0
    fragment_sd: float = 40.0
    fragment_min: int = 200
    quality_start: float = 36.0
    quality_end: float = 28.0
    quality_sd: float = 2.5
    read2_quality_drop: float = 1.0
    low_quality_rate: float = 0.004
    indel_error_rate: float = 1e-5
    quality_bins: tuple[tuple[int, int], ...] = ()  # empty: report the raw qualities

    def mean_quality(self, read: int) -> np.ndarray:
        """Mean Phred quality per cycle of read 1 or 2."""
        x = np.arange(self.read_length) / (self.read_length - 1)
        profile = self.quality_start - (self.quality_start - self.quality_end) * x**1.5
        return profile - (self.read2_quality_drop if read == 2 else 0.0)


@dataclass
class ReadBatch:
    """Simulated pairs as arrays: bases (codes 0-3) and Phred qualities, one row per read."""

    bases1: np.ndarray
    quals1: np.ndarray
    bases2: np.ndarray
    quals2: np.ndarray

    def __len__(self) -> int:
        return int(self.bases1.shape[0])


@dataclass(frozen=True)
class Molecule:
    """A DNA molecule of a cell (a contig haplotype or a derivative) and its copies per cell."""

    name: str
    sequence: str
    copies: float = 1.0


@dataclass(frozen=True)
class CellPopulation:
    """Cells of one kind (normal, a tumour subclone): their share of the sample's cells."""

    name: str
    fraction: float
    molecules: tuple[Molecule, ...]


def population_templates(
    populations: Sequence[CellPopulation], depth_per_copy: float
) -> list[Template]:
    """Templates of a cell mixture; one copy in every cell gives `depth_per_copy`.

    Molecules with the same name and sequence in several populations become one template
    (their depths add), so contigs without somatic changes are sampled once.
    """
    total = sum(p.fraction for p in populations)
    if any(p.fraction < 0 for p in populations) or abs(total - 1.0) > 1e-9:
        raise ValueError(f"cell fractions must be >= 0 and add up to 1 (they add up to {total})")
    depth: dict[tuple[str, str], float] = {}
    for population in populations:
        for molecule in population.molecules:
            key = (molecule.name, molecule.sequence)
            depth[key] = (
                depth.get(key, 0.0) + depth_per_copy * population.fraction * molecule.copies
            )
    return [Template(name, sequence, cov) for (name, sequence), cov in depth.items() if cov > 0]


def diploid_templates(haplotypes: Mapping[str, tuple[str, str]], coverage: float) -> list[Template]:
    """Two haplotypes per contig, each at half the depth."""
    return [
        Template(f"{contig}#{i + 1}", sequence, coverage / 2)
        for contig, pair in haplotypes.items()
        for i, sequence in enumerate(pair)
    ]


def mix_templates(
    normal: Sequence[Template], tumour: Sequence[Template], tumour_fraction: float
) -> list[Template]:
    """Normal cells at (1 - f) of their depth plus tumour cells at f of theirs."""
    if not 0.0 <= tumour_fraction <= 1.0:
        raise ValueError(f"tumour fraction {tumour_fraction} is not between 0 and 1")
    return [replace(t, coverage=t.coverage * (1 - tumour_fraction)) for t in normal] + [
        replace(t, coverage=t.coverage * tumour_fraction) for t in tumour
    ]


def _template_reads(
    template: Template, model: ReadModel, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Error-free read 1 and read 2 of the fragments of one template (codes, n x len+1)."""
    seq = _CODE[np.frombuffer(template.sequence.encode("ascii"), dtype=np.uint8)]
    length = len(seq)
    extra = model.read_length + 1  # one spare base for deletion errors
    n = round(template.coverage * length / (2 * model.read_length))
    if n == 0 or length < model.fragment_min:
        empty = np.zeros((0, extra), dtype=np.uint8)
        return empty, empty
    sizes = np.round(rng.normal(model.fragment_mean, model.fragment_sd, size=n)).astype(int)
    sizes = np.clip(sizes, model.fragment_min, length)
    starts = (rng.random(n) * (length - sizes + 1)).astype(int)
    forward = seq[starts[:, None] + np.arange(extra)]
    reverse = _COMPLEMENT_CODE[seq[(starts + sizes - 1)[:, None] - np.arange(extra)]]
    minus = (rng.random(n) < 0.5)[:, None]
    return np.where(minus, reverse, forward), np.where(minus, forward, reverse)


def _add_indel_errors(reads: np.ndarray, model: ReadModel, rng: np.random.Generator) -> np.ndarray:
    """Trim to read length; a few reads get a 1-bp insertion or deletion error."""
    length = model.read_length
    out = reads[:, :length].copy()
    hit = np.flatnonzero(rng.random(len(reads)) < model.indel_error_rate * length)
    for row in hit:
        at = int(rng.integers(1, length - 1))
        if rng.random() < 0.5:
            out[row] = np.concatenate([reads[row, :at], reads[row, at + 1 : length + 1]])
        else:
            base = np.array([rng.integers(4)], dtype=np.uint8)
            out[row] = np.concatenate([reads[row, :at], base, reads[row, at : length - 1]])
    return out


def _qualities_and_errors(
    bases: np.ndarray, read: int, model: ReadModel, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    shape = bases.shape
    quals = np.rint(rng.normal(model.mean_quality(read), model.quality_sd, size=shape))
    low = rng.random(shape) < model.low_quality_rate
    quals[low] = rng.integers(2, 13, size=int(low.sum()))
    quals = np.clip(quals, 2, 41).astype(np.uint8)
    if model.quality_bins:
        uppers = np.array([upper for upper, _ in model.quality_bins])
        values = np.array([value for _, value in model.quality_bins], dtype=np.uint8)
        quals = values[np.searchsorted(uppers, quals)]
    wrong = rng.random(shape) < 10.0 ** (-quals.astype(float) / 10.0)
    shift = rng.integers(1, 4, size=shape).astype(np.uint8)
    called = np.where(wrong, (bases + shift) % 4, bases).astype(np.uint8)
    return called, quals


def simulate_reads(
    templates: Sequence[Template], model: ReadModel, rng: np.random.Generator
) -> ReadBatch:
    """Read pairs of all templates, in random order."""
    firsts, seconds = [], []
    for template in templates:
        r1, r2 = _template_reads(template, model, rng)
        firsts.append(r1)
        seconds.append(r2)
    bases1 = _add_indel_errors(np.concatenate(firsts), model, rng)
    bases2 = _add_indel_errors(np.concatenate(seconds), model, rng)
    bases1, quals1 = _qualities_and_errors(bases1, 1, model, rng)
    bases2, quals2 = _qualities_and_errors(bases2, 2, model, rng)
    order = rng.permutation(len(bases1))
    return ReadBatch(bases1[order], quals1[order], bases2[order], quals2[order])


def _fastq_bytes(names: Sequence[str], bases: np.ndarray, quals: np.ndarray) -> bytes:
    letters = _LETTER[bases]
    phred = (quals + 33).astype(np.uint8)
    chunks = []
    for name, seq_row, qual_row in zip(names, letters, phred, strict=True):
        chunks.append(b"@" + name.encode() + b"\n" + seq_row.tobytes() + b"\n+\n")
        chunks.append(qual_row.tobytes() + b"\n")
    return b"".join(chunks)


def write_gzip_deterministic(path: Path, data: bytes) -> None:
    """gzip `data` to `path` with mtime 0 and no file name (same bytes every time)."""
    with (
        atomic_path(path) as tmp,
        open(tmp, "wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz,
    ):
        gz.write(data)


def write_fastq_pair(batch: ReadBatch, sample: str, lane: str, r1: Path, r2: Path) -> None:
    """Read names `<sample>:<lane>:<n>`, the same in R1 and R2."""
    names = [f"{sample}:{lane}:{n}" for n in range(1, len(batch) + 1)]
    write_gzip_deterministic(r1, _fastq_bytes(names, batch.bases1, batch.quals1))
    write_gzip_deterministic(r2, _fastq_bytes(names, batch.bases2, batch.quals2))


def simulate_sample(
    templates: Sequence[Template],
    sample: str,
    lanes: Sequence[str],
    outdir: Path,
    seed: int,
    model: ReadModel | None = None,
) -> dict[str, tuple[Path, Path, int]]:
    """Split the depth evenly over `lanes`; write `<sample>_<lane>_R{1,2}.fastq.gz`."""
    model = model or ReadModel()
    outdir.mkdir(parents=True, exist_ok=True)
    written: dict[str, tuple[Path, Path, int]] = {}
    for index, lane in enumerate(lanes):
        rng = np.random.default_rng([seed, index])
        share = [replace(t, coverage=t.coverage / len(lanes)) for t in templates]
        batch = simulate_reads(share, model, rng)
        r1 = outdir / f"{sample}_{lane}_R1.fastq.gz"
        r2 = outdir / f"{sample}_{lane}_R2.fastq.gz"
        write_fastq_pair(batch, sample, lane, r1, r2)
        written[lane] = (r1, r2, len(batch))
    return written
