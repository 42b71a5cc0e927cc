"""The wheel ships the package's role folders and its data, and nothing of the maintainers'
tools or the tests; its metadata carries the MIT licence with the LICENSE file."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "src" / "actionable"
ROLE_FOLDERS = ("commands", "io", "formats", "matching", "calling", "workflow", "pgx", "report")
DATA = (
    "data/knowledge/VERSION",
    "data/knowledge/evidence.tsv",
    "data/knowledge/variants.tsv",
    "data/oncotree/oncotree.tsv",
    "data/pgx/MANIFEST.json",
    "data/pgx/CYP2C19.json",
    "data/pgx/recommendations.tsv",
    "data/schemas/findings.schema.json",
    "data/schemas/pgx.schema.json",
    "report/templates/report.html.j2",
)
# the build backend must support PEP 639 (license = "MIT", license-files)
MIN_SETUPTOOLS = 77


def _offline_build_possible() -> bool:
    """The environment's own setuptools can build (no download of a build backend)."""
    try:
        major = int(metadata.version("setuptools").split(".")[0])
    except (metadata.PackageNotFoundError, ValueError):
        return False
    return major >= MIN_SETUPTOOLS


@pytest.fixture(scope="module")
def wheel_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """File names in a wheel built from a copy of the project (the build writes build/ and
    *.egg-info/ next to the sources; the copy keeps the work tree clean)."""
    root = tmp_path_factory.mktemp("packaging")
    project = root / "project"
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc", ".pytest_cache")
    project.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(REPO / name, project / name)
    # tools/ and tests/ sit beside src/ as in the repository: the build must leave them out
    for name in ("src", "tools", "tests"):
        shutil.copytree(REPO / name, project / name, ignore=ignore)
    isolation = ["--no-build-isolation"] if _offline_build_possible() else []
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", *isolation, "-q"]
    result = subprocess.run(
        [*command, "--disable-pip-version-check", "-w", str(root / "dist"), str(project)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (built,) = (root / "dist").glob("actionable-*.whl")
    return built


@pytest.fixture(scope="module")
def wheel(wheel_file: Path) -> list[str]:
    with zipfile.ZipFile(wheel_file) as archive:
        return archive.namelist()


def test_wheel_has_every_module_and_role_folder(wheel: list[str]) -> None:
    names = set(wheel)
    for folder in ROLE_FOLDERS:
        assert f"actionable/{folder}/__init__.py" in names, folder
    for module in ("__init__.py", "__main__.py", "cli.py", "errors.py"):
        assert f"actionable/{module}" in names, module
    sources = {
        "actionable/" + p.relative_to(PACKAGE).as_posix()
        for p in PACKAGE.rglob("*.py")
        if "__pycache__" not in p.parts
    }
    assert sources - names == set()


def test_wheel_has_the_package_data(wheel: list[str]) -> None:
    names = set(wheel)
    for path in DATA:
        assert f"actionable/{path}" in names, path
    shipped = {
        "actionable/" + p.relative_to(PACKAGE).as_posix()
        for p in (*(PACKAGE / "data").rglob("*"), *(PACKAGE / "report" / "templates").rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert shipped - names == set()
    # data/ holds data only
    assert not [n for n in names if n.startswith("actionable/data/") and n.endswith(".py")]


def test_wheel_leaves_out_tools_tests_and_generators(wheel: list[str]) -> None:
    unwanted = ("tools/", "tests/", "demo/", "generate", "knowledge_variants", "pgx_convert")
    unwanted += ("md_reference", "conftest")
    found = [name for name in wheel if any(word in name for word in unwanted)]
    assert not found
    top = {name.split("/", 1)[0] for name in wheel}
    assert top == {"actionable", "actionable-0.1.0.dist-info"}


def test_wheel_metadata_has_the_mit_licence(wheel_file: Path) -> None:
    with zipfile.ZipFile(wheel_file) as archive:
        info = archive.read("actionable-0.1.0.dist-info/METADATA").decode()
        licence = archive.read("actionable-0.1.0.dist-info/licenses/LICENSE").decode()
    assert "License-Expression: MIT" in info.splitlines()
    assert "License-File: LICENSE" in info.splitlines()
    assert licence == (REPO / "LICENSE").read_text()
    assert licence.startswith("MIT License") and "the actionable authors" in licence
