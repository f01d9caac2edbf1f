"""Viewing images without a screen: window/level, resampling to a grid of terminal cells,
orientation labels in veterinary terms, measurements, and the terminal image encoders.

Everything here is numpy and plain data (frozen dataclasses); the terminal UI's image
widget (:mod:`vetmri.tui.widgets.slice_image`) only draws what these functions computed.
"""

from vetmri.viewing.orientation import OrientationLabels, orientation_labels
from vetmri.viewing.slices import ViewSlice, slice_from_geometry
from vetmri.viewing.viewport import SampleGrid, Viewport, sample_grid
from vetmri.viewing.window import WindowLevel, WindowPreset, apply_window, contrast_of, window_presets

__all__ = [
    "OrientationLabels",
    "SampleGrid",
    "ViewSlice",
    "Viewport",
    "WindowLevel",
    "WindowPreset",
    "apply_window",
    "contrast_of",
    "orientation_labels",
    "sample_grid",
    "slice_from_geometry",
    "window_presets",
]
