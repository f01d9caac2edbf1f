"""Every fault of the link, injected on a real socket: a scanner that misbehaves on purpose
(no scanner, wrong version, a dropped or stalled link, malformed and truncated messages)
and the real link server over the simulator (errors, abort, disconnect, busy). Each ends
in one sentence and no hang; what arrived stays in the raw file."""

from __future__ import annotations

import json
import logging
import socket
import threading

import numpy as np
import pytest

from vetmri.acquisition.contract import Adjustments, ScanAborted
from vetmri.acquisition.header import series_header
from vetmri.acquisition.link import LinkBackend, LinkServer
from vetmri.acquisition.link.pacing import PacedBackend
from vetmri.acquisition.phantoms import phantom_for_exam
from vetmri.acquisition.runner import run_exam
from vetmri.acquisition.simulated import NOISE_READOUTS, SimulatedBackend, SimulatedConditions
from vetmri.errors import OperationFailedError, UserInputError
from vetmri.rawdata import AcqFlag, Acquisition, EncodingCounters, acquisition_to_bytes, header_to_xml, read_series
from vetmri.rawdata.completeness import series_is_complete
from vetmri.scanner.profile import load_profile

from tests.acquisition.link.conftest import small_plan, wait_for
from tests.acquisition.link.rogue_scanner import Wire

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

SERIES = 1  # T2 TSE sagittal: 32 lines x 2 slices after the overrides


@pytest.fixture(scope="module")
def plan():
    return small_plan()


@pytest.fixture(scope="module")
def series_text(plan):
    """The Pulseq text and MRD header of the test series, built once."""
    from vetmri.sequences.api import build_sequence

    profile = load_profile()
    built = build_sequence(plan.series[SERIES], profile)
    header = series_header(plan.series[SERIES], profile, index=SERIES, species=plan.species, weight_kg=plan.weight_kg)
    return built.text, header_to_xml(header)


