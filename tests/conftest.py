"""Shared fixtures, and the `workflow` mark on every test that runs Snakemake."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.workflow import demo_config, snakemake

WORKFLOW_TESTS = Path(__file__).resolve().parent / "workflow"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests under tests/workflow/ and tests that use the demo run are `workflow` tests."""
    for item in items:
        if item.path.is_relative_to(WORKFLOW_TESTS) or "demo_run" in item.fixturenames:
            item.add_marker(pytest.mark.workflow)


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo configuration (germline sample + tumour/normal patient) run once per session."""
    workdir = tmp_path_factory.mktemp("demo")
    demo_config(workdir)
    snakemake(workdir)
    return workdir
