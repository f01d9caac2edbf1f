"""Shared test set-up: an isolated settings file and data folder for every test, the
``--full`` switch for slow cases, and a runner for the real ``vetmri`` command."""

from __future__ import annotations

import os

# One BLAS thread everywhere, set before numpy loads: results that must be equal to the bit
# (a sim-server process against the in-process simulator) then do not depend on how a
# multi-threaded matrix product splits its sums, and two cores are not oversubscribed.
for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import subprocess  # noqa: E402
import sys  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[1]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--full",
        action="store_true",
        help="also run the cases marked slow (long physics cases, the binary build)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--full"):
        return
    selected, deselected = [], []
    for item in items:
        (deselected if item.get_closest_marker("slow") else selected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


@pytest.fixture(autouse=True)
def isolated_workstation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point vetmri (in this process and its children) at a settings file and data folder
    of this test only, so no test reads or writes a real clinic's data."""
    home = tmp_path / "workstation"
    monkeypatch.setenv("VETMRI_CONFIG", str(home / "settings.toml"))
    monkeypatch.setenv("VETMRI_DATA_DIR", str(home / "data"))
    return home


@dataclass(frozen=True)
class CommandResult:
    """What a run of the ``vetmri`` command did."""

    returncode: int
    stdout: str
    stderr: str


def vetmri_command() -> list[str]:
    """The installed ``vetmri`` console script (``python -m vetmri`` when not installed)."""
    script = Path(sys.executable).with_name("vetmri")
    return [str(script)] if script.exists() else [sys.executable, "-m", "vetmri"]


@pytest.fixture
def run_vetmri():
    """Run the real ``vetmri`` command in a subprocess with the test's environment."""

    def run(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> CommandResult:
        completed = subprocess.run(
            [*vetmri_command(), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, **(env or {})},
            stdin=subprocess.DEVNULL,
        )
        return CommandResult(completed.returncode, completed.stdout, completed.stderr)

    return run
