"""Reading `samtools stats` output: the summary numbers (SN lines).

``SN<TAB>raw total sequences:<TAB>45980<TAB># comment``: the name without its colon, and the
value as a number; other sections are skipped.
"""

from __future__ import annotations

import os

from actionable.io.text import read_lines


def read_summary_numbers(path: str | os.PathLike[str]) -> dict[str, float]:
    """The SN section as name -> value ("raw total sequences", "reads mapped", ...)."""
    numbers: dict[str, float] = {}
    for line in read_lines(path, "QC file"):
        if not line.startswith("SN\t"):
            continue
        fields = line.rstrip("\n").split("\t")
        if len(fields) < 3:
            continue
        try:
            numbers[fields[1].rstrip(":")] = float(fields[2])
        except ValueError:
            continue
    return numbers
