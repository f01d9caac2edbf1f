"""The real ``vetmri tui --study`` in a real terminal (tmux, 256 colours as over SSH): the
review opens on the study, the arrow keys scroll to the last slice, ``p`` puts the prior
beside it, and the screen says it shows few grey levels."""

from __future__ import annotations

import os
import time

from tests.conftest import vetmri_command
from tests.tui.review_data import CURRENT, PRIOR, review_data, simulated_studies  # noqa: F401
from tests.tui.test_tmux_smoke import alive, tmux, tmux_session, wait_for  # noqa: F401


def test_a_study_is_reviewed_in_a_real_terminal(review_data, tmux_session):  # noqa: F811
    environment = " ".join(f"{k}={os.environ[k]}" for k in ("VETMRI_CONFIG", "VETMRI_DATA_DIR"))
    command = f"env -u COLORTERM -u COLUMNS -u LINES {environment} TERM=xterm-256color {' '.join(vetmri_command())} tui --study {CURRENT}"
    tmux(tmux_session, "new-session", "-d", "-s", tmux_session, "-x", "120", "-y", "40", command, check=True)
    wait_for(tmux_session, f"slice 3/5 · 2 T2 TSE sagittal · {CURRENT} 14.03.2026")
    screen = wait_for(tmux_session, "▀")  # the half-blocks are drawn in a worker, after the caption
    assert "few grey levels (256 colours)" in screen
    tmux(tmux_session, "send-keys", "-t", tmux_session, "Down", "Down", check=True)
    wait_for(tmux_session, "slice 5/5")
    tmux(tmux_session, "send-keys", "-t", tmux_session, "PageDown", check=True)
    wait_for(tmux_session, "slice 3/5 · 3 T2 TSE transverse")
    tmux(tmux_session, "send-keys", "-t", tmux_session, "p", check=True)
    wait_for(tmux_session, f"prior {PRIOR} 20.02.2026")
    tmux(tmux_session, "send-keys", "-t", tmux_session, "End", check=True)
    screen = wait_for(tmux_session, "slice 5/5 · 3 T2 TSE transverse")
    assert f"slice 5/5 · prior {PRIOR}" in screen  # the prior scrolled with it
    tmux(tmux_session, "send-keys", "-t", tmux_session, "C-q", check=True)
    deadline = time.monotonic() + 10
    while alive(tmux_session) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not alive(tmux_session), "vetmri did not quit on ctrl+q"
