"""Window and level: which signal range of an image maps to black..white.

MR signal has no absolute scale (unlike CT's Hounsfield units), so the presets are
fractions of a robust maximum of the series (its 99.5th percentile), chosen per contrast:
a T2 brain window, for instance, spends the grey levels on tissue and lets fluid saturate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

__all__ = ["CONTRASTS", "WindowLevel", "WindowPreset", "apply_window", "contrast_of", "robust_maximum",
           "window_presets"]

#: The contrasts that have presets of their own ("other" covers localizers and the rest).
CONTRASTS = ("T1", "T2", "PD", "FLAIR", "STIR", "other")


@dataclass(frozen=True)
class WindowLevel:
    """A signal window: ``level - width/2`` shows black, ``level + width/2`` white.

    Attributes
    ----------
    level : float
        Centre of the window, in the image's signal units.
    width : float
        Width of the window (positive), same units.
    """

    level: float
    width: float

    def __post_init__(self) -> None:
        if not np.isfinite(self.level) or not np.isfinite(self.width) or self.width <= 0:
            raise ValueError(f"a window needs a finite level and a positive width, not {self.level}/{self.width}")

    @property
    def low(self) -> float:
        """Signal shown black."""
        return self.level - self.width / 2

    @property
    def high(self) -> float:
        """Signal shown white."""
        return self.level + self.width / 2

    def moved(self, *, level_step: float = 0.0, width_factor: float = 1.0) -> "WindowLevel":
        """This window with its level shifted by ``level_step`` and its width scaled."""
        return WindowLevel(self.level + level_step, max(self.width * width_factor, 1e-9))


@dataclass(frozen=True)
class WindowPreset:
    """A named window as fractions of the series' robust maximum.

    Attributes
    ----------
    name : str
        What it is for (``"brain"``, ``"fluid"``, ``"full range"``).
    low_fraction, high_fraction : float
        Black and white points as fractions of :func:`robust_maximum`.
    """

    name: str
    low_fraction: float
    high_fraction: float

    def window(self, reference: float) -> WindowLevel:
        """The window for a series whose robust maximum is ``reference``."""
        reference = reference if reference > 0 else 1.0
        low, high = self.low_fraction * reference, self.high_fraction * reference
        return WindowLevel((low + high) / 2, high - low)


_FULL = WindowPreset("full range", 0.0, 1.05)
_PRESETS = {
    "T1": (WindowPreset("soft tissue", 0.05, 0.85), WindowPreset("fat", 0.25, 1.1), _FULL),
    "T2": (WindowPreset("brain", 0.0, 0.6), WindowPreset("fluid", 0.1, 1.05), _FULL),
    "PD": (WindowPreset("soft tissue", 0.05, 0.8), _FULL),
    "FLAIR": (WindowPreset("brain", 0.1, 0.8), _FULL),
    "STIR": (WindowPreset("oedema", 0.15, 1.0), _FULL),
    "other": (WindowPreset("soft tissue", 0.0, 0.8), _FULL),
}


def window_presets(contrast: str) -> tuple[WindowPreset, ...]:
    """The presets of ``contrast`` (one of :data:`CONTRASTS`; unknown ones get "other"'s)."""
    return _PRESETS.get(contrast, _PRESETS["other"])


def contrast_of(description: str, *, te_s: float | None = None, tr_s: float | None = None,
                ti_s: float | None = None) -> str:
    """The contrast of a series from its description, else from its timing.

    Parameters
    ----------
    description : str
        Series description (``"T2 TSE transverse"``).
    te_s, tr_s, ti_s : float, optional
        Echo, repetition and inversion times, seconds.

    Returns
    -------
    str
        One of :data:`CONTRASTS`.
    """
    text = description.upper()
    for name in ("FLAIR", "STIR"):
        if name in text:
            return name
    for name in ("T1", "T2", "PD"):
        if re.search(rf"(^|[^A-Z0-9]){name}", text):
            return name
    if ti_s:
        return "FLAIR" if ti_s > 1.0 else "STIR"
    if te_s is not None and tr_s is not None:
        if te_s >= 0.06 and tr_s >= 1.5:
            return "T2"
        if te_s < 0.03 and tr_s < 1.0:
            return "T1"
        if te_s < 0.04 and tr_s >= 1.5:
            return "PD"
    return "other"


def robust_maximum(images: np.ndarray) -> float:
    """The 99.5th percentile of the signal (a few bright pixels do not set the scale)."""
    values = np.asarray(images, dtype=np.float32).ravel()
    if values.size > 200_000:  # a sample is as good and much faster for whole series
        values = values[:: values.size // 200_000]
    top = float(np.percentile(values, 99.5)) if values.size else 1.0
    return top if top > 0 else float(values.max(initial=1.0)) or 1.0


def apply_window(image: np.ndarray, window: WindowLevel) -> np.ndarray:
    """Grey levels 0-255 (uint8) of ``image`` through ``window``.

    Parameters
    ----------
    image : ndarray of shape (M, N)
        Signal, any real dtype.
    window : WindowLevel

    Returns
    -------
    ndarray of shape (M, N), uint8
    """
    scaled = (np.asarray(image, dtype=np.float32) - np.float32(window.low)) * np.float32(255.0 / window.width)
    return np.clip(scaled + 0.5, 0, 255).astype(np.uint8)
