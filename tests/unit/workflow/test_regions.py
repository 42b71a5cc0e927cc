"""Region chunks for scatter-gather calling: coverage, where cuts fall, balance, determinism."""

from __future__ import annotations

import itertools
import random
import shutil
from pathlib import Path

import pysam
import pytest

from actionable.errors import FormatError
from actionable.workflow import regions
from actionable.workflow.regions import (
    MIN_GAP,
    Block,
    Interval,
    chunk_blocks,
    fasta_gaps,
    find_gaps,
    genome_blocks,
    main,
    partition,
    read_targets,
    split_regions,
)

SEEDS = range(12)


def random_genome(seed: int) -> dict[str, str]:
    """Contigs of varied size with N-runs inside and at the ends, some shorter than MIN_GAP."""
    rng = random.Random(seed)
    genome = {}
    for index in range(rng.randint(1, 6)):
        parts = []
        if rng.random() < 0.3:
            parts.append("N" * rng.randint(1, 3000))  # telomere-like gap
        for _ in range(rng.randint(1, 6)):
            parts.append("".join(rng.choice("ACGTacgt") for _ in range(rng.randint(50, 20000))))
            if rng.random() < 0.6:
                size = rng.choice([rng.randint(1, MIN_GAP - 1), rng.randint(MIN_GAP, 5000)])
                parts.append(rng.choice("Nn") * size)
        parts.append("".join(rng.choice("ACGT") for _ in range(rng.randint(1, 500))))
        genome[f"ctg{index}"] = "".join(parts)
    return genome


def write_fasta(directory: Path, genome: dict[str, str]) -> Path:
    path = directory / "genome.fa"
    with path.open("w") as handle:
        for name, sequence in genome.items():
            handle.write(f">{name}\n")
            for start in range(0, len(sequence), 60):
                handle.write(sequence[start : start + 60] + "\n")
    pysam.faidx(str(path))
    return path


def gap_bases(sequence: str) -> int:
    return sum(b - a for a, b in find_gaps(sequence, MIN_GAP))


def assert_cover_exactly(chunks: list[list[Interval]], expected: dict[str, list[tuple[int, int]]]):
    """The chunks, read in order, list exactly the expected intervals' bases once each, sorted."""
    flat = [interval for chunk in chunks for interval in chunk]
    contigs = list(expected)
    order = {name: i for i, name in enumerate(contigs)}
    keys = [(order[i.contig], i.start) for i in flat]
    assert keys == sorted(keys), "chunks are not consecutive in reference order"
    for name, wanted in expected.items():
        covered = [(i.start, i.end) for i in flat if i.contig == name]
        for (_, b1), (a2, _) in itertools.pairwise(covered):
            assert b1 <= a2, f"overlap on {name}: {covered}"
        bases = {p for a, b in covered for p in range(a, b)}
        assert bases == {p for a, b in wanted for p in range(a, b)}, name


def brute_force_max(weights: list[int], parts: int) -> int:
    """Smallest largest group sum over every way to cut `weights` into consecutive groups."""
    used = min(parts, len(weights))
    best = None
    for cuts in itertools.combinations(range(1, len(weights)), used - 1):
        edges = [0, *cuts, len(weights)]
        worst = max(sum(weights[a:b]) for a, b in itertools.pairwise(edges))
        best = worst if best is None else min(best, worst)
    return best


# -- N-runs -------------------------------------------------------------------------------


def test_find_gaps_finds_runs_of_either_case_from_the_minimum_length() -> None:
    sequence = "ACGT" + "N" * 5 + "AC" + "nnNn" + "G" + "N" * 3
    assert find_gaps(sequence, 4) == [(4, 9), (11, 15)]
    assert find_gaps(sequence, 1, offset=100) == [(104, 109), (111, 115), (116, 119)]
    assert find_gaps("ACGT", 1) == []


@pytest.mark.parametrize("seed", SEEDS)
def test_fasta_gaps_equal_the_runs_of_the_whole_sequence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    genome = random_genome(seed)
    fasta = write_fasta(tmp_path, genome)
    monkeypatch.setattr(regions, "_SCAN_WINDOW", 977)  # runs straddle window borders
    lengths = regions.read_fai(f"{fasta}.fai")
    gaps = fasta_gaps(fasta, lengths, MIN_GAP)
    assert gaps == {name: find_gaps(seq, MIN_GAP) for name, seq in genome.items()}


