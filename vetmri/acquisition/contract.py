"""The backend contract: what every scanner backend (simulated, scanner link) offers.

A backend is driven with plain data only, so the same contract works in process (the
simulator) and over a socket (the scanner link of issue 5):

- :meth:`ScannerBackend.capabilities` -> the :class:`~vetmri.scanner.profile.ScannerProfile`;
- :meth:`ScannerBackend.calibrate` (steps) -> :class:`Adjustments` (centre frequency, RF
  amplitude, shim, receiver noise), each step estimated from measurements;
- :meth:`ScannerBackend.run` (Pulseq text, MRD XML header, adjustments) -> an iterator of
  :class:`vetmri.rawdata.Acquisition`, noise-measurement readouts first;
- :meth:`ScannerBackend.abort` stops a running calibration or scan.

A backend whose readouts arrive in groups (the simulator synthesises a slice group at a
time) may also offer ``run_batches`` with the arguments of ``run``, yielding lists of
readouts that arrived together; :func:`arrivals` uses it when present, so a writer stores
each list with one write.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from vetmri.errors import UserInputError
from vetmri.rawdata import Acquisition
from vetmri.scanner.profile import ScannerProfile

__all__ = [
    "CALIBRATION_STEPS",
    "Adjustments",
    "Progress",
    "ScanAborted",
    "ScannerBackend",
    "arrivals",
    "check_steps",
]

#: The calibration steps, in the order an open low-field console chains them.
CALIBRATION_STEPS: tuple[str, ...] = ("larmor", "noise", "shim", "rf", "larmor_final")

#: Progress callback: (fraction 0..1 of the current task, one-line message).
Progress = Callable[[float, str], None]


class ScanAborted(Exception):
    """Raised inside a backend when :meth:`ScannerBackend.abort` stopped the work."""


@dataclass(frozen=True)
class Adjustments:
    """The scanner's adjustments for one exam (what calibration finds, what a run plays).

    Attributes
    ----------
    f0_hz : float
        Centre frequency relative to the profile's nominal Larmor frequency, Hz (the magnet's
        drift that the Larmor search found).
    rf_scale : float
        Factor on every RF amplitude so that nominal flip angles are played (1 = as built).
    shim_hz_per_m : (float, float, float)
        First-order shim (gradient offsets) along the scanner's x, y, z, in Hz/m of
        off-resonance: the negative of the linear field error the shim step measured.
    noise_std : float
        Receiver noise standard deviation of one sample's real part at a 1 s dwell (scale
        by 1/sqrt(dwell)), averaged over channels.
    noise_covariance : tuple of tuple of complex
        Channel noise covariance at a 1 s dwell, shape (channels, channels).
    """

    f0_hz: float = 0.0
    rf_scale: float = 1.0
    shim_hz_per_m: tuple[float, float, float] = (0.0, 0.0, 0.0)
    noise_std: float = 0.0
    noise_covariance: tuple[tuple[complex, ...], ...] = field(default=())

    def __post_init__(self) -> None:
        if not 0.1 <= self.rf_scale <= 10.0:
            raise UserInputError(f"The RF scale must be between 0.1 and 10, not {self.rf_scale:g}.")
        if abs(self.f0_hz) > 0.5e6:
            raise UserInputError(f"A centre-frequency offset of {self.f0_hz:g} Hz is beyond the receiver's range (+-500 kHz).")

    def to_dict(self) -> dict[str, object]:
        """Plain data (JSON), e.g. for the scanner link or ``--json`` output."""
        return {
            "f0_hz": self.f0_hz,
            "rf_scale": self.rf_scale,
            "shim_hz_per_m": list(self.shim_hz_per_m),
            "noise_std": self.noise_std,
            "noise_covariance": [[[c.real, c.imag] for c in row] for row in self.noise_covariance],
        }

    @classmethod
    def from_dict(cls, data: object, *, source: str = "the adjustments") -> Adjustments:
        """Inverse of :meth:`to_dict` (missing keys take their defaults).

        Raises
        ------
        UserInputError
            Not a mapping, an unknown key, or a value of the wrong kind or out of range.
        """
        if not isinstance(data, dict):
            raise UserInputError(f"{source} must be a JSON object, not {type(data).__name__}.")
        unknown = sorted(set(data) - {"f0_hz", "rf_scale", "shim_hz_per_m", "noise_std", "noise_covariance"})
        if unknown:
            raise UserInputError(f"{source} has the unknown key {unknown[0]!r}.")

        def number(value: object, key: str) -> float:
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
                raise UserInputError(f"{source}: {key} must be a number, not {value!r}.")
            return float(value)

        try:
            shim = [number(v, "shim_hz_per_m") for v in data.get("shim_hz_per_m", (0.0, 0.0, 0.0))]
            rows = data.get("noise_covariance") or []
            covariance = tuple(tuple(complex(number(c[0], "noise_covariance"), number(c[1], "noise_covariance"))
                                     for c in row) for row in rows)
        except (TypeError, IndexError, KeyError):
            raise UserInputError(f"{source}: shim_hz_per_m must be 3 numbers and noise_covariance rows of "
                                 "[real, imaginary] pairs.") from None
        if len(shim) != 3 or any(len(row) != len(covariance) for row in covariance):
            raise UserInputError(f"{source}: shim_hz_per_m must be 3 numbers and noise_covariance a square matrix.")
        return cls(f0_hz=number(data.get("f0_hz", 0.0), "f0_hz"), rf_scale=number(data.get("rf_scale", 1.0), "rf_scale"),
                   shim_hz_per_m=(shim[0], shim[1], shim[2]), noise_std=number(data.get("noise_std", 0.0), "noise_std"),
                   noise_covariance=covariance)


def check_steps(steps: Sequence[str] | None) -> tuple[str, ...]:
    """The calibration steps to run (all by default), refusing unknown names."""
    if steps is None:
        return CALIBRATION_STEPS
    unknown = [s for s in steps if s not in CALIBRATION_STEPS]
    if unknown:
        raise UserInputError(
            f"Unknown calibration step {unknown[0]!r}; choose from {', '.join(CALIBRATION_STEPS)}."
        )
    return tuple(steps)


@runtime_checkable
class ScannerBackend(Protocol):
    """What the workstation needs of a scanner (real or simulated)."""

    def capabilities(self) -> ScannerProfile:
        """The scanner profile: field, gradients, RF, ADC, rasters, bore and coils."""
        ...

    def calibrate(self, steps: Sequence[str] | None = None, *, on_progress: Progress | None = None) -> Adjustments:
        """Run the calibration steps (all of :data:`CALIBRATION_STEPS` by default)."""
        ...

    def run(self, seq_text: str, mrd_header_xml: str, adjustments: Adjustments, *,
            on_progress: Progress | None = None) -> Iterator[Acquisition]:
        """Play a Pulseq sequence and stream its readouts (noise measurements first)."""
        ...

    def abort(self) -> None:
        """Stop the calibration or scan in progress (its iterator raises :class:`ScanAborted`)."""
        ...


def arrivals(backend: ScannerBackend, seq_text: str, mrd_header_xml: str, adjustments: Adjustments, *,
             on_progress: Progress | None = None) -> Iterator[list[Acquisition]]:
    """The readouts of :meth:`ScannerBackend.run` as they arrive: the backend's own
    ``run_batches`` when it has one, else one list per readout."""
    batches = getattr(backend, "run_batches", None)
    if batches is not None:
        yield from batches(seq_text, mrd_header_xml, adjustments, on_progress=on_progress)
        return
    for acquisition in backend.run(seq_text, mrd_header_xml, adjustments, on_progress=on_progress):
        yield [acquisition]
