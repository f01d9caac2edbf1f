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


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Close the HDF5 files a test left open before the interpreter shuts down.

    The power-cut tests make HDF5 meet I/O errors on purpose; an HDF5 object of such a
    file that outlives its test can crash the library's own clean-up at exit (a SIGSEGV
    after every test passed). Closing what is still open here lets it shut down cleanly."""
    import sys

    _EXIT_STATUS["status"] = int(exitstatus)
    h5py = sys.modules.get("h5py")
    if h5py is None:
        return
    import gc

    gc.collect()
    try:
        ids = h5py.h5f.get_obj_ids(types=h5py.h5f.OBJ_ALL)
    except Exception:
        return
    for obj in ids:
        try:
            while obj.valid:
                obj._close()
        except Exception:
            pass


_EXIT_STATUS: dict[str, int] = {}


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """After the report is out, leave without the interpreter's final clean-up when an
    HDF5 file a power-cut test cut off is still alive in native code (its dealloc can
    SIGSEGV at exit and turn a green run red): the exit status is pytest's own."""
    import sys

    status = _EXIT_STATUS.get("status")
    if status is None or "h5py" not in sys.modules:
        return
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