# -- the whole genome ------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("chunks", [1, 2, 3, 5, 8, 40])
def test_genome_chunks_cover_every_base_once_and_cut_only_in_gaps(
    tmp_path: Path, seed: int, chunks: int
) -> None:
    genome = random_genome(seed)
    fasta = write_fasta(tmp_path, genome)
    result = split_regions(f"{fasta}.fai", chunks, fasta=fasta)

    assert len(result.stretches) == chunks
    assert_cover_exactly(result.stretches, {name: [(0, len(s))] for name, s in genome.items()})
    assert result.targets == result.stretches  # without targets, every record is kept

    # every border inside a contig lies strictly inside an N-run of >= MIN_GAP bases
    gaps = {name: find_gaps(seq, MIN_GAP) for name, seq in genome.items()}
    flat = [interval for chunk in result.stretches for interval in chunk]
    for interval in flat:
        length = len(genome[interval.contig])
        for border in (interval.start, interval.end):
            if 0 < border < length:
                assert any(a < border < b for a, b in gaps[interval.contig]), (interval, border)

    # weights are the bases outside the gaps; balance within one block of the ideal
    blocks = genome_blocks({n: len(s) for n, s in genome.items()}, gaps)
    total = sum(len(seq) - gap_bases(seq) for seq in genome.values())
    assert sum(result.weights) == total == sum(block.weight for block in blocks)
    assert max(result.weights) <= total / chunks + max(block.weight for block in blocks)
    # no chunk is empty while there are blocks for it; surplus chunks come last
    filled = min(chunks, len(blocks))
    assert all(result.stretches[:filled]) and not any(result.stretches[filled:])


def test_genome_without_gaps_is_cut_between_contigs_only(tmp_path: Path) -> None:
    genome = {"a": "ACGT" * 500, "b": "ACGT" * 2000, "c": "ACGT" * 400, "d": "ACGT" * 600}
    fasta = write_fasta(tmp_path, genome)
    result = split_regions(f"{fasta}.fai", 2, fasta=fasta)
    assert result.stretches == [
        [Interval("a", 0, 2000), Interval("b", 0, 8000)],
        [Interval("c", 0, 1600), Interval("d", 0, 2400)],
    ]
    assert result.weights == [10000, 4000]
    many = split_regions(f"{fasta}.fai", 6, fasta=fasta)
    assert [len(chunk) for chunk in many.stretches] == [1, 1, 1, 1, 0, 0] and many.empty == 2


def test_a_gap_is_cut_in_its_middle_and_short_or_terminal_runs_are_not(tmp_path: Path) -> None:
    sequence = "N" * 1500 + "A" * 3000 + "N" * 999 + "C" * 3000 + "N" * 2000 + "G" * 4000
    fasta = write_fasta(tmp_path, {"chr": sequence})
    result = split_regions(f"{fasta}.fai", 2, fasta=fasta)
    cut = 1500 + 3000 + 999 + 3000 + 1000  # middle of the 2000-base gap
    assert result.stretches == [[Interval("chr", 0, cut)], [Interval("chr", cut, len(sequence))]]
    assert result.weights == [3000 + 999 + 3000, 4000]  # short N-runs count as bases


# -- target regions ----------------------------------------------------------------------------


def random_targets(seed: int, lengths: dict[str, int]) -> list[tuple[str, int, int]]:
    rng = random.Random(seed)
    targets = []
    for name, length in lengths.items():
        for _ in range(rng.randint(0, 25)):
            start = rng.randrange(length)
            targets.append((name, start, min(length, start + rng.randint(0, 2500))))
    rng.shuffle(targets)
    return targets or [(next(iter(lengths)), 0, 1)]


def write_bed(path: Path, targets: list[tuple[str, int, int]], header: bool = True) -> Path:
    lines = ["track name=targets", "# panel v1"] if header else []
    lines += [f"{c}\t{s}\t{e}\tname{i}" for i, (c, s, e) in enumerate(targets)]
    path.write_text("\n".join(lines) + "\n")
    return path


def genome_with_targets(tmp_path: Path, seed: int):
    genome = random_genome(seed)
    fasta = write_fasta(tmp_path, genome)
    lengths = {name: len(seq) for name, seq in genome.items()}
    targets = random_targets(seed, lengths)
    return genome, fasta, targets, write_bed(tmp_path / "targets.bed", targets)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("chunks", [1, 2, 3, 7, 60])
