"""tools/gene_spans.py: lifting GRCh38 positions through a chain file."""

from __future__ import annotations

from pathlib import Path

from tools.gene_spans import lift, read_chains

# Two chains in UCSC chain format: chr1 maps with a 100-base offset across a gap; chr2 maps
# to the reverse strand of a 1000-base query chromosome.
CHAIN = """chain 100 chr1 5000 + 0 400 chr1 5000 + 100 520 1
200 20 40
180

chain 100 chr2 3000 + 1000 1100 2 1000 - 0 100 2
100
"""


def test_lift_forward_chain_across_a_gap(tmp_path: Path) -> None:
    path = tmp_path / "test.chain"
    path.write_text(CHAIN)
    chains = read_chains(path)
    assert lift(chains, "1", 1) == ("1", 101)
    assert lift(chains, "1", 200) == ("1", 300)
    assert lift(chains, "1", 210) is None  # in the 20-base target gap
    assert lift(chains, "1", 221) == ("1", 341)  # 220 + 20 skipped + 40 inserted + 100
    assert lift(chains, "1", 401) is None  # past the chain


def test_lift_reverse_strand_chain(tmp_path: Path) -> None:
    path = tmp_path / "test.chain"
    path.write_text(CHAIN)
    chains = read_chains(path)
    assert lift(chains, "2", 1001) == ("2", 1000)
    assert lift(chains, "2", 1100) == ("2", 901)
    assert lift(chains, "3", 5) is None
