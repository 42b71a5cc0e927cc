"""Command-line entry point: `actionable <command> ...`.

Each command lives in a module of `actionable.commands` that provides
`register(subparsers)`; the parser it adds sets `func(args) -> int`.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from actionable import __version__
from actionable.errors import ActionableError

COMMAND_MODULES: tuple[str, ...] = (
    # one line per command module, e.g. "actionable.commands.match",
    "actionable.commands.pgx",
    "actionable.commands.match",
    "actionable.commands.report",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="actionable",
        description="Map variants, fusions, copy number and signatures to cited therapies.",
    )
    parser.add_argument("--version", action="version", version=f"actionable {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except ActionableError as exc:
        print(f"actionable {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 1