def test_target_chunks_keep_each_target_base_once_and_never_cut_a_target(
    tmp_path: Path, seed: int, chunks: int
) -> None:
    genome, fasta, targets, bed = genome_with_targets(tmp_path, seed)
    result = split_regions(f"{fasta}.fai", chunks, fasta=fasta, targets=bed)

    expected = {name: [(s, e) for c, s, e in targets if c == name] for name in genome}
    assert_cover_exactly(result.targets, expected)
    # each target (as given, overlapping ones included) is kept by exactly one chunk, and
    # lies inside a stretch that chunk walks
    for contig, start, end in targets:
        if end > start:
            holders = [
                k
                for k, chunk in enumerate(result.targets)
                if any(i.contig == contig and i.start <= start and end <= i.end for i in chunk)
            ]
            assert len(holders) == 1, (contig, start, end)
            walked = result.stretches[holders[0]]
            assert any(i.contig == contig and i.start <= start and end <= i.end for i in walked)
    # stretches are whole contigs or cut in N-runs, never inside a target
    gaps = {name: find_gaps(seq, MIN_GAP) for name, seq in genome.items()}
    for interval in (i for chunk in result.stretches for i in chunk):
        for border in (interval.start, interval.end):
            if 0 < border < len(genome[interval.contig]):
                assert any(a < border < b for a, b in gaps[interval.contig])
                assert not any(c == interval.contig and s < border < e for c, s, e in targets)
    # only stretches holding targets are walked; weights are target bases, balanced
    total = sum(e - s for chunk in expected.values() for s, e in merge(chunk))
    assert sum(result.weights) == total
    assert all(chunk_targets for chunk_targets in result.targets[: chunks - result.empty])
    lengths = {name: len(seq) for name, seq in genome.items()}
    blocks = genome_blocks(lengths, gaps, read_targets(bed, lengths))
    assert blocks == [block for chunk in result.blocks for block in chunk]
    assert all(block.targets for block in blocks)
    assert max(result.weights) <= total / chunks + max(block.weight for block in blocks)


def merge(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        elif end > start:
            merged.append((start, end))
    return merged


def test_a_gap_inside_a_target_is_not_cut(tmp_path: Path) -> None:
    sequence = "A" * 3000 + "N" * 2000 + "C" * 3000 + "N" * 2000 + "G" * 3000
    fasta = write_fasta(tmp_path, {"chr": sequence, "other": "ACGT" * 1000})
    targets = [("chr", 100, 200), ("chr", 3900, 4100), ("chr", 9000, 9100)]
    bed = write_bed(tmp_path / "t.bed", targets)
    result = split_regions(f"{fasta}.fai", 3, fasta=fasta, targets=bed)
    # the first gap's middle (4000) is inside a target: only the second gap (middle 9000)
    # may be cut; "other" has no target and is not walked
    assert result.stretches == [[Interval("chr", 0, 9000)], [Interval("chr", 9000, 13000)], []]
    assert result.targets == [
        [Interval("chr", 100, 200), Interval("chr", 3900, 4100)],
        [Interval("chr", 9000, 9100)],
        [],
    ]
    assert result.weights == [300, 100, 0] and result.empty == 1


def test_targets_are_sorted_and_merged(tmp_path: Path) -> None:
    lengths = {"chr1": 100000, "chr2": 50000}
    bed = write_bed(
        tmp_path / "t.bed",
        [("chr2", 10, 20), ("chr1", 5000, 5100), ("chr1", 100, 200), ("chr1", 150, 300),
         ("chr1", 300, 400), ("chr1", 1300, 1350), ("chr1", 7000, 7000)],
    )  # fmt: skip
    assert read_targets(bed, lengths) == [
        Interval("chr1", 100, 400),
        Interval("chr1", 1300, 1350),
        Interval("chr1", 5000, 5100),
        Interval("chr2", 10, 20),
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("chrX\t1\t10", "not in the reference"),
        ("chr1\t10\t100001", "not within chr1"),
        ("chr1\t10\t5", "not within chr1"),
        ("chr1\tten\t20", "must be integers"),
        ("chr1 10 20", "contig, start and end"),
    ],
)
def test_bad_target_lines_name_the_line(tmp_path: Path, line: str, message: str) -> None:
    bed = tmp_path / "t.bed"
    bed.write_text(f"chr1\t0\t5\n{line}\n")
    with pytest.raises(FormatError, match=rf"t\.bed:2: .*{message}"):
        read_targets(bed, {"chr1": 100000})


def test_a_bed_without_intervals_is_an_error(tmp_path: Path) -> None:
    bed = write_bed(tmp_path / "t.bed", [("chr1", 5, 5)])
    with pytest.raises(FormatError, match="no intervals"):
        read_targets(bed, {"chr1": 100})


