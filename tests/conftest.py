"""Shared fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.workflow import demo_config, snakemake


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory) -> Path:
    """The demo configuration (germline sample + tumour/normal patient) run once per session."""
    workdir = tmp_path_factory.mktemp("demo")
    demo_config(workdir)
    snakemake(workdir)
    return workdir
