"""The JSON control messages: what a peer may send, the version rule, and the plain-data
forms of the adjustments and the scanner profile that travel in them."""

from __future__ import annotations

import json

import pytest

from vetmri.acquisition.contract import Adjustments
from vetmri.acquisition.link.framing import LinkError
from vetmri.acquisition.link.messages import check_version, decode_message, encode_message
from vetmri.errors import UserInputError
from vetmri.scanner.profile import load_profile, parse_profile

SENDER = "The scanner at 10.0.0.5:9002"


def test_a_message_round_trips_as_compact_json():
    text = encode_message("progress", fraction=0.25, message="slice 1 of 4")
    assert json.loads(text) == {"type": "progress", "fraction": 0.25, "message": "slice 1 of 4"}
    assert decode_message(text, sender=SENDER)["message"] == "slice 1 of 4"


@pytest.mark.parametrize("text, words", [
    ("not json {", "sent a control message that is not JSON"),
    ("[1, 2]", "of unknown type 'list'"),
    ('{"type": "reboot"}', "of unknown type 'reboot'"),
    ('{"type": "hello"}', "sent a hello message without its 'protocol' field"),
    ('{"type": "status", "state": "exploded"}', "unknown state 'exploded'"),
    ('{"type": "status", "state": "error", "code": "weird"}', "unknown code 'weird'"),
    ('{"type": "progress", "fraction": "half", "message": "x"}', "bad fraction"),
    ('{"type": "calibrate", "steps": "larmor"}', "steps are not a list of names"),
])
def test_bad_control_messages_get_one_sentence_naming_the_sender(text, words):
    with pytest.raises(LinkError, match=words) as caught:
        decode_message(text, sender=SENDER)
    assert str(caught.value).startswith(SENDER)


def test_the_major_version_decides():
    assert check_version("1.7", peer=SENDER) is None
    problem = check_version("2.0", peer=SENDER)
    assert problem == (f"{SENDER} speaks scanner-link protocol version 2.0, but this vetmri speaks version 1.0; "
                       "update the older side so both use the same major version.")


def test_adjustments_survive_json():
    adjustments = Adjustments(f0_hz=812.5, rf_scale=0.93, shim_hz_per_m=(10.0, -4.5, 2.0), noise_std=3e-11,
                              noise_covariance=((1 + 0j, 0.1 - 0.2j), (0.1 + 0.2j, 2 + 0j)))
    assert Adjustments.from_dict(json.loads(json.dumps(adjustments.to_dict()))) == adjustments


@pytest.mark.parametrize("data, words", [
    ([], "must be a JSON object"),
    ({"f0": 3}, "unknown key 'f0'"),
    ({"f0_hz": "high"}, "f0_hz must be a number"),
    ({"shim_hz_per_m": [1, 2]}, "shim_hz_per_m must be 3 numbers"),
    ({"rf_scale": 50}, "RF scale must be between 0.1 and 10"),
])
def test_bad_adjustments_are_refused(data, words):
    with pytest.raises(UserInputError, match=words):
        Adjustments.from_dict(data)


def test_the_scanner_profile_survives_json():
    profile = load_profile()
    assert parse_profile(json.loads(json.dumps(profile.to_dict()))) == profile