# -- balance ----------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(40))
def test_partition_is_optimal_consecutive_grouping(seed: int) -> None:
    rng = random.Random(seed)
    weights = [rng.choice([0, rng.randint(1, 10), rng.randint(1, 1000)]) for _ in range(9)]
    weights = weights[: rng.randint(1, 9)]
    for parts in range(1, 12):
        sizes = partition(weights, parts)
        assert len(sizes) == parts and sum(sizes) == len(weights)
        assert all(sizes[: min(parts, len(weights))]) and not any(sizes[len(weights) :])
        edges = list(itertools.accumulate([0, *sizes]))
        loads = [sum(weights[a:b]) for a, b in itertools.pairwise(edges)]
        assert max(loads) == brute_force_max(weights, parts)
        assert max(loads) <= sum(weights) / parts + max(weights)


def test_partition_places_borders_near_their_ideal_places() -> None:
    assert partition([5] * 12, 4) == [3, 3, 3, 3]
    assert sorted(partition([5] * 10, 4)) == [2, 2, 3, 3]  # not 3, 3, 3, 1
    # the largest group (one heavy item) fixes the maximum; the rest is still spread evenly
    assert partition([1] * 8 + [100] + [1] * 8, 3) == [8, 1, 8]
    assert partition([100] + [1] * 30, 4) == [1, 10, 10, 10]
    assert partition([], 3) == [0, 0, 0]


def test_adjacent_blocks_in_one_chunk_become_one_interval() -> None:
    c1, c2, d = Interval("c", 0, 10), Interval("c", 10, 30), Interval("d", 0, 30)
    blocks = [Block(c1, (c1,), 10), Block(c2, (c2,), 20), Block(d, (d,), 30)]
    assert chunk_blocks(blocks, 2).stretches == [[Interval("c", 0, 30)], [Interval("d", 0, 30)]]


# -- determinism and the command line ----------------------------------------------------------


def read_layout(directory: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(directory)): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


@pytest.mark.parametrize("seed", [1, 7])
def test_command_line_writes_the_same_layout_on_every_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    fasta = write_fasta(tmp_path, random_genome(seed))
    monkeypatch.chdir(tmp_path)  # the workflow gives a relative directory
    layouts = []
    for _ in range(2):
        shutil.rmtree("regions", ignore_errors=True)
        assert main(["--fasta", str(fasta), "--chunks", "4", "--out", "regions"]) == 0
        layouts.append(read_layout(Path("regions")))
    assert layouts[0] == layouts[1]
    # per chunk: the kept positions, and its blocks' files, which together cover them
    files = layouts[0]
    for chunk in range(1, 5):
        kept = files[f"{chunk:04d}.bed"].decode()
        listed = files[f"{chunk:04d}.blocks"].decode().splitlines()
        assert all(path.startswith("regions/blocks/") for path in listed)
        blocks = "".join(Path(path).read_text() for path in listed)
        assert kept.splitlines() == merge_bed_lines(blocks.splitlines())
    numbers = [name for name in files if name.startswith("blocks/")]
    assert numbers == [f"blocks/{k:06d}.bed" for k in range(1, len(numbers) + 1)]


def merge_bed_lines(lines: list[str]) -> list[str]:
    merged: list[list] = []
    for line in lines:
        contig, start, end = line.split("\t")
        if merged and merged[-1][0] == contig and merged[-1][2] == int(start):
            merged[-1][2] = int(end)
        else:
            merged.append([contig, int(start), int(end)])
    return [f"{c}\t{s}\t{e}" for c, s, e in merged]


def test_block_files_do_not_depend_on_the_number_of_chunks(tmp_path: Path) -> None:
    genome = random_genome(3)
    fasta = write_fasta(tmp_path, genome)
    layouts = {}
    for chunks in (1, 3, 6):
        out = tmp_path / str(chunks)
        assert main(["--fasta", str(fasta), "--chunks", str(chunks), "--out", str(out)]) == 0
        files = read_layout(out)
        layouts[chunks] = {k: v for k, v in files.items() if k.startswith("blocks/")}
        lists = [files[f"{k:04d}.blocks"].decode() for k in range(1, chunks + 1)]
        assert "".join(lists).replace(str(out), "") == "".join(
            f"/{name}\n" for name in sorted(layouts[chunks])
        )
    assert layouts[1] == layouts[3] == layouts[6]


def test_command_line_reports_bad_input_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fasta = write_fasta(tmp_path, {"chr1": "ACGT" * 100})
    bed = tmp_path / "t.bed"
    bed.write_text("1\t0\t10\n")
    out = tmp_path / "out"
    assert (
        main(["--fasta", str(fasta), "--targets", str(bed), "--chunks", "2", "--out", str(out)])
        == 2
    )
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "contig '1' is not in the reference" in error
    assert not out.exists()
