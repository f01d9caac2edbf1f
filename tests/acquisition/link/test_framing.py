"""MRD framing on a real socket pair: the documented bytes, acquisitions sized by their own
header, and one-sentence refusals of impossible lengths, unknown ids, truncation and
silence."""

from __future__ import annotations

import socket
import struct

import numpy as np
import pytest

from vetmri.acquisition.link.framing import (
    FrameReader,
    LinkClosed,
    LinkError,
    LinkTimeout,
    MessageId,
    acquisition_body_bytes,
    encode_frame,
)
from vetmri.rawdata import AcqFlag, Acquisition, EncodingCounters, acquisition_from_bytes, acquisition_to_bytes


@pytest.fixture
def pair():
    a, b = socket.socketpair()
    yield a, FrameReader(b, peer="127.0.0.1:9", timeout_s=0.3)
    a.close()
    b.close()


def test_text_frames_carry_id_length_and_a_nul_as_mrd_tools_send_them(pair):
    sender, reader = pair
    frame = encode_frame(MessageId.TEXT, '{"type":"abort"}')
    assert frame[:2] == struct.pack("<H", 5) and frame[2:6] == struct.pack("<I", 17) and frame.endswith(b"\0")
    sender.sendall(frame + encode_frame(MessageId.CONFIG_TEXT, "[VERSION]\nmajor 1\n") + encode_frame(MessageId.CLOSE))
    assert reader.read().text == '{"type":"abort"}'
    config = reader.read()
    assert config.id == MessageId.CONFIG_TEXT and config.text == "[VERSION]\nmajor 1\n"
    assert reader.read().id == MessageId.CLOSE


def test_an_acquisition_is_framed_by_its_own_mrd_header(pair):
    sender, reader = pair
    data = (np.arange(4 * 96) * (1 + 2j)).reshape(4, 96).astype(np.complex64)
    acquisition = Acquisition(data, counters=EncodingCounters(kspace_encode_step_1=7, slice=1),
                              flags=AcqFlag.LAST_IN_SLICE, sample_time_s=20e-6, center_sample=48)
    blob = acquisition_to_bytes(acquisition)
    assert len(blob) == 340 + acquisition_body_bytes(blob[:340]) == 340 + 4 * 96 * 8
    sender.sendall(encode_frame(MessageId.ACQUISITION, blob) * 2)
    for _ in range(2):
        back = acquisition_from_bytes(reader.read().body)
        assert np.array_equal(back.data, data) and back.counters.kspace_encode_step_1 == 7
        assert back.flags == AcqFlag.LAST_IN_SLICE and back.center_sample == 48


def test_a_4_gb_length_is_refused_without_allocating_it(pair):
    sender, reader = pair
    sender.sendall(struct.pack("<HI", 5, 0xFFFFFFFF))
    with pytest.raises(LinkError, match="announced a text message of 4294967295 bytes, beyond the limit"):
        reader.read()


def test_an_acquisition_announcing_gigabytes_is_refused(pair):
    sender, reader = pair
    header = bytearray(340)
    header[34:36] = struct.pack("<H", 65535)  # samples
    header[38:40] = struct.pack("<H", 1024)  # channels
    sender.sendall(struct.pack("<H", 1008) + bytes(header))
    with pytest.raises(LinkError, match="announced an acquisition of .* beyond the limit"):
        reader.read()


def test_an_unknown_message_id_is_named(pair):
    sender, reader = pair
    sender.sendall(struct.pack("<H", 777))
    with pytest.raises(LinkError, match="unknown id 777; it does not speak the vetmri scanner-link protocol"):
        reader.read()


def test_a_truncated_frame_and_a_clean_close_are_told_apart(pair):
    sender, reader = pair
    sender.sendall(struct.pack("<HI", 5, 100) + b"x" * 10)
    sender.shutdown(socket.SHUT_WR)
    with pytest.raises(LinkClosed, match=r"in the middle of a message \(10 of 100 bytes arrived\)"):
        reader.read()
    with pytest.raises(LinkClosed, match="The scanner at 127.0.0.1:9 closed the connection.$"):
        reader.read()


def test_silence_is_a_timeout_naming_the_peer_and_the_seconds(pair):
    sender, reader = pair
    sender.sendall(struct.pack("<H", 5))  # a frame begins, then nothing
    with pytest.raises(LinkTimeout, match=r"The scanner at 127.0.0.1:9 sent nothing for 0.3 s"):
        reader.read()
