"""Edge labels in veterinary terms from the image orientation (DICOM quadruped frame:
x left, y dorsal, z cranial)."""

from __future__ import annotations

import pytest

from vetmri.viewing.orientation import orientation_labels

LEFT, DORSAL, CRANIAL = (1, 0, 0), (0, 1, 0), (0, 0, 1)
RIGHT, VENTRAL, CAUDAL = (-1, 0, 0), (0, -1, 0), (0, 0, -1)


@pytest.mark.parametrize("row, column, region, expected", [
    (RIGHT, DORSAL, "brain", ("L", "R", "V", "D", "transverse")),   # the sternal cat of the tests
    (LEFT, VENTRAL, "stifle", ("R", "L", "D", "V", "transverse")),
    (CAUDAL, VENTRAL, "brain", ("R", "Cd", "D", "V", "sagittal")),  # rostral in the head
    (CAUDAL, VENTRAL, "thoracolumbar_spine", ("Cr", "Cd", "D", "V", "sagittal")),
    (LEFT, CAUDAL, "coelom", ("R", "L", "Cr", "Cd", "dorsal")),
])
def test_labels_per_plane(row, column, region, expected):
    labels = orientation_labels(row, column, region=region)
    assert (labels.left, labels.right, labels.top, labels.bottom, labels.plane) == expected


def test_an_oblique_edge_names_both_directions():
    s = 0.5 ** 0.5
    labels = orientation_labels((s, s, 0), (0, 0, -1), region="stifle")
    assert (labels.right, labels.left, labels.top, labels.bottom, labels.plane) == ("LD", "RV", "Cr", "Cd", "oblique")
