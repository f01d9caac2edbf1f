"""The simulated scanner: the backend contract over the signal engine, in process.

:class:`SimulatedConditions` is the state of the simulated machine and patient that the
calibration has to find (the magnet's drift, the RF amplitude error, a linear shim error)
and the effects to include. :class:`SimulatedBackend` plays calibration scans and series
on a phantom: the adjustments it is given correct what they can (the residual drift, linear
field and RF error are what the engine then sees, in the calibration scans as in the
series), and every series streams its noise readouts first, then its imaging readouts as
MRD acquisitions, slice group by slice group as the engine synthesises them.
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from vetmri.acquisition.adjustment_scans import noise_scan
from vetmri.acquisition.calibration import ScanText, calibrate_chain
from vetmri.acquisition.contract import Adjustments, Progress, ScanAborted, check_steps
from vetmri.acquisition.encoding import mrd_samples, to_mrd_acquisitions
from vetmri.errors import UserInputError
from vetmri.rawdata import Acquisition, SeriesHeader, header_from_xml
from vetmri.scanner.profile import ScannerProfile, load_profile
from vetmri.simulation.effects import EffectOptions
from vetmri.simulation.engine import SequenceRun, prepare_sequence
from vetmri.simulation.phantom import Phantom
from vetmri.simulation.result import SimulatedAcquisition, SimulationResult

__all__ = ["NOISE_READOUTS", "SimulatedBackend", "SimulatedConditions"]

#: Noise-measurement readouts at the start of every series.
NOISE_READOUTS = 16


@dataclass(frozen=True)
class SimulatedConditions:
    """The simulated machine and patient.

    Attributes
    ----------
    drift_hz : float
        The magnet's resonance relative to the profile's nominal Larmor frequency, Hz.
    b1_scale : float
        Actual over nominal flip angle before RF calibration (1.2 = 20 % too much).
    shim_error_hz_per_m : (float, float, float)
        Linear field error along x, y, z before shimming, Hz/m (added to the magnet's own
        B0 map).
    b0_inhomogeneity : bool
        The permanent magnet's B0 map (the profile's homogeneity).
    noise : bool
        Thermal noise.
    coil : str or None
        Receive coil of the profile (None: ideal single channel).
    seed : int
        Seed of every map and all noise.
    b1_falloff : float
        Relative flip-angle loss at the coil's radius (0 = uniform transmit field).
    interference_hz : tuple of float
        External narrow-band interference lines, Hz from the Larmor frequency (a clinic
        without an RF-shielded room); they ride on the thermal noise.
    motion : {"none", "rigid", "respiratory"}
        The patient's motion during each series.
    motion_amplitude_m : float
        Its peak displacement, metres.
    """

    drift_hz: float = 0.0
    b1_scale: float = 1.0
    shim_error_hz_per_m: tuple[float, float, float] = (0.0, 0.0, 0.0)
    b0_inhomogeneity: bool = True
    noise: bool = True
    coil: str | None = None
    seed: int = 0
    b1_falloff: float = 0.0
    interference_hz: tuple[float, ...] = ()
    motion: str = "none"
    motion_amplitude_m: float = 0.0

    def validate(self, profile: ScannerProfile) -> None:
        """Raise :class:`UserInputError` for conditions the scanner could not be in."""
        EffectOptions(b1_falloff=self.b1_falloff, interference_hz=self.interference_hz, motion=self.motion,
                      motion_amplitude_m=self.motion_amplitude_m).validate(profile)
        limit = 20 * abs(profile.magnet.drift_hz_per_k)
        if abs(self.drift_hz) > limit:
            raise UserInputError(
                f"A drift of {self.drift_hz:g} Hz is beyond what the magnet can drift (+-{limit / 1e3:.0f} kHz, 20 K); "
                "give a smaller --drift-hz."
            )
        if not 0.3 <= self.b1_scale <= 2.5:
            raise UserInputError(f"The RF amplitude error must give a scale from 0.3 to 2.5, not {self.b1_scale:g}.")
        if any(abs(g) > 20_000 for g in self.shim_error_hz_per_m):
            raise UserInputError("A shim error beyond 20 kHz/m (0.5 mT/m) is not a shim error; give a smaller one.")
        if self.coil is not None:
            profile.coil(self.coil)


class SimulatedBackend:
    """The scanner backend of the physics simulator (see :mod:`vetmri.acquisition.contract`).

    Parameters
    ----------
    phantom : Phantom
        The patient (already scaled).
    profile : ScannerProfile, optional
    conditions : SimulatedConditions
    """

    def __init__(self, phantom: Phantom, *, profile: ScannerProfile | None = None,
                 conditions: SimulatedConditions = SimulatedConditions()):
        self.profile = profile or load_profile()
        conditions.validate(self.profile)
        self.phantom = phantom
        self.conditions = conditions
        self._abort = threading.Event()

    # -- the contract --------------------------------------------------------------------

    def capabilities(self) -> ScannerProfile:
        return self.profile

    def calibrate(self, steps: Sequence[str] | None = None, *, on_progress: Progress | None = None) -> Adjustments:
        """Run the calibration chain (:mod:`vetmri.acquisition.calibration`)."""
        chosen = check_steps(steps)
        self._abort.clear()
        return calibrate_chain(self.profile, self._measure, chosen, on_progress=on_progress,
                               check_abort=self._check_abort)

    def run(self, seq_text: str, mrd_header_xml: str, adjustments: Adjustments, *,
            on_progress: Progress | None = None) -> Iterator[Acquisition]:
        """Simulate a sequence and stream its readouts: noise measurements first.

        Raises
        ------
        UserInputError
            A bad sequence or header, or a trajectory that does not fit the header.
        ScanAborted
            :meth:`abort` was called.
        """
        for batch in self.run_batches(seq_text, mrd_header_xml, adjustments, on_progress=on_progress):
            for acquisition in batch:
                self._check_abort()
                yield acquisition

    def run_batches(self, seq_text: str, mrd_header_xml: str, adjustments: Adjustments, *,
                    on_progress: Progress | None = None) -> Iterator[list[Acquisition]]:
        """:meth:`run` by arrival: the noise readouts, then each slice group's readouts as
        one list as soon as the group is synthesised (they arrive together, so a writer
        stores each list with one write and one flush)."""
        header = header_from_xml(mrd_header_xml, source="the series header")
        self._abort.clear()
        run = self.prepare(seq_text, adjustments, coil=self._coil_of(header), on_progress=on_progress)
        yield from self.group_batches(run, header, adjustments)

    def abort(self) -> None:
        self._abort.set()

    # -- building blocks (also used by the exam runner for foreign sequences) -------------

    def options(self, adjustments: Adjustments, *, coil: str | None = None) -> EffectOptions:
        """The engine's effects: what the adjustments leave of the drift, the linear field
        error and the RF error."""
        c = self.conditions
        residual_hz = c.drift_hz - adjustments.f0_hz
        shim = np.asarray(c.shim_error_hz_per_m, dtype=float) + np.asarray(adjustments.shim_hz_per_m, dtype=float)
        b1 = c.b1_scale * adjustments.rf_scale
        if not 0.1 <= b1 <= 3.0:
            raise UserInputError(f"The RF scale {adjustments.rf_scale:g} gives a flip-angle scale of {b1:g}, outside 0.1-3.")
        return EffectOptions(
            b0_inhomogeneity=c.b0_inhomogeneity,
            magnet_temperature_change_k=residual_hz / self.profile.magnet.drift_hz_per_k,
            linear_field_hz_per_m=(float(shim[0]), float(shim[1]), float(shim[2])),
            b1_scale=b1, b1_falloff=c.b1_falloff, coil=coil if coil is not None else c.coil, noise=c.noise,
            seed=c.seed, interference_hz=c.interference_hz, motion=c.motion, motion_amplitude_m=c.motion_amplitude_m,
        )

    def simulate(self, seq_text: str, adjustments: Adjustments, *, coil: str | None = None,
                 on_progress: Progress | None = None, source: str | None = None) -> SimulationResult:
        """Run the engine on sequence text (abortable through :meth:`abort`); ``source``
        names the text's file in messages."""
        return self.prepare(seq_text, adjustments, coil=coil, on_progress=on_progress, source=source).collect()

    def prepare(self, seq_text: str, adjustments: Adjustments, *, coil: str | None = None,
                on_progress: Progress | None = None, source: str | None = None) -> SequenceRun:
        """Read a sequence for streaming (:func:`~vetmri.simulation.engine.prepare_sequence`);
        its groups check :meth:`abort` before each is synthesised."""
        report = on_progress or (lambda fraction, message: None)

        def progress(fraction: float, message: str) -> None:
            self._check_abort()
            report(fraction, message)

        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "series.seq"
            path.write_text(seq_text)
            return prepare_sequence(path, self.phantom, profile=self.profile,
                                    options=self.options(adjustments, coil=coil), on_progress=progress,
                                    source=source or "The sequence sent to the scanner")

    def group_batches(self, run: SequenceRun, header: SeriesHeader, adjustments: Adjustments) -> Iterator[list[Acquisition]]:
        """Noise readouts first, then the imaging readouts of each slice group as soon as the
        group is synthesised, one list each. Counters, flags and scan counters are laid out
        before any signal (from the readouts' k-space positions). The data equal those of
        :meth:`stream` on the collected run; the order differs for interleaved multi-slice
        series, whose slices arrive one after another (``scan_counter`` counts in arrival
        order, the time stamps keep the real scan's timing)."""
        imaging = [a for a in run.skeleton if "NOISE" not in a.flags]
        first = imaging[0] if imaging else run.skeleton[0]
        noise: tuple[SimulatedAcquisition, ...] = ()
        if self.conditions.noise:
            noise = self.simulate(noise_scan(self.profile, readouts=NOISE_READOUTS, samples=first.k_per_m.shape[0],
                                             dwell_s=first.dwell_s), adjustments, coil=run.options.coil).acquisitions
        planned = [run.skeleton[a] for plan in run.plans for a in plan.adc_indices]
        unexcited = [a for a in run.skeleton if "NOISE" in a.flags] if self.conditions.noise else []
        ordered = list(noise) + unexcited + planned  # the order the groups arrive in
        layout = to_mrd_acquisitions(ordered, header)  # samples of the series' own readouts still empty
        position = {a.index: len(noise) + i for i, a in enumerate(ordered[len(noise):])}
        fov_x_m = header.encoded_fov_m[0]
        self._check_abort()
        if noise:
            yield layout[:len(noise)]
        for group in run.groups():
            chosen = [a for a in group if a.index in position]
            self._check_abort()
            batch = [replace(layout[position[a.index]], data=mrd_samples(a, layout[position[a.index]], fov_x_m))
                     for a in chosen]
            if batch:
                yield batch

    def stream(self, result: SimulationResult, header: SeriesHeader, adjustments: Adjustments) -> Iterator[Acquisition]:
        """Noise readouts (at the imaging dwell), then the imaging readouts, as MRD.

        A noiseless simulation (``conditions.noise`` off) has no noise scan: it would
        measure nothing."""
        imaging = [a for a in result.acquisitions if "NOISE" not in a.flags]
        first = imaging[0] if imaging else result.acquisitions[0]
        noise: tuple[SimulatedAcquisition, ...] = ()
        if self.conditions.noise:
            noise = self.simulate(noise_scan(self.profile, readouts=NOISE_READOUTS, samples=first.samples.shape[1],
                                             dwell_s=first.dwell_s), adjustments, coil=result.coil).acquisitions
        else:
            imaging_only = [a for a in result.acquisitions if "NOISE" not in a.flags]
            result = replace(result, acquisitions=tuple(imaging_only))
        ordered = list(noise) + sorted(result.acquisitions, key=lambda a: "NOISE" not in a.flags)
        acquisitions = to_mrd_acquisitions(ordered, header)
        for acquisition in acquisitions:
            self._check_abort()
            yield acquisition

    # -- internals -----------------------------------------------------------------------

    def _coil_of(self, header: SeriesHeader) -> str | None:
        names = {c.name for c in self.profile.coils}
        return header.coil_name if header.coil_name in names else self.conditions.coil

    def _check_abort(self) -> None:
        if self._abort.is_set():
            raise ScanAborted("the scan was aborted")

    def _measure(self, scan: ScanText, adjustments: Adjustments) -> Sequence[SimulatedAcquisition]:
        # the residual linear field is part of the engine's B0 (options()), as on a real
        # magnet: the scans carry no stand-in gradient offset
        return self.simulate(scan((0.0, 0.0, 0.0)), adjustments).acquisitions
