"""The connection test of the settings screen (and the TUI's header): does the scanner answer?"""

import socket

from vetmri.settings import load_settings, set_setting
from vetmri.workstation import check_scanner


def test_a_running_scanner_answers_and_a_missing_one_is_said_in_one_sentence(start_sim_server):
    assert check_scanner().summary == "simulated"
    server = start_sim_server()
    set_setting("scanner.backend", "link")
    set_setting("scanner.address", server.address)
    check = check_scanner(load_settings())
    assert check.answers and check.summary == f"link {server.address} answers"
    assert check.detail.startswith(f"The scanner at {server.address} answers (vetmri")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = f"127.0.0.1:{sock.getsockname()[1]}"
    set_setting("scanner.address", closed)
    check = check_scanner(load_settings(), timeout_s=2.0)
    assert not check.answers and check.summary == f"link {closed} not answering"
    assert check.detail.startswith(f"No scanner answers at {closed}") and check.detail.endswith(".")
