"""From the simulator's readouts to MRD acquisitions: encoding counters, directions, flags.

Conventions (``docs/raw-data.md`` and ``docs/simulated-scanner.md``): sample ``n`` of a
readout lies at ``k = (n - center_sample) / FOV_x`` along ``read_dir`` and line counter
``j`` at ``k = (j - c1) / FOV_y`` along ``phase_dir`` (partition ``p`` along ``slice_dir``
for 3D). The directions are chosen so that images come out the way veterinary images are
read: each scanner axis has a display direction (:data:`DISPLAY_DIRECTION`: columns and
rows run toward the animal's left, ventral and caudal), so a transverse image has the
animal's right on the viewer's left and dorsal up, a sagittal one cranial to the left and
dorsal up. The counters and the sample order are then derived from the nominal k-space
position of every sample along those directions, not copied from the sequence's labels:
a line at ``-N/2`` along a reversed axis becomes line ``+N/2``, which is the same Fourier
component on the N-point grid (exact for any DFT reconstruction).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from vetmri.errors import UserInputError
from vetmri.rawdata import AcqFlag, Acquisition, EncodingCounters, SeriesHeader
from vetmri.simulation.result import SimulatedAcquisition

__all__ = ["DISPLAY_DIRECTION", "EncodingGeometry", "infer_encoding", "mrd_samples", "to_mrd_acquisitions"]

#: Display direction of each scanner axis (x: right -> left, y: ventral -> dorsal,
#: z: caudal -> cranial): image columns and rows increase toward the animal's left (+x),
#: toward ventral (-y) and toward caudal (-z).
DISPLAY_DIRECTION = (1.0, -1.0, -1.0)
_LATTICE_TOLERANCE = 0.05
_HALF_SAMPLE_SLACK = 0.05  # samples: rounding of ramps and dwell moves the half-way centre a little


class EncodingGeometry:
    """Logical axes of one plane of a series (per localizer plane, one for the others)."""

    def __init__(self, read_axis: int, phase_axis: int, partition_axis: int):
        self.read_axis, self.phase_axis, self.partition_axis = read_axis, phase_axis, partition_axis
        eye = np.eye(3)
        self.read_dir = DISPLAY_DIRECTION[read_axis] * eye[read_axis]
        self.phase_dir = DISPLAY_DIRECTION[phase_axis] * eye[phase_axis]
        self.slice_dir = np.cross(self.read_dir, self.phase_dir)


def _read_axis(acq: SimulatedAcquisition) -> int:
    return int(np.argmax(np.ptp(acq.k_per_m, axis=0))) if acq.k_per_m.shape[0] > 1 else 0


def _echo_k(acq: SimulatedAcquisition, read_axis: int) -> np.ndarray:
    """k at the sample closest to the readout's k = 0 (the echo)."""
    return acq.k_per_m[int(np.argmin(np.abs(acq.k_per_m[:, read_axis])))]


def _geometries(imaging: Sequence[SimulatedAcquisition], is_3d: bool = False,
                fov_yz_m: tuple[float, float] = (1.0, 1.0)) -> dict[int, EncodingGeometry]:
    """The logical axes of each localizer plane (``SET``), from the trajectory: the readout
    moves along the read axis, the phase encoding spreads the echoes along the phase axis
    (3D: the two encoded axes told apart by their k-space steps, 1 / FOV)."""
    by_set: dict[int, list[SimulatedAcquisition]] = defaultdict(list)
    for a in imaging:
        by_set[a.counters.get("SET", 0)].append(a)
    out = {}
    for set_index, acqs in by_set.items():
        read = int(np.bincount([_read_axis(a) for a in acqs], minlength=3).argmax())
        centres = np.array([_echo_k(a, read) for a in acqs])
        others = [ax for ax in range(3) if ax != read]
        spread = {ax: float(np.ptp(centres[:, ax])) for ax in others}
        if is_3d:
            fov_y, fov_z = fov_yz_m

            def mismatch(ax: int, fov: float) -> float:
                values = np.unique(np.round(centres[:, ax] * fov, 3))
                return float(np.mean(np.abs(values - np.round(values)))) + (0.0 if spread[ax] > 0 else 1.0)

            a, b = others
            phase = a if mismatch(a, fov_y) + mismatch(b, fov_z) <= mismatch(b, fov_y) + mismatch(a, fov_z) else b
        else:
            phase = max(others, key=lambda ax: (spread[ax], -_slab_axis_hint(acqs, ax)))
        partition = [ax for ax in others if ax != phase][0]
        out[set_index] = EncodingGeometry(read, phase, partition)
    return out


