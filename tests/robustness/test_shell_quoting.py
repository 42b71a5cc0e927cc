"""Every value a rule puts into a shell command is quoted (`{input.r1:q}`), so no path,
sheet value or configured option can run code or split into several words (issue 11).

The exceptions are values the workflow builds itself from its own words: `{threads}`,
`{resources.*}`, the snpEff start command (`params.snpeff`, a fixed jar path or `snpEff`) and
the delly filter command (`params.command`, its parts quoted with shlex.quote).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.support.workflow import REPO

RULES = sorted((REPO / "workflow" / "rules").glob("*.smk"))
BUILT_BY_THE_WORKFLOW = {"threads", "params.snpeff", "params.command"}
PLACEHOLDER = re.compile(r"(?<!\{)\{([^{}]+)\}(?!\})")


def shell_commands(path: Path) -> list[tuple[int, str]]:
    """(line, command text) of each `shell:` directive: its string literals joined."""
    lines = path.read_text().splitlines()
    commands = []
    for number, line in enumerate(lines):
        if line.strip() != "shell:":
            continue
        indent = len(line) - len(line.lstrip())
        body = []
        for following in lines[number + 1 :]:
            if following.strip() and len(following) - len(following.lstrip()) <= indent:
                break
            text = following.strip()
            if text and not text.startswith("#"):
                body.append(text)
        literal = ast.literal_eval("(" + " ".join(body) + ")")
        commands.append((number + 1, literal if isinstance(literal, str) else "".join(literal)))
    return commands


def test_every_rule_file_has_its_shell_commands_found() -> None:
    found = {path.name: len(shell_commands(path)) for path in RULES}
    assert found["align.smk"] == 3
    assert found["qc.smk"] == 7
    assert sum(found.values()) >= 30


def test_every_interpolated_value_is_quoted() -> None:
    unquoted = []
    for path in RULES:
        for line, command in shell_commands(path):
            for name in PLACEHOLDER.findall(command):
                if name.endswith(":q") or name in BUILT_BY_THE_WORKFLOW:
                    continue
                if name.startswith("resources."):
                    continue
                unquoted.append(f"{path.name}:{line}: {{{name}}}")
    assert not unquoted, "unquoted shell values:\n" + "\n".join(unquoted)