def lines(count: int) -> list[bytes]:
    """MRD bytes of ``count`` imaging readouts (4 channels x 32 samples)."""
    rng = np.random.default_rng(0)
    return [acquisition_to_bytes(Acquisition((rng.normal(size=(4, 32)) + 0j).astype(np.complex64),
                                             counters=EncodingCounters(kspace_encode_step_1=i % 32, slice=i // 32),
                                             flags=AcqFlag.NONE, scan_counter=i)) for i in range(count)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def sim_link_server(plan):
    """The real link server over the simulator (streaming at 20x the scan's pace, so a
    series is in flight long enough to abort)."""
    servers = []

    def start(paced: bool = False, **options) -> LinkServer:
        backend = SimulatedBackend(phantom_for_exam("cat", "brain", 3.0),
                                   conditions=SimulatedConditions(coil=plan.coil, seed=1, b0_inhomogeneity=False))
        server = LinkServer(PacedBackend(backend, speed=20) if paced else backend, port=0,
                            **{"keepalive_s": 0.5, **options})
        server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()


def connect(server: LinkServer, **options) -> LinkBackend:
    host, port = server.address
    return LinkBackend(host, port, **options)


# -- a scanner that is not there, or not in step ---------------------------------------------

def test_no_scanner_at_the_address():
    port = free_port()
    with pytest.raises(OperationFailedError, match=f"No scanner answers at 127.0.0.1:{port} .connection refused."):
        LinkBackend("127.0.0.1", port)


def test_a_scanner_of_another_major_version_is_refused_naming_both(rogue):
    scanner = rogue(lambda wire: (wire.hello(protocol="2.3"), wire.hold()))
    with pytest.raises(OperationFailedError, match=f"The scanner at {scanner.address} speaks scanner-link protocol "
                                                   "version 2.3, but this vetmri speaks version 1.0"):
        LinkBackend("127.0.0.1", scanner.port)


def test_the_server_refuses_a_workstation_of_another_version(sim_link_server):
    server = sim_link_server()
    with socket.create_connection(server.address, timeout=10) as sock:
        wire = Wire(sock, threading.Event())
        wire.message("hello", protocol="7.0", software="a future workstation")
        refusal = wire.read_message()
        assert refusal["state"] == "error" and refusal["code"] == "version"
        assert "speaks scanner-link protocol version 7.0, but this vetmri speaks version 1.0" in refusal["message"]
        assert wire.read()[0] == 4  # close


@pytest.mark.parametrize("first, words", [
    ({"type": "calibrate"}, "must open with a hello message, not 'calibrate'"),
    ({"type": "hello"}, "without its 'protocol' field"),
])
def test_the_server_refuses_a_workstation_that_does_not_say_hello(sim_link_server, first, words):
    server = sim_link_server()
    with socket.create_connection(server.address, timeout=10) as sock:
        wire = Wire(sock, threading.Event())
        wire.text(json.dumps(first))
        refusal = wire.read_message()
        assert refusal["state"] == "error" and refusal["code"] == "protocol" and words in refusal["message"]
    with connect(server) as link:  # and serves the next one
        assert link.profile == load_profile()


def test_a_dropped_link_mid_series_keeps_every_acquisition_received(rogue, plan, tmp_path):
    def script(wire):
        wire.hello()
        wire.calibration()
        wire.run_request()
        for blob in lines(5):
            wire.acquisition(blob)
        # then the link drops

    scanner = rogue(script)
    raw = tmp_path / "exam.h5"
    with LinkBackend("127.0.0.1", scanner.port) as link:
        with pytest.raises(OperationFailedError, match=r"closed the connection\b.*after 5 acquisitions of the series"):
            run_exam(plan, link, raw, series=[SERIES])
    series = read_series(raw, "01_T2_TSE_sagittal")
    assert len(series.acquisitions) == 5 and not series_is_complete(raw, "01_T2_TSE_sagittal")


def test_a_stalled_scanner_times_out_with_what_arrived_kept(rogue, plan, tmp_path):
    def script(wire):
        wire.hello()
        wire.calibration()
        wire.run_request()
        for blob in lines(3):
            wire.acquisition(blob)
        wire.hold()

    scanner = rogue(script)
    raw = tmp_path / "exam.h5"
    with LinkBackend("127.0.0.1", scanner.port, timeout_s=0.5) as link:
        with pytest.raises(OperationFailedError, match=f"The scanner at {scanner.address} sent nothing for 0.5 s"):
            run_exam(plan, link, raw, series=[SERIES])
    assert len(read_series(raw, "01_T2_TSE_sagittal").acquisitions) == 3


def test_a_scanner_silent_after_hello_times_out(rogue):
    scanner = rogue(lambda wire: (wire.hello(), wire.hold()))
    with LinkBackend("127.0.0.1", scanner.port, timeout_s=0.3) as link:
        with pytest.raises(OperationFailedError, match=r"sent nothing for 0.3 s during the calibration; it is stalled"):
            link.calibrate()


@pytest.mark.parametrize("reply, words", [
    (lambda wire: wire.text("adjustments: f0 3 Hz"), "sent a control message that is not JSON"),
    (lambda wire: (wire.raw(b"\x05\x00\x64\x00\x00\x00{\"type\""), wire.sock.shutdown(socket.SHUT_WR)), "in the middle of a message .7 of 100 bytes arrived."),
    (lambda wire: wire.raw(b"\x05\x00\xff\xff\xff\xff"), "announced a text message of 4294967295 bytes"),
    (lambda wire: wire.raw(b"\x39\x05"), "unknown id 1337"),
    (lambda wire: wire.acquisition(lines(1)[0]), "sent an acquisition message where a control message was expected"),
    (lambda wire: wire.message("adjustments", adjustments={"f0_hz": "a lot"}), "f0_hz must be a number"),
    (lambda wire: wire.message("status", state="done"), "where an adjustments message was expected"),
])
def test_malformed_or_truncated_replies_get_one_sentence(rogue, reply, words):
    def script(wire):
        wire.hello()
        wire.read_message()
        reply(wire)
        wire.hold()

    scanner = rogue(script)
    with LinkBackend("127.0.0.1", scanner.port, timeout_s=5) as link:
        with pytest.raises((OperationFailedError, UserInputError), match=words) as caught:
            link.calibrate()
    assert "\n" not in str(caught.value)


def test_a_hello_without_a_valid_profile_is_refused(rogue):
    def script(wire):
        wire.read_message()
        wire.message("hello", protocol="1.0", profile={"name": "half a profile"})
        wire.hold()

    scanner = rogue(script)
    with pytest.raises(OperationFailedError, match="the profile sent by The scanner at .*magnet"):
        LinkBackend("127.0.0.1", scanner.port)


# -- the real server: scanner-side errors, abort, disconnect, busy ---------------------------

def test_a_sequence_the_scanner_refuses_comes_back_with_its_sentence(sim_link_server, series_text):
    server = sim_link_server()
    _, header_xml = series_text
    with connect(server) as link:
        for _ in range(2):  # the session goes on after an error
            with pytest.raises(UserInputError, match=r"The scanner at .* refused the request: .*Pulseq"):
                list(link.run("this is not a Pulseq file\n", header_xml, Adjustments()))


def test_abort_mid_series_stops_the_scanner_and_the_link_goes_on(sim_link_server, series_text):
    server = sim_link_server(paced=True)
    seq, header_xml = series_text
    received: list[Acquisition] = []
    with connect(server) as link:
        with pytest.raises(ScanAborted):
            for acquisition in link.run(seq, header_xml, Adjustments()):
                received.append(acquisition)
                if len(received) == NOISE_READOUTS + 1:
                    threading.Thread(target=link.abort).start()  # the operator's stop button, another thread
        assert NOISE_READOUTS < len(received) < NOISE_READOUTS + 64
        again = list(link.run(seq, header_xml, Adjustments()))
    assert len(again) == NOISE_READOUTS + 64
    assert again[-1].has(AcqFlag.LAST_IN_MEASUREMENT)


def test_abort_at_the_first_progress_message_ends_the_series_early(sim_link_server, series_text):
    """The workstation aborts as soon as the scanner reports its first slice group: the
    series ends with the noise readouts and part of the imaging at most, and the scanner
    takes the next run. (Streaming at the scan's pace, so the outcome does not depend on
    how fast the engine synthesises a group.)"""
    server = sim_link_server(paced=True)
    seq, header_xml = series_text
    received: list[Acquisition] = []
    with connect(server) as link:
        stream = link.run(seq, header_xml, Adjustments(), on_progress=lambda f, m: link.abort())
        with pytest.raises(ScanAborted, match=r"after \d+ acquisitions"):
            for acquisition in stream:
                received.append(acquisition)
        assert NOISE_READOUTS <= len(received) < NOISE_READOUTS + 64
        assert all(a.is_noise for a in received[:NOISE_READOUTS])
        again = list(link.run(seq, header_xml, Adjustments()))
    assert len(again) == NOISE_READOUTS + 64


def test_a_workstation_that_disconnects_mid_series_aborts_and_frees_the_scanner(sim_link_server, series_text, caplog):
    caplog.set_level(logging.INFO, logger="vetmri.link")
    server = sim_link_server(paced=True)
    seq, header_xml = series_text
    with socket.create_connection(server.address, timeout=10) as sock:
        wire = Wire(sock, threading.Event())
        wire.message("hello", protocol="1.0")
        assert wire.read_message()["type"] == "hello"
        wire.message("run", adjustments={})
        wire.text(seq, 2)
        wire.text(header_xml, 3)
        while wire.read()[0] != 1008:  # progress, then the first readout ...
            pass
    # ... and the workstation is gone without a word
    wait_for(lambda: any("aborted" in r.getMessage() for r in caplog.records), "the server to abort the scan")
    wait_for(lambda: any(" gone" in r.getMessage() for r in caplog.records), "the session to end")
    with connect(server) as link:  # the next workstation gets the scanner
        assert len(list(link.run(seq, header_xml, Adjustments()))) == NOISE_READOUTS + 64


def test_a_second_workstation_is_told_the_scanner_is_busy_while_the_first_goes_on(sim_link_server, series_text):
    server = sim_link_server()
    seq, header_xml = series_text
    with connect(server) as first:
        with pytest.raises(OperationFailedError, match="busy with another workstation's exam; try again when"):
            connect(server)
        assert len(list(first.run(seq, header_xml, Adjustments()))) == NOISE_READOUTS + 64


def test_the_idle_timeout_drops_a_silent_workstation_but_not_one_waiting_for_its_series(sim_link_server, series_text,
                                                                                        caplog):
    caplog.set_level(logging.INFO, logger="vetmri.link")
    server = sim_link_server(paced=True, idle_timeout_s=0.3)  # the series streams for longer than that
    seq, header_xml = series_text
    with connect(server) as link:
        assert len(list(link.run(seq, header_xml, Adjustments()))) == NOISE_READOUTS + 64
        # silent between tasks for longer than the idle timeout: the scanner lets go
        wait_for(lambda: any(" gone" in r.getMessage() for r in caplog.records), "the server to drop the workstation")
        assert any("The workstation at" in r.getMessage() and "sent nothing for 0.3 s" in r.getMessage()
                   for r in caplog.records)
        with pytest.raises(OperationFailedError, match="closed the connection|dropped"):
            list(link.run(seq, header_xml, Adjustments()))


def test_a_workstation_interrupted_mid_task_stops_the_scanner_and_stays_in_step(sim_link_server, series_text):
    server = sim_link_server(paced=True)
    seq, header_xml = series_text

    def interrupt(fraction, message):
        raise KeyboardInterrupt  # Ctrl-C while the scanner calibrates

    with connect(server) as link:
        with pytest.raises(KeyboardInterrupt):
            link.calibrate(on_progress=interrupt)
        stream = link.run(seq, header_xml, Adjustments())
        first = [next(stream) for _ in range(3)]
        stream.close()  # the consumer stops early (a full disk, a closed window)
        assert all(a.is_noise for a in first)
        adjustments = link.calibrate(steps=["noise"])
        assert adjustments.noise_std > 0
        assert len(list(link.run(seq, header_xml, adjustments))) == NOISE_READOUTS + 64


def test_a_workstation_that_connects_and_says_nothing_is_let_go(sim_link_server):
    server = sim_link_server(hello_timeout_s=0.3)
    with socket.create_connection(server.address, timeout=10) as sock:
        wire = Wire(sock, threading.Event())
        refusal = wire.read_message()  # nothing sent: the scanner gives up on us
        assert refusal["code"] == "protocol" and "sent nothing for 0.3 s" in refusal["message"]
    with connect(server) as link:
        assert link.software