def _slab_axis_hint(acqs: Sequence[SimulatedAcquisition], axis: int) -> int:
    """1 when the excited slices lie along ``axis`` (so it is not the phase axis)."""
    centres = [a.slab_centre_m for a in acqs if a.slab_centre_m is not None]
    return int(bool(centres) and np.ptp([c[axis] for c in centres]) > 0)


def _index(k: float, fov: float, centre: int, size: int, what: str) -> int:
    value = k * fov + centre
    index = int(round(value))
    if abs(value - index) > _LATTICE_TOLERANCE:
        raise UserInputError(
            f"The sequence's {what} positions are not on the grid of the {fov * 1e3:.1f} mm field of view; "
            "give the field of view the sequence was written for (--fov-mm)."
        )
    if index == size:  # the Nyquist edge of a reversed axis: the same component as index 0
        index = 0
    if not 0 <= index < size:
        raise UserInputError(
            f"The sequence's {what} reaches k-space index {index}, beyond the matrix of {size}; "
            "give the matrix and field of view it was written for (--matrix, --fov-mm)."
        )
    return index


def _readout(acq: SimulatedAcquisition, read_dir: np.ndarray, fov_x: float) -> tuple[np.ndarray, int]:
    """Samples in increasing k along ``read_dir`` and the index of k = 0.

    When k = 0 falls between two samples (an even number of samples centred on the echo,
    pypulseq's usual readout: sample ``i`` at ``(i - n/2 + 1/2) / FOV``), the centre is the
    upper one, ``n // 2``, and the line is resampled by the fraction (band-limited, within
    the readout field of view) so that sample ``i`` lies at ``(i - centre) / FOV`` exactly,
    as MRD's ``center_sample`` states. A readout without samples yet (the layout laid
    out before the signal) gets its centre only."""
    k = acq.k_per_m @ np.asarray(read_dir, dtype=float)
    data = acq.samples
    if k.shape[0] > 1 and k[-1] < k[0]:
        k, data = k[::-1], data[:, ::-1]
    n = k.shape[0]
    if n > 1:
        step = float((k[-1] - k[0]) / (n - 1))  # the mean step (a median per readout cost seconds per exam)
        if abs(step * fov_x - 1) > 0.02:
            raise UserInputError(
                f"The readout samples k-space every {step:.3f} cycles/m, which is a {1e3 / step:.1f} mm field of view, "
                f"not the {fov_x * 1e3:.1f} mm of the header; give the readout field of view the sequence was written for."
            )
    exact = float(-k[0] * fov_x)
    centre = int(math.floor(exact + 0.5 + _HALF_SAMPLE_SLACK))  # k = 0 about half-way: the upper sample
    if not 0 <= centre < n:
        raise UserInputError("The readout does not cross the centre of k-space; the simulator reconstructs echoes only.")
    shift = exact - centre
    if abs(shift) > 1e-3 and n > 1 and data.shape[-1] == n:
        data = data @ _resampling(n, centre, round(shift, 4)).T
    return np.ascontiguousarray(data), centre


