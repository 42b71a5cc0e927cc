"""Every value a rule puts into a shell command is quoted (`{input.r1:q}`), so no path,
sheet value or configured option can run code or split into several words (issue 11).

The exceptions are values the workflow builds itself from its own words: `{threads}`,
`{resources.*}`, the snpEff start command (`params.snpeff`, a fixed jar path or `snpEff`) and
the delly filter command (`params.command`, its parts quoted with shlex.quote).
"""

from __future__ import annotations

import ast
import re
import shlex
from pathlib import Path

import pytest
import yaml

from tests.support.workflow import DEMO, REPO, demo_config, snakemake, write_sheets

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


# Shell syntax that would create a PWNED* file if a command ran it; in directory and file
# names, and in configured option strings.
HOSTILE = "x $(touch PWNED1) `touch PWNED2`; touch PWNED3 & 'q\" |touch PWNED4"


def words(command: str) -> list[str]:
    """The words and operators a POSIX shell sees in `command`."""
    lexer = shlex.shlex(command, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    return list(lexer)


@pytest.mark.workflow
def test_planned_commands_keep_hostile_values_whole(tmp_path: Path) -> None:
    """Every command of a plan with hostile FASTQ and reference paths and hostile option
    strings (freebayes, scatter, paired and tumour-only), as the shell splits it: each
    hostile value is one word, never shell syntax."""
    folder = tmp_path / f"Run 2024-05 {HOSTILE}"
    folder.mkdir()
    demo_config(tmp_path)
    config = yaml.safe_load((tmp_path / "config.yaml").read_text())
    values = set()
    for key, name in (("fasta", "genome.fa"), ("gtf", "genes.gtf")):
        target = folder / f"{HOSTILE} {name}"
        target.write_bytes((DEMO / name).read_bytes())
        config["reference"][key] = str(target)
        values.add(str(target))
    option = "--foo '$(touch PWNED5)'"
    config["calling"].update(caller="freebayes", scatter=2, freebayes_extra=option)
    config["calling"]["mpileup_extra"] = option
    config["calling"]["filter"] = "QUAL<20 || $(touch PWNED6)"
    config["fastp"]["extra"] = option
    config["somatic"]["freebayes_extra"] = option
    config["fusions"]["filter_extra"] = option
    values |= {"$(touch PWNED5)", "QUAL<20 || $(touch PWNED6)"}
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    samples = [
        ("DEMO_G1", "DEMO_P1", "germline", "BRCA"),
        ("DEMO_P2_T", "DEMO_P2", "tumor", "LUAD"),
        ("DEMO_P2_N", "DEMO_P2", "normal", "LUAD"),
        ("DEMO_P3_T", "DEMO_P3", "tumor", "LUAD"),
    ]
    units = []
    for sample, *_ in samples:
        source = "DEMO_P2_T" if sample == "DEMO_P3_T" else sample
        unit = {"sample": sample, "unit": "L001", "platform": "ILLUMINA"}
        for column, read in (("fq1", "R1"), ("fq2", "R2")):
            target = folder / f"{HOSTILE} {sample}_{read}.fastq.gz"
            target.symlink_to(DEMO / "reads" / f"{source}_L001_{read}.fastq.gz")
            unit[column] = str(target)
            values.add(str(target))
        units.append(unit)
    write_sheets(
        tmp_path,
        [
            dict(zip(("sample", "patient", "type", "tumor_type"), row, strict=True))
            for row in samples
        ],
        units,
    )

    result = snakemake(tmp_path, "--dry-run", "--printshellcmds", "--forceall")
    commands = [  # jobs of a group are indented
        line.strip().removeprefix("Shell command: ")
        for line in result.stdout.splitlines()
        if line.strip().startswith("Shell command: ")
    ]
    hostile = [c for c in commands if "PWNED" in c]
    assert len(hostile) >= 20
    for command in hostile:
        split = [word for word in words(command) if "PWNED" in word]
        assert split and set(split) <= values, command
    rules = {m.group(1) for m in re.finditer(r"^\s*rule (\w+):", result.stdout, re.M)}
    assert {"check_reads", "fastp", "fastqc", "call_germline", "call_somatic"} <= rules
    assert {"normalise_filter", "reference_fasta", "snpeff_build", "delly_filter"} <= rules
