"""One environment story: a package pinned in pyproject.toml and in a conda env (envs/*.yaml)
has the same version everywhere, and pyproject.toml pins what the test environment runs."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
PYPROJECT = REPO / "pyproject.toml"
ENVS = sorted((REPO / "envs").glob("*.yaml"))

# conda-forge packages that carry a PyPI package under another name
ALIASES = {"matplotlib-base": "matplotlib"}

# conda: [channel::]name=version[=build] or name==version; PyPI: name[extras]==version[; marker]
_CONDA_PIN = re.compile(r"^(?:[\w.-]+::)?([A-Za-z0-9][\w.-]*)\s*==?\s*([^\s=<>!,]+)(?:=\S+)?$")
_PIP_PIN = re.compile(r"^([A-Za-z0-9][\w.-]*)\s*(?:\[[^\]]*\])?\s*==\s*([^\s;,]+)\s*(?:;.*)?$")


@dataclass(frozen=True)
class Pin:
    package: str  # normalised name
    version: str
    file: str


def normalise(name: str) -> str:
    """PEP 503 name (PyYAML -> pyyaml, fhir.resources -> fhir-resources), conda aliases
    resolved (matplotlib-base -> matplotlib)."""
    name = re.sub(r"[-_.]+", "-", name).lower()
    return ALIASES.get(name, name)


def _pin(pattern: re.Pattern[str], spec: str, file: str) -> Pin | None:
    match = pattern.match(spec.strip())
    return Pin(normalise(match[1]), match[2], file) if match else None


def env_pins(path: Path, label: str | None = None) -> list[Pin]:
    """Exact pins of a conda environment file: conda entries and its pip: section."""
    label = label or path.name
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    pins = []
    for entry in doc.get("dependencies") or []:
        if isinstance(entry, dict):
            for spec in entry.get("pip") or []:
                pins.append(_pin(_PIP_PIN, str(spec), label))
        else:
            pins.append(_pin(_CONDA_PIN, str(entry), label))
    return [p for p in pins if p is not None]


def pyproject_pins(path: Path, label: str | None = None) -> list[Pin]:
    """Exact (==) pins of the project's dependencies and optional dependencies."""
    label = label or path.name
    project = tomllib.loads(path.read_text(encoding="utf-8"))["project"]
    specs = list(project.get("dependencies", []))
    for group in project.get("optional-dependencies", {}).values():
        specs += group
    return [p for p in (_pin(_PIP_PIN, spec, label) for spec in specs) if p is not None]


def pin_conflicts(pins: Iterable[Pin]) -> list[str]:
    """One message per package whose versions differ between two files."""
    by_package: dict[str, list[Pin]] = {}
    for pin in pins:
        by_package.setdefault(pin.package, []).append(pin)
    messages = []
    for package, group in sorted(by_package.items()):
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                if a.version != b.version:
                    messages.append(
                        f"{package}: {a.version} in {a.file} but {b.version} in {b.file}"
                    )
    return messages


def repo_pins() -> list[Pin]:
    pins = pyproject_pins(PYPROJECT, "pyproject.toml")
    for env in ENVS:
        pins += env_pins(env, f"envs/{env.name}")
    return pins


def test_environment_files_are_found() -> None:
    names = {env.name for env in ENVS}
    assert {"python.yaml", "report.yaml"} <= names
    packages = {p.package for p in env_pins(REPO / "envs" / "report.yaml")}
    assert {"cyvcf2", "pysam", "pandas", "matplotlib", "fhir-resources", "pyyaml"} <= packages


def test_packages_pinned_in_two_places_have_one_version() -> None:
    conflicts = pin_conflicts(repo_pins())
    assert not conflicts, "\n".join(conflicts)


def test_python_envs_pin_only_what_pyproject_pins() -> None:
    """The workflow's Python envs carry the package's own dependencies, nothing else."""
    pyproject = {p.package for p in pyproject_pins(PYPROJECT)}
    for name in ("python.yaml", "report.yaml"):
        extra = {p.package for p in env_pins(REPO / "envs" / name)} - pyproject - {"python"}
        assert not extra, f"envs/{name}: {sorted(extra)} not pinned in pyproject.toml"


def test_pyproject_pins_what_this_environment_runs() -> None:
    """pyproject.toml pins the versions installed where the tests run (the .venv)."""
    wrong = []
    for pin in pyproject_pins(PYPROJECT):
        try:
            installed = metadata.version(pin.package)
        except metadata.PackageNotFoundError:
            wrong.append(f"{pin.package}=={pin.version} is not installed")
            continue
        if installed != pin.version:
            wrong.append(f"{pin.package}: {pin.version} in pyproject.toml, {installed} installed")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("PyYAML==6.0.4", "pyyaml"),
        ("fhir.resources==8.3.0", "fhir-resources"),
        ("fhir-resources==8.3.0", "fhir-resources"),
        ("Jinja2 == 3.1.6", "jinja2"),
        ("pysam[extra]==0.24.1 ; python_version >= '3.11'", "pysam"),
    ],
)
def test_pip_names_are_normalised(spec: str, expected: str) -> None:
    pin = _pin(_PIP_PIN, spec, "x")
    assert pin is not None and pin.package == expected


def test_a_mismatch_names_package_versions_and_files(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\nversion = "1"\n'
        'dependencies = ["PyYAML==6.0.4", "pandas==3.1.1", "numpy>=1.26"]\n'
        '[project.optional-dependencies]\nplots = ["matplotlib==3.11.2"]\n'
    )
    (tmp_path / "env.yaml").write_text(
        "channels: [conda-forge]\n"
        "dependencies:\n"
        "  - python=3.11\n"
        "  - pyyaml=6.0.2\n"
        "  - pandas=3.1.1\n"
        "  - numpy=1.26.4\n"
        "  - matplotlib-base=3.11.2\n"
        "  - pip\n"
        "  - pip:\n"
        "      - fhir.resources==8.3.0\n"
    )
    (tmp_path / "other.yaml").write_text(
        "dependencies:\n  - conda-forge::fhir-resources=8.2.0=pyhd8ed1ab_0\n  - bwa\n"
    )
    pins = pyproject_pins(tmp_path / "pyproject.toml")
    pins += env_pins(tmp_path / "env.yaml") + env_pins(tmp_path / "other.yaml")
    assert pin_conflicts(pins) == [
        "fhir-resources: 8.3.0 in env.yaml but 8.2.0 in other.yaml",
        "pyyaml: 6.0.4 in pyproject.toml but 6.0.2 in env.yaml",
    ]
    # numpy>=1.26 is no pin, so 1.26.4 in env.yaml conflicts with nothing
    assert "numpy" not in {p.package for p in pyproject_pins(tmp_path / "pyproject.toml")}
