"""Enough data for a therapy report? Mapped reads and mean depth over the targets.

`assess` judges the samples behind one report (a cancer patient's tumour and normal, or a
germline sample) against `qc.min_reads` and `qc.min_mean_depth` and writes the verdict as
JSON; `actionable match` copies it into findings.json as `data_check`. A report on too little
data would read like a negative result, so its findings are withheld unless the user opted
in (`qc.allow_low_data`). `gate` runs after every report: it fails, naming each report with
too little data, unless the user opted in.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from actionable.errors import ActionableError, FormatError, UsageError
from actionable.formats.findings import findings_withheld
from actionable.formats.mosdepth import read_summary
from actionable.formats.samtools_stats import read_summary_numbers
from actionable.io.atomic import write_atomic


def _sample_data(sample: str, stats: Path, summary: Path) -> dict[str, Any]:
    mapped = read_summary_numbers(stats).get("reads mapped")
    if mapped is None:
        raise FormatError(f"{stats}: no 'reads mapped' line; is it `samtools stats` output?")
    depth = read_summary(summary)
    if depth is None:
        raise FormatError(f"{summary}: no total_region or total row; is it mosdepth's summary?")
    return {"sample": sample, "reads": int(mapped), "mean_depth": round(depth, 2)}


def insufficiency(reads: int, mean_depth: float) -> str:
    """The words the report and findings.json use for too little data."""
    return f"insufficient data: {reads} reads / mean depth {mean_depth:.1f}x over the targets"


def assess(
    samples: dict[str, tuple[Path, Path]], min_reads: int, min_mean_depth: float, allowed: bool
) -> dict[str, Any]:
    """The `data_check` of one report: per sample (name -> samtools stats, mosdepth
    summary) its mapped reads and mean target depth, and the verdict."""
    measured = [_sample_data(name, *files) for name, files in samples.items()]
    short = [s for s in measured if s["reads"] < min_reads or s["mean_depth"] < min_mean_depth]
    message = None
    if short:
        message = "; ".join(
            insufficiency(s["reads"], s["mean_depth"])
            + (f" (sample {s['sample']})" if len(measured) > 1 else "")
            for s in short
        )
        message += f" (needs at least {min_reads} mapped reads and {min_mean_depth:g}x)"
    return {
        "sufficient": not short,
        "allowed": allowed,
        "min_reads": min_reads,
        "min_mean_depth": min_mean_depth,
        "samples": measured,
        "message": message,
    }


def gate(checks: list[Path], out: Path) -> None:
    """Fail naming every report whose findings were withheld for too little data; else
    write one line per report (name, verdict, message) to `out`."""
    verdicts = {path.name.removesuffix(".json"): json.loads(path.read_text()) for path in checks}
    failed = [f"{name}: {c['message']}" for name, c in verdicts.items() if findings_withheld(c)]
    if failed:
        raise UsageError(
            "too little data for a therapy report (set qc.allow_low_data: true to report "
            "anyway, marked as such): " + " | ".join(failed)
        )
    lines = ["report\tdata\tmessage"] + [
        f"{name}\t{'sufficient' if c['sufficient'] else 'insufficient'}\t{c['message'] or ''}"
        for name, c in verdicts.items()
    ]
    write_atomic(out, "\n".join(lines) + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m actionable.workflow.data_check",
        description="Judge whether a report rests on enough data (assess), or stop the run "
        "when one does not (gate).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    one = commands.add_parser("assess", help="mapped reads and mean target depth of a report")
    one.add_argument("--samples", nargs="+", required=True)
    one.add_argument("--stats", nargs="+", required=True, type=Path, help="samtools stats")
    one.add_argument("--summary", nargs="+", required=True, type=Path, help="mosdepth summary")
    one.add_argument("--min-reads", type=int, required=True)
    one.add_argument("--min-mean-depth", type=float, required=True)
    one.add_argument("--allow-low-data", action="store_true")
    one.add_argument("--out", required=True, type=Path)
    every = commands.add_parser("gate", help="fail when a report's findings were withheld")
    every.add_argument("checks", nargs="+", type=Path)
    every.add_argument("--out", required=True, type=Path, help="TSV of the verdicts")
    args = parser.parse_args(argv)
    try:
        if args.command == "assess":
            if not len(args.samples) == len(args.stats) == len(args.summary):
                raise UsageError("give one --stats and one --summary file per sample")
            files = dict(zip(args.samples, zip(args.stats, args.summary, strict=True), strict=True))
            check = assess(files, args.min_reads, args.min_mean_depth, args.allow_low_data)
            write_atomic(args.out, json.dumps(check, indent=2) + "\n")
        else:
            gate(args.checks, args.out)
    except ActionableError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
