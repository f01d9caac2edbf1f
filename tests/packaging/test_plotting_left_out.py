"""The binary's runtime hook: pypulseq imports without matplotlib, plotting says why it fails.

The hook runs in a fresh interpreter here exactly as the bundle runs it (before any import);
matplotlib is installed in the test environment, so the hook must win over the real package.
"""

import subprocess
import sys
from pathlib import Path

HOOK = Path(__file__).resolve().parents[2] / "build" / "rthooks" / "plotting_left_out.py"


def run_with_hook(code: str) -> subprocess.CompletedProcess:
    program = f"exec(open({str(HOOK)!r}).read())\n{code}"
    return subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=120)


def test_pypulseq_builds_a_sequence_without_matplotlib():
    result = run_with_hook(
        "import sys, pypulseq as pp\n"
        "seq = pp.Sequence()\n"
        "seq.add_block(pp.make_delay(1e-3))\n"
        "assert 'matplotlib.pyplot' in sys.modules and not hasattr(sys.modules['matplotlib'], '__file__')\n"
        "print(round(seq.duration()[0], 6))"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "0.001"


def test_plotting_fails_with_a_sentence_saying_it_is_not_in_the_binary():
    result = run_with_hook("import matplotlib.pyplot as plt\nplt.figure()")
    assert result.returncode == 1
    assert "plotting (matplotlib) is not part of the vetmri binary" in result.stderr
