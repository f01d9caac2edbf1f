"""The readouts of a series stacked into arrays, so that each reconstruction step works on
whole arrays rather than on one acquisition object at a time."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

import numpy as np

from vetmri.rawdata import Acquisition

__all__ = ["COUNTER_NAMES", "Readouts", "consistent_dwell", "stack_readouts", "with_echo_centre"]

#: Columns of :attr:`Readouts.counters`.
COUNTER_NAMES = (
    "kspace_encode_step_1", "kspace_encode_step_2", "slice", "average", "contrast",
    "phase", "repetition", "set", "segment",
)


@dataclass(frozen=True, eq=False)
class Readouts:
    """Readouts of one kind (imaging lines, navigators or noise) of one series.

    Attributes
    ----------
    data : ndarray of shape (n, coils, samples), complex64
    counters : ndarray of shape (n, 9), int
        Encoding counters, columns as in :data:`COUNTER_NAMES`.
    time_s : ndarray of shape (n,)
        Acquisition time stamps, seconds.
    center_sample : ndarray of shape (n,), int
    sample_time_s : float
        Dwell time (the same for every readout of the kind).
    acquisitions : tuple of Acquisition
        The readouts themselves (positions and directions for the geometry).
    """

    data: np.ndarray
    counters: np.ndarray
    time_s: np.ndarray
    center_sample: np.ndarray
    sample_time_s: float
    acquisitions: tuple[Acquisition, ...]

    def __len__(self) -> int:
        return int(self.data.shape[0])

    def counter(self, name: str) -> np.ndarray:
        return self.counters[:, COUNTER_NAMES.index(name)]

    def with_data(self, data: np.ndarray) -> Readouts:
        return replace(self, data=data.astype(np.complex64, copy=False))

    def select(self, keep: np.ndarray) -> Readouts:
        index = np.flatnonzero(keep)
        return Readouts(
            self.data[index], self.counters[index], self.time_s[index], self.center_sample[index],
            self.sample_time_s, tuple(self.acquisitions[i] for i in index),
        )


def stack_readouts(acquisitions: Iterable[Acquisition]) -> Readouts | None:
    """Stack acquisitions (all of one sample count) into :class:`Readouts`; None if empty."""
    acqs = tuple(acquisitions)
    if not acqs:
        return None
    data = np.stack([a.data for a in acqs])
    counters = np.array([[getattr(a.counters, n) for n in COUNTER_NAMES] for a in acqs], dtype=np.int64)
    return Readouts(
        data=data,
        counters=counters,
        time_s=np.array([a.time_stamp_s for a in acqs], dtype=np.float64),
        center_sample=np.array([a.center_sample for a in acqs], dtype=np.int64),
        sample_time_s=float(acqs[0].sample_time_s),
        acquisitions=acqs,
    )


def consistent_dwell(encoded_samples: int, bandwidth_per_pixel_hz: float | None, *kinds: Readouts | None) -> tuple[float, str | None]:
    """One dwell time for readouts that may lack it (``sample_time_us = 0``, the ``ismrmrd``
    package's default, is common in files from other tools).

    The imaging readouts' own dwell when given (the first of ``kinds``), else the one the
    header's bandwidth per pixel implies (1 / (bandwidth x encoded samples)), else the
    dwell of any other kind that has one.

    Parameters
    ----------
    encoded_samples : int
        Encoded readout samples (the header's encoded matrix x).
    bandwidth_per_pixel_hz : float or None
        From the header, when it records it.
    *kinds : Readouts or None
        Imaging lines first, then navigators, noise.

    Returns
    -------
    (float, str or None)
        The dwell in seconds (0.0 when nothing tells it) and a note for the user when it
        was not the imaging readouts' own.
    """
    present = [k for k in kinds if k is not None]
    own = present[0].sample_time_s if present else 0.0
    if own > 0:
        return own, None
    if bandwidth_per_pixel_hz and bandwidth_per_pixel_hz > 0 and encoded_samples > 0:
        return 1.0 / (bandwidth_per_pixel_hz * encoded_samples), "the readouts give no dwell time; it was taken from the header's bandwidth per pixel"
    other = next((k.sample_time_s for k in present if k.sample_time_s > 0), 0.0)
    if other > 0:
        return other, "the imaging readouts give no dwell time; that of the noise scan was used"
    return 0.0, "the raw data give no dwell time; the noise scan is taken to have the imaging bandwidth"


def with_echo_centre(readouts: Readouts | None, encoded_samples: int) -> tuple[Readouts | None, str | None]:
    """Readouts whose echo centre was left unset get the centre of a symmetric readout.

    ``center_sample = 0`` on every readout (the ``ismrmrd`` package's default) would put
    k = 0 at the first sample: a Cartesian echo is sampled around its centre, so such files
    mean "not recorded"; the centre is then ``samples // 2`` (MRD's convention for a full
    echo).

    Returns
    -------
    (Readouts or None, str or None)
        The readouts and a note for the user when the centre was filled in.
    """
    if readouts is None or len(readouts) == 0 or np.any(readouts.center_sample != 0):
        return readouts, None
    samples = readouts.data.shape[-1]
    if samples < 2:
        return readouts, None
    centre = np.full(len(readouts), samples // 2, dtype=np.int64)
    note = f"the readouts give no echo centre (center_sample 0); sample {samples // 2} of {samples} was taken as k = 0"
    return replace(readouts, center_sample=centre), note