@lru_cache(maxsize=32)
def _resampling(n: int, centre: int, shift: float) -> np.ndarray:
    """The (n, n) matrix that takes a line sampled at ``k = (i - centre - shift) / FOV``
    to ``k = (i - centre) / FOV``: through the n pixels of the readout field of view, where
    the offset is the phase ramp ``exp(2 pi i shift x / FOV)``."""
    i = np.arange(n) - centre
    x = (np.arange(n) - n // 2) / n  # pixel positions / FOV
    forward = np.exp(-2j * np.pi * np.outer(i, x))
    return (forward * np.exp(-2j * np.pi * shift * x)[None, :]) @ forward.conj().T / n


def _contrasts(imaging: Sequence[SimulatedAcquisition]) -> bool:
    """True when one encoding position is read at several echoes (multi-echo: ECO is a contrast)."""
    seen: dict[tuple, set[int]] = defaultdict(set)
    for a in imaging:
        c = a.counters
        key = (c.get("LIN", 0), c.get("PAR", 0), c.get("SLC", 0), c.get("AVG", 0), c.get("SET", 0), c.get("REP", 0))
        seen[key].add(c.get("ECO", 0))
    return any(len(v) > 1 for v in seen.values())


def to_mrd_acquisitions(readouts: Sequence[SimulatedAcquisition], header: SeriesHeader, *,
                        time_offset_s: float = 0.0, first_scan_counter: int = 0) -> list[Acquisition]:
    """MRD acquisitions of a simulated series, in acquisition order.

    Parameters
    ----------
    readouts : sequence of SimulatedAcquisition
        The engine's readouts of one sequence (noise readouts are passed through, flagged).
    header : SeriesHeader
        Its encoded field of view and limits define the counters.
    time_offset_s : float
        Added to every time stamp (the series' start within the exam).

    Raises
    ------
    UserInputError
        The trajectory does not fit the header's field of view or matrix.
    """
    imaging = [a for a in readouts if "NOISE" not in a.flags]
    geometries = _geometries(imaging, header.is_3d, header.encoded_fov_m[1:]) if imaging else {}
    fov_x, fov_y, fov_z = header.encoded_fov_m
    nx, ny, nz = header.encoded_matrix
    lim = header.limits
    c1 = lim.kspace_encoding_step_1.center if lim.kspace_encoding_step_1 else ny // 2
    c2 = lim.kspace_encoding_step_2.center if lim.kspace_encoding_step_2 else nz // 2
    multi_echo = _contrasts(imaging)
    slices_per_set = 1 + max((a.counters.get("SLC", 0) for a in imaging), default=0)
    out: list[Acquisition] = []
    for number, a in enumerate(readouts):
        stamp = time_offset_s + a.start_s
        if "NOISE" in a.flags:
            out.append(Acquisition(data=a.samples, flags=AcqFlag.IS_NOISE_MEASUREMENT, sample_time_s=a.dwell_s,
                                   time_stamp_s=stamp, scan_counter=first_scan_counter + number))
            continue
        c = a.counters
        geo = geometries[c.get("SET", 0)]
        data, centre_sample = _readout(a, geo.read_dir, fov_x)
        k_echo = a.k_per_m[int(np.argmin(np.abs(a.k_per_m[:, geo.read_axis])))]
        line = _index(float(k_echo @ geo.phase_dir), fov_y, c1, ny, "phase-encoding")
        partition = _index(float(k_echo @ geo.slice_dir), fov_z, c2, nz, "partition-encoding") if header.is_3d else 0
        flags = AcqFlag.NONE
        if "NAV" in a.flags:
            flags |= AcqFlag.IS_NAVIGATION_DATA
        position = np.zeros(3) if a.slab_centre_m is None else np.asarray(a.slab_centre_m, float)
        counters = EncodingCounters(
            kspace_encode_step_1=line, kspace_encode_step_2=partition,
            slice=c.get("SET", 0) * slices_per_set + c.get("SLC", 0) if not header.is_3d else 0,
            average=c.get("AVG", 0), contrast=c.get("ECO", 0) if multi_echo else 0,
            repetition=c.get("REP", 0), set=c.get("SET", 0), segment=c.get("SEG", 0),
        )
        out.append(Acquisition(
            data=data, counters=counters, flags=flags, sample_time_s=a.dwell_s, center_sample=centre_sample,
            position_m=tuple(position), read_dir=tuple(geo.read_dir), phase_dir=tuple(geo.phase_dir),
            slice_dir=tuple(geo.slice_dir), time_stamp_s=stamp, scan_counter=first_scan_counter + number,
        ))
    return _with_first_last_flags(out)


def mrd_samples(readout: SimulatedAcquisition, laid_out: Acquisition, fov_x_m: float) -> np.ndarray:
    """The samples of one simulated readout as MRD stores them, for an acquisition that
    :func:`to_mrd_acquisitions` laid out before its signal existed.

    Parameters
    ----------
    readout : SimulatedAcquisition
        The readout with its samples.
    laid_out : Acquisition
        Its MRD acquisition from the layout (its ``read_dir`` orders the samples).
    fov_x_m : float
        The header's encoded readout field of view.

    Returns
    -------
    numpy.ndarray
        (channels, samples), in increasing k along ``read_dir``, resampled so that the
        layout's ``center_sample`` sits at k = 0.
    """
    return _readout(readout, np.asarray(laid_out.read_dir, dtype=float), fov_x_m)[0]


def _with_first_last_flags(acqs: list[Acquisition]) -> list[Acquisition]:
    from dataclasses import replace

    first: dict[int, int] = {}
    last: dict[int, int] = {}
    for i, a in enumerate(acqs):
        if a.is_imaging:
            first.setdefault(a.counters.slice, i)
            last[a.counters.slice] = i
    extra = defaultdict(lambda: AcqFlag.NONE)
    for i in first.values():
        extra[i] |= AcqFlag.FIRST_IN_SLICE
    for i in last.values():
        extra[i] |= AcqFlag.LAST_IN_SLICE
    if last:
        extra[max(last.values())] |= AcqFlag.LAST_IN_MEASUREMENT
    return [replace(a, flags=a.flags | extra[i]) if i in extra else a for i, a in enumerate(acqs)]


def infer_encoding(readouts: Sequence[SimulatedAcquisition], slice_thickness_m: float | None = None,
                   ) -> tuple[tuple[int, int, int], tuple[float, float, float], int]:
    """Matrix (readout, phase, partitions), field of view (m) and slices of a foreign
    sequence, read off its k-space trajectory (for a Pulseq file without a plan).

    The line counts are those of the image axes (the display directions of
    :class:`EncodingGeometry`), where a line at +N/2 is the Nyquist line -N/2. A 2D
    sequence's ``z`` field of view is ``slice_thickness_m`` (5 mm when not known).

    Raises
    ------
    UserInputError
        No imaging readouts, or readouts that do not sample k-space on a lattice.
    """
    imaging = [a for a in readouts if "NOISE" not in a.flags and a.k_per_m.shape[0] > 1]
    if not imaging:
        raise UserInputError("The sequence has no readouts that move through k-space (no imaging data to reconstruct).")
    geo = next(iter(_geometries(imaging).values()))
    k_read = np.abs(np.diff(imaging[0].k_per_m @ geo.read_dir))
    step_x = float(np.median(k_read))
    if step_x <= 0:
        raise UserInputError("The readouts do not move through k-space; the sequence has no readout gradient.")
    nx = imaging[0].k_per_m.shape[0]
    centres = np.array([_echo_k(a, geo.read_axis) for a in imaging])

    def axis_size(values: np.ndarray) -> tuple[int, float]:
        """Lines along an image axis (the trajectory's k along its display direction): the
        counters run from -N/2 to N/2 - 1 around ``N // 2``, and +N/2 is the same Fourier
        component as -N/2 (a refocusing pulse negates the encodes: -31..32 is 64 lines)."""
        distinct = np.unique(np.round(values, 2))
        steps = np.diff(distinct)
        steps = steps[steps > 0.5]  # fields of view below 2 m
        if len(steps) == 0:
            return 1, 0.0
        span = float(distinct[-1] - distinct[0])
        step = span / max(round(span / float(steps.min())), 1)  # refined over the whole range
        low, high = round(distinct[0] / step), round(distinct[-1] / step)
        half = max(-low, high)
        return (2 * half + 1 if -low == high else 2 * half), step

    ny, step_y = axis_size(centres @ geo.phase_dir)
    nz, step_z = axis_size(centres @ geo.slice_dir)
    slices = 1 + max(a.counters.get("SLC", 0) for a in imaging)
    fov_y = 1.0 / step_y if step_y else 1.0 / step_x
    thickness = slice_thickness_m or 0.005
    fov_z = 1.0 / step_z if step_z else thickness
    return (nx, ny, nz), (1.0 / step_x, fov_y, fov_z), slices if nz == 1 else 1
