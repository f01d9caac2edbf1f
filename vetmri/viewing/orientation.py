"""Orientation labels in veterinary terms, from where an image lies in the animal.

The patient frame is DICOM's for quadrupeds (Anatomical Orientation Type QUADRUPED):
x toward the animal's left, y toward its dorsal side, z toward its cranial end. The label
at each edge of the image names the direction one moves toward when going to that edge:
transverse planes show L/R and D/V, sagittal planes Cr/Cd (R/Cd, rostral, for the head)
and D/V, dorsal planes L/R and Cr/Cd.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["HEAD_REGIONS", "OrientationLabels", "orientation_labels", "plane_of"]

#: Regions where "cranial" is called "rostral" (the head).
HEAD_REGIONS = ("brain", "head", "skull", "nasal_cavity", "ear", "eye", "orbit", "tmj")


@dataclass(frozen=True)
class OrientationLabels:
    """The labels to print at each edge of an image, and the plane's name.

    Attributes
    ----------
    left, right, top, bottom : str
        ``"L"``, ``"R"``, ``"D"``, ``"V"``, ``"Cr"``, ``"Cd"`` (or ``"R"`` for rostral in the
        head); a mixed letter pair (``"LD"``) for an oblique edge.
    plane : str
        ``"transverse"``, ``"sagittal"``, ``"dorsal"`` or ``"oblique"``.
    """

    left: str
    right: str
    top: str
    bottom: str
    plane: str


def _axis_names(region: str) -> tuple[tuple[str, str], ...]:
    head = region.strip().lower() in HEAD_REGIONS
    return (("L", "R"), ("D", "V"), ("R" if head else "Cr", "Cd"))  # (+axis, -axis) for x, y, z


def _label(direction: np.ndarray, names: tuple[tuple[str, str], ...]) -> str:
    """The name of ``direction``: its main axis, then a second one above 0.38 (22.5 degrees)."""
    order = np.argsort(-np.abs(direction))
    parts = []
    for axis in order[:2]:
        if abs(direction[axis]) >= (0.38 if parts else 0.0):
            parts.append(names[axis][0] if direction[axis] > 0 else names[axis][1])
    return "".join(parts)


def plane_of(row_direction, column_direction) -> str:
    """The anatomical plane of an image from its row and column directions (patient frame)."""
    normal = np.cross(np.asarray(row_direction, float), np.asarray(column_direction, float))
    axis = int(np.argmax(np.abs(normal)))
    if abs(normal[axis]) < 0.8:
        return "oblique"
    return ("sagittal", "dorsal", "transverse")[axis]


def orientation_labels(row_direction, column_direction, *, region: str = "") -> OrientationLabels:
    """The edge labels of an image.

    Parameters
    ----------
    row_direction, column_direction : sequence of 3 float
        Unit vectors along a row (increasing column) and down a column (increasing row),
        in the patient frame: DICOM Image Orientation (Patient).
    region : str
        The examined region (``"brain"`` uses rostral for cranial).

    Returns
    -------
    OrientationLabels
    """
    row = np.asarray(row_direction, dtype=float)
    column = np.asarray(column_direction, dtype=float)
    names = _axis_names(region)
    return OrientationLabels(left=_label(-row, names), right=_label(row, names), top=_label(-column, names),
                             bottom=_label(column, names), plane=plane_of(row, column))
