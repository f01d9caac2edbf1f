"""Guards of the architecture: the core never needs the UI, start-up stays light, and each
third-party library is used only by the package that owns it."""

import json
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import vetmri

REPO_ROOT = Path(__file__).resolve().parents[1]
FRONT_ENDS = ("vetmri.cli", "vetmri.tui")
HEAVY_AT_START = ("pypulseq", "scipy", "matplotlib", "textual", "rich", "numpy", "h5py", "ismrmrd", "pydicom", "tinydb")


def core_modules() -> list[str]:
    names = [
        info.name
        for info in pkgutil.walk_packages(vetmri.__path__, prefix="vetmri.")
        if not info.name.startswith(FRONT_ENDS) and info.name != "vetmri.__main__"
    ]
    assert "vetmri.scanner.profile" in names and "vetmri.settings" in names
    return names


def loaded_after(code: str) -> set[str]:
    probe = f"{code}\nimport sys, json\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_every_core_module_imports_without_textual_or_rich():
    imports = "\n".join(f"import {name}" for name in core_modules())
    loaded = loaded_after(imports)
    assert "textual" not in loaded and "rich" not in loaded


def test_vetmri_version_does_not_load_heavy_libraries():
    code = (
        "from vetmri.cli.main import run\n"
        "try:\n    run(['--version'])\nexcept SystemExit:\n    pass"
    )
    loaded = loaded_after(code)
    assert "vetmri.cli.main" in loaded
    assert not loaded.intersection(HEAVY_AT_START), sorted(loaded.intersection(HEAVY_AT_START))


def test_the_status_view_does_not_load_pulseq_or_plotting():
    loaded = loaded_after("from vetmri.cli.main import run\nrun(['status'])")
    assert not loaded.intersection({"pypulseq", "scipy", "matplotlib"})


def test_import_contracts_hold():
    lint_imports = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint_imports, "import-linter is part of the test extras"
    result = subprocess.run([lint_imports, "--no-cache"], cwd=REPO_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
