"""C-ECHO against a real Orthanc, and the sentences a user sees when a node is not there."""

from __future__ import annotations

from dataclasses import replace

import pytest

from vetmri.dicom.association import echo
from vetmri.errors import OperationFailedError

from .peers import OUR_AE, free_port


def test_echo_reaches_a_running_pacs(orthanc):
    result = echo(orthanc.node, calling_ae_title=OUR_AE)
    assert result.node == orthanc.node and result.round_trip_s > 0


def test_echo_to_a_node_nobody_listens_on_says_it_could_not_be_reached(orthanc):
    silent = replace(orthanc.node, name="gone", port=free_port())
    with pytest.raises(OperationFailedError, match=r"'gone' \(ORTHANC at 127.0.0.1:\d+\): it could not be reached"):
        echo(silent, calling_ae_title=OUR_AE, timeout_s=5)


def test_a_pacs_that_does_not_know_our_ae_title_rejects_us(orthanc):
    with pytest.raises(OperationFailedError, match="rejected the association .* 'NOT-KNOWN'"):
        echo(orthanc.node, calling_ae_title="NOT-KNOWN")
    assert "Rejected association for remote AET NOT-KNOWN" in orthanc.log_text()
