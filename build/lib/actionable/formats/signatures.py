"""The signatures JSON of a patient (`results/signatures/{patient}.json`): TMB and MSI.

One object with the fields of `SignatureReport`, written indented by two spaces with a final
newline. `tmb` is in mutations per callable coding megabase; `msi_status` is `MSI-H` or `MSS`;
`tmb_assessable`/`msi_assessable` say whether the territory was large enough for the number to
mean anything. `match_options` turns the established ones into `actionable match` options.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from actionable.io.atomic import write_atomic


@dataclass
class SignatureReport:
    """What goes into `results/signatures/{patient}.json`."""

    patient: str
    mode: str
    tmb: float
    tmb_variants: int
    callable_mb: float
    tmb_assessable: bool
    msi_status: str
    msi_score: float
    msi_loci_assessed: int
    msi_loci_unstable: int
    msi_assessable: bool
    unstable_loci: list[str] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    method: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def write_signatures(report: SignatureReport, path: str | os.PathLike[str]) -> None:
    """Write the signatures JSON atomically."""
    write_atomic(path, json.dumps(report.to_json(), indent=2) + "\n")


def match_options(path: str | os.PathLike[str]) -> list[str]:
    """`actionable match` options for the signatures that could be established."""
    report = json.loads(Path(path).read_text(encoding="utf-8"))
    options = []
    if report["tmb_assessable"]:
        options += ["--tmb", str(report["tmb"])]
    if report["msi_assessable"]:
        options += ["--msi", report["msi_status"]]
    return options
