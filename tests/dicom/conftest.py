"""Fixtures of the DICOM tests: written series of every sequence type."""

from __future__ import annotations

from pathlib import Path

import pytest

from vetmri.dicom.writer import WrittenSeries, write_mr_series

from .samples import SEQUENCE_KINDS, UID_ROOT, make_equipment, make_patient, make_series, make_study, make_volume


@pytest.fixture(scope="session")
def study_folder(tmp_path_factory: pytest.TempPathFactory) -> dict[str, WrittenSeries]:
    """One study of a dog with one series per sequence type, written once per session."""
    root = tmp_path_factory.mktemp("study")
    written = {}
    for number, kind in enumerate(SEQUENCE_KINDS, start=1):
        written[kind] = write_mr_series(
            make_patient(), make_study(), make_series(kind, number), make_volume(),
            root / kind, uid_root=UID_ROOT, equipment=make_equipment(),
        )
    return written


@pytest.fixture
def study_root(study_folder: dict[str, WrittenSeries]) -> Path:
    """The folder holding the series folders of :func:`study_folder`."""
    return next(iter(study_folder.values())).paths[0].parent.parent


@pytest.fixture
def storescp(tmp_path):
    """A running dcmtk storescp; its log is printed when the test fails."""
    from .peers import start_storescp

    peer = start_storescp(tmp_path / "storescp")
    yield peer
    peer.stop()


@pytest.fixture(scope="module")
def orthanc(tmp_path_factory):
    """A running Orthanc with the worklist plugin (one per test module: it takes a second)."""
    from .peers import start_orthanc

    peer = start_orthanc(tmp_path_factory.mktemp("orthanc"))
    yield peer
    peer.stop()
