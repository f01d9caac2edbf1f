"""One readout of raw data, typed: :class:`Acquisition`, its :class:`EncodingCounters`
and :class:`AcqFlag` flags, and its conversion to and from the MRD wire format.

The MRD (ISMRMRD) acquisition header stores positions in millimetres, the sample time in
microseconds and the time stamp in ticks; here everything is SI (metres, seconds).
``ismrmrd`` is imported inside the functions that need it, so importing this module stays
cheap.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

__all__ = [
    "TIME_STAMP_TICK_S",
    "AcqFlag",
    "Acquisition",
    "EncodingCounters",
    "acquisition_from_bytes",
    "acquisition_from_mrd",
    "acquisition_to_bytes",
    "acquisition_to_mrd",
]

#: Duration of one tick of the MRD ``acquisition_time_stamp`` (the 2.5 ms convention of
#: clinical scanners, kept for files from other tools).
TIME_STAMP_TICK_S = 2.5e-3

Vector3 = tuple[float, float, float]


class AcqFlag(enum.IntFlag):
    """Acquisition flags, bit for bit as in the MRD acquisition header (bit n-1 for MRD
    flag number n)."""

    NONE = 0
    FIRST_IN_ENCODE_STEP1 = 1 << 0
    LAST_IN_ENCODE_STEP1 = 1 << 1
    FIRST_IN_ENCODE_STEP2 = 1 << 2
    LAST_IN_ENCODE_STEP2 = 1 << 3
    FIRST_IN_AVERAGE = 1 << 4
    LAST_IN_AVERAGE = 1 << 5
    FIRST_IN_SLICE = 1 << 6
    LAST_IN_SLICE = 1 << 7
    FIRST_IN_CONTRAST = 1 << 8
    LAST_IN_CONTRAST = 1 << 9
    FIRST_IN_PHASE = 1 << 10
    LAST_IN_PHASE = 1 << 11
    FIRST_IN_REPETITION = 1 << 12
    LAST_IN_REPETITION = 1 << 13
    FIRST_IN_SET = 1 << 14
    LAST_IN_SET = 1 << 15
    FIRST_IN_SEGMENT = 1 << 16
    LAST_IN_SEGMENT = 1 << 17
    IS_NOISE_MEASUREMENT = 1 << 18
    IS_PARALLEL_CALIBRATION = 1 << 19
    IS_PARALLEL_CALIBRATION_AND_IMAGING = 1 << 20
    IS_REVERSE = 1 << 21
    IS_NAVIGATION_DATA = 1 << 22
    IS_PHASECORR_DATA = 1 << 23
    LAST_IN_MEASUREMENT = 1 << 24
    IS_DUMMYSCAN_DATA = 1 << 26


#: Flags of acquisitions that are not image k-space lines.
NON_IMAGING = (
    AcqFlag.IS_NOISE_MEASUREMENT
    | AcqFlag.IS_NAVIGATION_DATA
    | AcqFlag.IS_PHASECORR_DATA
    | AcqFlag.IS_DUMMYSCAN_DATA
)


@dataclass(frozen=True, order=True)
class EncodingCounters:
    """Where a readout belongs: the MRD encoding counters (all 0-based)."""

    kspace_encode_step_1: int = 0
    kspace_encode_step_2: int = 0
    slice: int = 0
    average: int = 0
    contrast: int = 0
    phase: int = 0
    repetition: int = 0
    set: int = 0
    segment: int = 0

    def sort_key(self) -> tuple[int, ...]:
        """Order of k-space: image (contrast, repetition, set, phase), slice, average,
        partition, line, segment."""
        return (
            self.contrast, self.repetition, self.set, self.phase, self.slice,
            self.average, self.kspace_encode_step_2, self.kspace_encode_step_1, self.segment,
        )


@dataclass(frozen=True, eq=False)
class Acquisition:
    """One readout (all receive channels) with its position in k-space and in the scanner.

    Attributes
    ----------
    data : ndarray of shape (channels, samples), complex64
        The samples.
    counters : EncodingCounters
        Line, partition, slice, average, contrast, repetition, ... of this readout.
    flags : AcqFlag
        Noise measurement, navigator, first/last in slice/average/repetition, ...
    sample_time_s : float
        Dwell time between samples, seconds.
    center_sample : int
        Index of the sample at k = 0 along the readout (echo centre).
    position_m : tuple of 3 float
        Centre of the slice (2D) or slab (3D) in the scanner frame, metres.
    read_dir, phase_dir, slice_dir : tuple of 3 float
        Direction cosines of readout, phase encoding and slice/partition encoding.
    time_stamp_s : float
        Acquisition time since the start of the measurement, seconds.
    scan_counter : int
        Running number of the readout in the scan.
    """

    data: np.ndarray
    counters: EncodingCounters = field(default_factory=EncodingCounters)
    flags: AcqFlag = AcqFlag.NONE
    sample_time_s: float = 10e-6
    center_sample: int = 0
    position_m: Vector3 = (0.0, 0.0, 0.0)
    read_dir: Vector3 = (1.0, 0.0, 0.0)
    phase_dir: Vector3 = (0.0, 1.0, 0.0)
    slice_dir: Vector3 = (0.0, 0.0, 1.0)
    time_stamp_s: float = 0.0
    scan_counter: int = 0

    def __post_init__(self) -> None:
        data = np.asarray(self.data)
        if data.ndim != 2:
            raise ValueError(f"acquisition data must be (channels, samples), got shape {data.shape}")
        object.__setattr__(self, "data", np.ascontiguousarray(data, dtype=np.complex64))

    @property
    def channels(self) -> int:
        return int(self.data.shape[0])

    @property
    def samples(self) -> int:
        return int(self.data.shape[1])

    @property
    def is_noise(self) -> bool:
        return AcqFlag.IS_NOISE_MEASUREMENT in self.flags

    @property
    def is_navigator(self) -> bool:
        return AcqFlag.IS_NAVIGATION_DATA in self.flags

    @property
    def is_imaging(self) -> bool:
        """True for k-space lines of the image (not noise, navigator, phase correction or
        dummy scans)."""
        return not (self.flags & NON_IMAGING)

    def has(self, flag: AcqFlag) -> bool:
        return bool(self.flags & flag)


def _vector(values: Any) -> Vector3:
    return (float(values[0]), float(values[1]), float(values[2]))


def acquisition_to_mrd(acq: Acquisition) -> Any:
    """Our :class:`Acquisition` as an ``ismrmrd.Acquisition`` (MRD units: mm, us, ticks)."""
    import ismrmrd

    mrd = ismrmrd.Acquisition.from_array(acq.data)
    mrd.flags = int(acq.flags)
    mrd.sample_time_us = acq.sample_time_s * 1e6
    mrd.center_sample = acq.center_sample
    mrd.scan_counter = acq.scan_counter
    mrd.acquisition_time_stamp = int(round(acq.time_stamp_s / TIME_STAMP_TICK_S))
    mrd.position[:] = [1e3 * v for v in acq.position_m]
    mrd.read_dir[:] = acq.read_dir
    mrd.phase_dir[:] = acq.phase_dir
    mrd.slice_dir[:] = acq.slice_dir
    for f in fields(EncodingCounters):
        setattr(mrd.idx, f.name, getattr(acq.counters, f.name))
    return mrd


def acquisition_from_header_fields(head: Any, data: np.ndarray) -> Acquisition:
    """Build an :class:`Acquisition` from an MRD header (ctypes structure or numpy record,
    anything with the MRD field names) and its data."""
    idx = head["idx"] if isinstance(head, np.void) else head.idx
    get = (lambda name: head[name]) if isinstance(head, np.void) else (lambda name: getattr(head, name))
    counters = EncodingCounters(**{f.name: int(idx[f.name] if isinstance(idx, np.void) else getattr(idx, f.name)) for f in fields(EncodingCounters)})
    flags = int(get("flags"))
    known = AcqFlag(0)
    for flag in AcqFlag:
        if flags & flag.value:
            known |= flag
    return Acquisition(
        data=data,
        counters=counters,
        flags=known,
        sample_time_s=float(get("sample_time_us")) * 1e-6,
        center_sample=int(get("center_sample")),
        position_m=tuple(1e-3 * float(v) for v in get("position")),  # type: ignore[arg-type]
        read_dir=_vector(get("read_dir")),
        phase_dir=_vector(get("phase_dir")),
        slice_dir=_vector(get("slice_dir")),
        time_stamp_s=int(get("acquisition_time_stamp")) * TIME_STAMP_TICK_S,
        scan_counter=int(get("scan_counter")),
    )


def acquisition_from_mrd(mrd: Any) -> Acquisition:
    """An ``ismrmrd.Acquisition`` as our :class:`Acquisition`."""
    return acquisition_from_header_fields(mrd.getHead(), np.array(mrd.data, dtype=np.complex64))


def acquisition_to_bytes(acq: Acquisition) -> bytes:
    """The MRD binary form of one acquisition (header, trajectory, data), as the MRD
    streaming protocol sends it after message id 1008."""
    return acquisition_to_mrd(acq).to_bytes()


def acquisition_from_bytes(blob: bytes) -> Acquisition:
    """Inverse of :func:`acquisition_to_bytes`."""
    import ismrmrd

    return acquisition_from_mrd(ismrmrd.Acquisition.from_bytes(blob))
