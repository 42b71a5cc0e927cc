"""The one opener of text inputs: plain, gzip or BGZF, told apart by the first bytes of the
file (not by its name), always decoded as UTF-8."""

from __future__ import annotations

import gzip
import os
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from actionable.errors import InputFileError

GZIP_MAGIC = b"\x1f\x8b"  # gzip and BGZF (BGZF is gzip with extra block fields)


def is_gzip(path: str | os.PathLike[str]) -> bool:
    """True when the file starts with the gzip magic bytes; OSError if it cannot be opened."""
    with Path(path).open("rb") as handle:
        return handle.read(len(GZIP_MAGIC)) == GZIP_MAGIC


def open_text(path: str | os.PathLike[str], errors: str = "strict") -> TextIO:
    """Open a plain or gzip/BGZF-compressed file for reading as UTF-8 text.

    `errors` is the decoding error handler (`"strict"`, `"replace"`...). Lines end in "\\n"
    whatever the file used (universal newlines). Failing to open the file raises the OSError
    of `open` (FileNotFoundError, IsADirectoryError, PermissionError...); callers turn it into
    an `InputFileError` worded for what they read. Corrupt compressed data raises
    `gzip.BadGzipFile`/`EOFError`/`zlib.error` while reading.
    """
    source = Path(path)
    if is_gzip(source):
        return gzip.open(source, "rt", encoding="utf-8", errors=errors)
    return source.open("r", encoding="utf-8", errors=errors)


def read_lines(path: str | os.PathLike[str], what: str = "file") -> Iterator[str]:
    """The lines of a plain or gzip/BGZF text file, read lazily.

    Failing to open, decompress or decode it raises `InputFileError`
    "{path}: cannot read {what} ({reason})" when the lines are iterated.
    """
    try:
        with open_text(path) as handle:
            yield from handle
    except (OSError, EOFError, UnicodeDecodeError, zlib.error) as exc:
        raise InputFileError(f"{path}: cannot read {what} ({exc})") from None
