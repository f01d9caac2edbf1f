"""The readouts of a series stacked into arrays, so that each reconstruction step works on
whole arrays rather than on one acquisition object at a time."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

import numpy as np

from vetmri.rawdata import Acquisition

__all__ = ["COUNTER_NAMES", "Readouts", "stack_readouts"]

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
