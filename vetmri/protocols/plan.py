"""The exam plan: typed series plans with every parameter, derived limits and explanations.

Internally SI (``te_s``, ``fov_m``); :meth:`SeriesPlan.to_dict` and :meth:`ExamPlan.to_dict`
give the JSON of ``vetmri protocols show --json`` (ms and mm names, stable for other tools).
Matrices and FOVs are ``(rows, cols)``: rows along the phase-encoding axis, columns along
the readout.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from vetmri.protocols.timing import SeriesTiming

__all__ = [
    "AXIS_CHANNELS",
    "Adjustment",
    "Encoding",
    "ExamPlan",
    "GradientDemand",
    "SeriesParameters",
    "SeriesPlan",
    "Violation",
]

#: Gradient channel of each anatomical axis: the animal lies along the bore (z).
AXIS_CHANNELS = {"lr": "x", "dv": "y", "cc": "z"}


@dataclass(frozen=True)
class Violation:
    """A limit the series breaks: which parameter, and why."""

    parameter: str
    message: str


@dataclass(frozen=True)
class Adjustment:
    """A change the planner made to make the series feasible or fit the budget.

    Attributes
    ----------
    time_s : float or None
        What the change costs in scan time (negative: saves), when the planner measured it.
    snr_factor : float or None
        Predicted SNR after the change over the SNR before it, when measured.
    """

    parameter: str
    from_value: Any
    to_value: Any
    reason: str
    time_s: float | None = None
    snr_factor: float | None = None


@dataclass(frozen=True)
class SeriesParameters:
    """Everything a person can set on a series (SI units).

    Attributes
    ----------
    read_axis, phase_axis, slice_axis : {"lr", "dv", "cc"}
        Anatomical axes (left-right, dorso-ventral, cranio-caudal); see :data:`AXIS_CHANNELS`.
    fov_m, matrix : tuple (rows, cols)
        Rows along the phase-encoding axis, columns along the readout.
    slice_m, slice_gap_m : float
        Slice (3D: partition) thickness and the gap between slices.
    slices : int
        Slices (3D: partitions; localizer: per plane).
    acceleration : float
        Requested undersampling factor of the phase encoding (1 = fully sampled).
    sampling_seed : int
        Seed of the undersampling pattern (the same seed gives the same pattern).
    phase_oversampling : float
        Extra phase-encoding field of view as a fraction of ``fov_m[0]`` (0.25 = 25 % more
        lines at the same pixel size), acquired so tissue outside the FOV does not fold
        into the image, and cropped by the reconstruction.
    reconstruction : str
        What the reconstruction must add for this series to reach its quality: ``""``
        (the standard: inverse FFT, or compressed sensing when undersampled), ``"nlm"``
        (non-local-means denoising), ``"tv"`` (total-variation denoising), ``"cs"`` or
        ``"cs+nlm"``. The quick variant sets it;
        the raw header records it, so a plain ``vetmri recon`` applies it.
    partial_fourier : float
        2D: the acquired fraction of the phase-encoding lines (1 = all; from
        :data:`~vetmri.protocols.encoding.PARTIAL_FOURIER_LOWEST` up): the lines of one side
        of k-space beyond that fraction are skipped, the centre and the other side kept; the
        reconstruction fills them (POCS). Scan time and SNR follow the lines acquired.
    slab_oversampling : float
        3D: extra partitions as a fraction of ``slices`` at the same partition thickness,
        so the excited slab's profile, which reaches beyond its nominal thickness, does not
        fold into the end partitions; cropped by the reconstruction.
    """

    name: str
    key: str
    sequence: str
    plane: str
    read_axis: str
    phase_axis: str
    slice_axis: str
    te_s: float
    tr_s: float
    ti_s: float | None
    flip_angle_deg: float
    echo_train_length: int
    ordering: str
    fov_m: tuple[float, float]
    matrix: tuple[int, int]
    slice_m: float
    slice_gap_m: float
    slices: int
    averages: int
    bandwidth_hz_per_px: float
    acceleration: float
    slice_order: str
    sampling_seed: int
    target_snr: float
    contrast_agent: bool
    phase_oversampling: float = 0.0
    reconstruction: str = ""
    slab_oversampling: float = 0.0
    partial_fourier: float = 1.0

    @property
    def encoded_partitions(self) -> int:
        """3D: partitions encoded (even; ``slices`` plus the slab oversampling); 1 for 2D."""
        return encoded_rows(self.slices, self.slab_oversampling) if self.sequence == "gre3d" else 1

    @property
    def encoded_rows(self) -> int:
        """Phase-encoding lines of the encoded field of view (even; ``matrix[0]`` plus the
        oversampling)."""
        return encoded_rows(self.matrix[0], self.phase_oversampling)

    @property
    def encoded_fov_m(self) -> tuple[float, float]:
        """(phase, readout) field of view that is encoded: the phase FOV grows with the
        oversampled lines at the same pixel size."""
        return (self.fov_m[0] * self.encoded_rows / self.matrix[0], self.fov_m[1])


def encoded_rows(rows: int, oversampling: float) -> int:
    """``rows`` plus ``oversampling x rows`` extra lines, rounded up to keep the count even."""
    # the fraction is kept to 4 decimals: 0.02 lines of tolerance absorb its rounding
    extra = math.ceil(rows * oversampling / 2 - 0.02) if oversampling > 0 else 0
    return rows + 2 * extra


@dataclass(frozen=True)
class Encoding:
    """The order in which k-space and slices are acquired.

    Attributes
    ----------
    lines : tuple of int
        2D: acquired phase-encoding lines (0..rows-1, centre rows // 2; rows are the
        encoded rows, with any phase oversampling), sorted.
    points : tuple of (int, int)
        3D: acquired (line, partition) pairs in acquisition order (partition outer).
    shots : tuple of tuple of int
        2D: the lines of each excitation (one line, or one echo train; -1 = echo played
        without acquisition).
    centre_echo : int
        1-based echo that acquires the centre of k-space (1 without an echo train).
    slice_order : tuple of int
        Slice indices in excitation order.
    slice_positions_m : tuple of float
        Centre of slice ``i`` along the slice axis (3D: the slab centre only), metres.
    """

    lines: tuple[int, ...]
    points: tuple[tuple[int, int], ...]
    shots: tuple[tuple[int, ...], ...]
    centre_echo: int
    slice_order: tuple[int, ...]
    slice_positions_m: tuple[float, ...]

    @property
    def acquired(self) -> int:
        """Number of phase encodings acquired per slice and average (3D: line-partition pairs)."""
        return len(self.points) if self.points else len(self.lines)


@dataclass(frozen=True)
class GradientDemand:
    """Largest gradient amplitudes the series needs (T/m)."""

    readout_t_per_m: float
    slice_select_t_per_m: float
    phase_encode_t_per_m: float


@dataclass(frozen=True)
class SeriesPlan:
    """One planned series: parameters, encoding, timing limits, time, SNR and checks."""

    parameters: SeriesParameters
    encoding: Encoding
    timing: SeriesTiming
    coil: str
    main_tissue: str
    min_te_s: float
    min_tr_s: float
    min_ti_s: float | None
    echo_spacing_s: float | None
    slices_per_tr: int
    concatenations: int
    dummy_repetitions: int
    time_per_average_s: float
    dummy_time_s: float
    snr_single_average: float
    scan_time_s: float
    predicted_snr: float
    gradients: GradientDemand
    violations: tuple[Violation, ...]
    adjustments: tuple[Adjustment, ...]
    quality: Any = None

    @property
    def feasible(self) -> bool:
        return not self.violations

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of one series (names kept stable for other tools)."""
        p = self.parameters
        ms = lambda s: None if s is None else round(s * 1e3, 3)  # noqa: E731
        mm = lambda m: round(m * 1e3, 3)  # noqa: E731
        return {
            "name": p.name,
            "sequence": p.sequence,
            "plane": p.plane,
            "te_ms": ms(p.te_s),
            "tr_ms": ms(p.tr_s),
            "ti_ms": ms(p.ti_s),
            "flip_angle_deg": p.flip_angle_deg,
            "echo_train_length": p.echo_train_length,
            "fov_mm": [mm(p.fov_m[0]), mm(p.fov_m[1])],
            "matrix": [p.matrix[0], p.matrix[1]],
            "slice_mm": mm(p.slice_m),
            "slices": p.slices,
            "averages": p.averages,
            "bandwidth_hz_per_px": round(p.bandwidth_hz_per_px, 2),
            "acceleration": p.acceleration,
            "partial_fourier": round(p.partial_fourier, 4),
            "scan_time_s": round(self.scan_time_s, 1),
            "predicted_snr": round(self.predicted_snr, 2),
            "min_te_ms": ms(self.min_te_s),
            "min_tr_ms": ms(self.min_tr_s),
            "feasible": self.feasible,
            "violations": [{"parameter": v.parameter, "message": v.message} for v in self.violations],
            "adjustments": [
                {"parameter": a.parameter, "from": a.from_value, "to": a.to_value, "reason": a.reason,
                 "time_s": None if a.time_s is None else round(a.time_s, 1),
                 "snr_factor": None if a.snr_factor is None else round(a.snr_factor, 3)}
                for a in self.adjustments
            ],
            # Further detail (not part of the stable list, but kept stable too).
            "min_ti_ms": ms(self.min_ti_s),
            "echo_spacing_ms": ms(self.echo_spacing_s),
            "ordering": p.ordering,
            "slice_gap_mm": mm(p.slice_gap_m),
            "phase_oversampling": round(p.phase_oversampling, 4),
            "reconstruction": p.reconstruction or "standard",
            "quality": None if self.quality is None else self.quality.to_dict(),
            "encoded_matrix": [p.encoded_rows, p.matrix[1]],
            "slice_order": p.slice_order,
            "axes": {"read": p.read_axis, "phase": p.phase_axis, "slice": p.slice_axis},
            "coil": self.coil,
            "target_snr": p.target_snr,
            "contrast_agent": p.contrast_agent,
            "slices_per_tr": self.slices_per_tr,
            "concatenations": self.concatenations,
            "sampling": {
                "acquired": self.encoding.acquired,
                "total": p.encoded_rows * p.encoded_partitions,
                "seed": p.sampling_seed,
                "centre_echo": self.encoding.centre_echo,
            },
            "gradients_mt_per_m": {
                "readout": round(self.gradients.readout_t_per_m * 1e3, 3),
                "slice_select": round(self.gradients.slice_select_t_per_m * 1e3, 3),
                "phase_encode": round(self.gradients.phase_encode_t_per_m * 1e3, 3),
            },
        }


@dataclass(frozen=True)
class ExamPlan:
    """A whole exam: the animal, the region, the coil and the series in order."""

    species: str
    weight_kg: float
    size_class: str
    region: str
    breed: str | None
    skull_type: str | None
    coil: str
    series: tuple[SeriesPlan, ...]
    warnings: tuple[str, ...]
    max_series_s: float
    max_exam_s: float
    variant: str = "standard"

    @property
    def total_time_s(self) -> float:
        return sum(s.scan_time_s for s in self.series)

    @property
    def feasible(self) -> bool:
        return all(s.feasible for s in self.series)

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of ``vetmri protocols show --json``."""
        return {
            "species": self.species,
            "weight_kg": self.weight_kg,
            "size_class": self.size_class,
            "region": self.region,
            "breed": self.breed,
            "skull_type": self.skull_type,
            "coil": self.coil,
            "total_time_s": round(self.total_time_s, 1),
            "variant": self.variant,
            "budget": {"max_series_min": self.max_series_s / 60, "max_exam_min": self.max_exam_s / 60},
            "warnings": list(self.warnings),
            "series": [s.to_dict() for s in self.series],
        }
