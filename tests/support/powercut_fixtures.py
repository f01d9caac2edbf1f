"""Fixtures of the power-cut tests: the power-cut disk and the --full switch (import them)."""

from __future__ import annotations

from pathlib import Path

import pytest
from powercut_fs import PowerCutDisk, fuse_missing


@pytest.fixture
def disk(tmp_path: Path):
    """A power-cut disk: programs write under ``disk.mountpoint``, the test checks ``disk.backing``."""
    problem = fuse_missing()
    if problem:
        pytest.fail(problem, pytrace=False)
    with PowerCutDisk(tmp_path / "backing", tmp_path / "mount") as mounted:
        yield mounted


@pytest.fixture
def full_run(request: pytest.FixtureRequest) -> bool:
    """Whether ``pytest --full`` asked for the long runs (thousands of cuts)."""
    return bool(request.config.getoption("--full"))
