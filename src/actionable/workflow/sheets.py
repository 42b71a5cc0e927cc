"""Loading and checking the workflow's sample and unit sheets.

Every problem found becomes one line naming the sheet, the line and the column, so a user
sees all of them at once before any job runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import pandas as pd
import yaml

from actionable.errors import FormatError, UsageError
from actionable.matching.oncotree import load_oncotree


def _read_tsv(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise FormatError(f"{path}: file not found (set its path in the config)")
    try:
        table = pd.read_csv(path, sep="\t", dtype=str, comment="#", keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise FormatError(f"{path}: not a tab-separated table ({exc})") from exc
    return table.apply(lambda column: column.str.strip())


def _schema_problems(path: Path, table: pd.DataFrame, schema: dict[str, Any]) -> list[str]:
    problems = []
    missing = [c for c in schema.get("required", []) if c not in table.columns]
    if missing:
        return [f"{path}: header lacks column(s) {', '.join(missing)}"]
    validator = jsonschema.Draft202012Validator(schema)
    for index, row in table.iterrows():
        line = int(index) + 2  # header is line 1
        record = {key: value for key, value in row.items() if value != ""}
        for error in sorted(validator.iter_errors(record), key=str):
            column = error.path[0] if error.path else ", ".join(schema.get("required", []))
            problems.append(f"{path} line {line}, column {column}: {error.message}")
    return problems


def _defaults(table: pd.DataFrame, schema: dict[str, Any]) -> pd.DataFrame:
    for column, spec in schema["properties"].items():
        if "default" in spec:
            if column not in table.columns:
                table[column] = spec["default"]
            else:
                table[column] = table[column].replace("", spec["default"])
    return table


@dataclass(frozen=True)
class CancerPatient:
    """A patient with a tumour sample: paired when a normal is given, else tumour-only."""

    patient: str
    tumour: str
    normal: str | None
    tumor_type: str

    @property
    def paired(self) -> bool:
        return self.normal is not None


def _sample_type_problems(path: Path, samples: pd.DataFrame) -> list[str]:
    """At most one tumour and one normal per patient; every tumour has a known tumour type."""
    problems = []
    oncotree = load_oncotree()
    first: dict[tuple[str, str], tuple[str, int]] = {}
    for index, row in samples.iterrows():
        line = int(index) + 2
        kind, patient, sample = row["type"], row["patient"], row["sample"]
        if row["tumor_type"]:
            try:
                oncotree.resolve(row["tumor_type"])
            except UsageError as exc:
                problems.append(f"{path} line {line}, column tumor_type: {exc}")
        if kind not in ("tumor", "normal"):
            continue
        if kind == "tumor" and not row["tumor_type"]:
            problems.append(
                f"{path} line {line}, column tumor_type: tumour sample {sample} needs the "
                "OncoTree code of the cancer (e.g. LUAD, BRCA)"
            )
        key = (patient, kind)
        if key in first:
            other, other_line = first[key]
            word = "tumour" if kind == "tumor" else "normal"
            problems.append(
                f"{path} line {line}: patient {patient} has a second {word} sample {sample} "
                f"({other} on line {other_line}); give each {word} its own patient name or "
                "remove one"
            )
        else:
            first[key] = (sample, line)
    return problems


def _name_clash_problems(path: Path, samples: pd.DataFrame) -> list[str]:
    """Cancer patients and germline samples share one namespace of report names
    (results/report/{name}.html): a germline sample may not be named like a cancer patient."""
    tumour_lines = {
        row["patient"]: int(index) + 2
        for index, row in samples.iterrows()
        if row["type"] == "tumor"
    }
    return [
        f"{path} line {int(index) + 2}: germline sample {row['sample']} has the name of "
        f"cancer patient {row['sample']} (tumour on line {tumour_lines[row['sample']]}); "
        "their reports would share one file: rename the sample or the patient"
        for index, row in samples.iterrows()
        if row["type"] == "germline" and row["sample"] in tumour_lines
    ]


def cancer_patients(samples: pd.DataFrame) -> list[CancerPatient]:
    """Patients with a tumour sample, in sheet order, each with its normal if there is one."""
    normals = {
        row["patient"]: row["sample"] for _, row in samples.iterrows() if row["type"] == "normal"
    }
    return [
        CancerPatient(row["patient"], row["sample"], normals.get(row["patient"]), row["tumor_type"])
        for _, row in samples.iterrows()
        if row["type"] == "tumor"
    ]


def load_sheets(
    samples_path: str | Path,
    units_path: str | Path,
    samples_schema: str | Path,
    units_schema: str | Path,
    base_dir: str | Path = ".",
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Read both sheets; return them (indexed) with the list of problems found."""
    samples_path, units_path = Path(samples_path), Path(units_path)
    s_schema = yaml.safe_load(Path(samples_schema).read_text())
    u_schema = yaml.safe_load(Path(units_schema).read_text())
    samples = _read_tsv(samples_path)
    units = _read_tsv(units_path)
    problems = _schema_problems(samples_path, samples, s_schema)
    problems += _schema_problems(units_path, units, u_schema)
    if problems:
        return samples, units, problems
    samples = _defaults(samples, s_schema)
    units = _defaults(units, u_schema)

    for index in samples.index[samples["sample"].duplicated()]:
        name = samples.at[index, "sample"]
        problems.append(f"{samples_path} line {index + 2}: sample {name} is listed twice")
    known = set(samples["sample"])
    seen_units: set[tuple[str, str]] = set()
    for index, row in units.iterrows():
        line = f"{units_path} line {int(index) + 2}"
        key = (row["sample"], row["unit"])
        if key in seen_units:
            problems.append(f"{line}: unit {row['unit']} of sample {row['sample']} is repeated")
        seen_units.add(key)
        if row["sample"] not in known:
            problems.append(f"{line}: sample {row['sample']} is not in {samples_path}")
        for column in ("fq1", "fq2"):
            fastq = Path(base_dir) / row[column]
            if not fastq.is_file():
                problems.append(f"{line}, column {column}: file {row[column]} does not exist")
    problems += _sample_type_problems(samples_path, samples)
    problems += _name_clash_problems(samples_path, samples)
    with_units = {sample for sample, _ in seen_units}
    for index, row in samples.iterrows():
        if row["sample"] not in with_units:
            problems.append(
                f"{samples_path} line {int(index) + 2}: sample {row['sample']} has no unit "
                f"in {units_path}"
            )
    samples = samples.set_index("sample", drop=False)
    units = units.set_index(["sample", "unit"], drop=False).sort_index()
    return samples, units, problems
