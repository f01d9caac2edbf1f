"""Slices from the exam's live events and from DICOM, measurements and the review's rules."""

from __future__ import annotations

import numpy as np
import pytest

from vetmri.recon.geometry import SliceGeometry
from vetmri.viewing.measure import distance_mm, roi_statistics
from vetmri.viewing.review import position_words
from vetmri.viewing.slices import ViewSlice, slice_from_geometry


def _geometry() -> SliceGeometry:
    return SliceGeometry(center_m=(0.0, 0.0, 0.01), position_m=(-0.05, -0.05, 0.01), row_direction=(1.0, 0.0, 0.0),
                         column_direction=(0.0, 1.0, 0.0), normal=(0.0, 0.0, 1.0), pixel_spacing_m=(0.002, 0.001),
                         slice_thickness_m=0.004)


def test_a_live_slice_is_put_in_the_patient_frame_of_the_animals_position():
    image = np.ones((50, 100), np.float32)
    supine = slice_from_geometry(image, _geometry(), patient_position="HFS", key="live:1:0")
    assert supine.pixel_spacing_mm == (2.0, 1.0) and supine.position_mm == pytest.approx((-50, -50, 10))
    assert supine.labels("brain").plane == "transverse" and (supine.labels().right, supine.labels().bottom) == ("L", "D")
    prone = slice_from_geometry(image, _geometry(), patient_position="HFP")
    assert (prone.labels().right, prone.labels().bottom) == ("R", "V")  # sternal: the image's x is the animal's right
    assert prone.key != supine.key


def test_distances_and_rois_are_in_millimetres_with_unequal_spacing():
    pixels = np.zeros((50, 100), np.float32)
    pixels[20:30, 40:60] = 10.0
    image = ViewSlice("k", pixels, (2.0, 1.0), (0.0, 0.0, 0.0), (1.0, 0.0, 0.0), (0.0, 1.0, 0.0))
    assert distance_mm(image, (0, 0), (3, 4)) == pytest.approx(np.hypot(6, 4))
    stats = roi_statistics(image, (22, 45), (27, 55))
    assert stats.mean == pytest.approx(10.0) and stats.sd == pytest.approx(0.0)
    assert stats.area_mm2 == pytest.approx(stats.pixels * 2.0)
    edge = roi_statistics(image, (15, 35), (34, 64))
    assert 0 < edge.mean < 10 and edge.sd > 0
    assert image.value_at(25, 50) == 10.0 and image.value_at(-1, 0) is None


def test_positions_are_said_in_veterinary_terms():
    assert position_words((-12.34, 4.5, -0.04)) == "R 12.3 D 4.5 Cd 0.0 mm"
    assert position_words((1, -2, 3)) == "L 1.0 V 2.0 Cr 3.0 mm"
