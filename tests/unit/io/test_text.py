"""actionable.io.text: one opener for plain and gzip/BGZF text, told apart by content."""

from __future__ import annotations

import gzip
from pathlib import Path

import pysam
import pytest

from actionable.errors import InputFileError
from actionable.io.text import is_gzip, open_text, read_lines

TEXT = "line one\nline two\r\nlast line without newline"


def test_plain_gzip_and_bgzf_read_the_same(tmp_path: Path) -> None:
    plain = tmp_path / "plain.txt"
    plain.write_text(TEXT, encoding="utf-8")
    gz = tmp_path / "x.txt.gz"
    with gzip.open(gz, "wt", encoding="utf-8") as handle:
        handle.write(TEXT)
    bgzf = tmp_path / "x.txt.bgz"
    pysam.tabix_compress(str(plain), str(bgzf))
    expected = ["line one\n", "line two\n", "last line without newline"]
    for path in (plain, gz, bgzf):
        with open_text(path) as handle:
            assert list(handle) == expected
    assert [is_gzip(p) for p in (plain, gz, bgzf)] == [False, True, True]


def test_the_content_decides_not_the_name(tmp_path: Path) -> None:
    named_gz = tmp_path / "plain.gz"
    named_gz.write_text("plain\n", encoding="utf-8")
    unnamed = tmp_path / "compressed.txt"
    unnamed.write_bytes(gzip.compress(b"compressed\n"))
    with open_text(named_gz) as a, open_text(unnamed) as b:
        assert (a.read(), b.read()) == ("plain\n", "compressed\n")


def test_decoding_errors(tmp_path: Path) -> None:
    latin = tmp_path / "latin.txt"
    latin.write_bytes(b"caf\xe9\n")
    with open_text(latin, errors="replace") as handle:
        assert handle.read() == "caf\ufffd\n"
    with pytest.raises(InputFileError, match=r"latin\.txt: cannot read table \("):
        list(read_lines(latin, "table"))


def test_open_errors(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        open_text(tmp_path / "absent.txt")
    with pytest.raises(InputFileError, match=r"absent\.txt: cannot read QC file \("):
        list(read_lines(tmp_path / "absent.txt", "QC file"))
    broken = tmp_path / "broken.gz"
    broken.write_bytes(gzip.compress(b"x" * 1000)[:20])
    with pytest.raises(InputFileError, match=r"broken\.gz: cannot read file \("):
        list(read_lines(broken))
