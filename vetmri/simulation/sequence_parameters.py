"""The scan parameters of a Pulseq sequence vetmri did not plan: from its ``[DEFINITIONS]``
where the writer put them there, otherwise read off the events.

Inferred values: the slice thickness is the excitation's small-tip bandwidth over its
slice-select gradient; TR the interval between consecutive excitations of one slice; TE the
time from the excitation to the echo of the readout that crosses the k-space centre (the
effective echo time of a turbo spin echo), and for a multi-echo sequence (one encoding read
at several echoes after one excitation) the echo time of every echo number; TI the time from an inversion to the next
excitation; the flip angle the first excitation's; the echo train length the readouts per
excitation.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from vetmri.simulation.result import SimulatedAcquisition
from vetmri.simulation.seq_reader import SequenceEvents
from vetmri.simulation.slice_groups import slab_of

__all__ = ["SequenceParameters", "sequence_parameters"]

#: [DEFINITIONS] names pypulseq's examples and other writers use, per parameter.
_DEFINITION_NAMES = {
    "slice_thickness_m": ("SliceThickness", "slice_thickness"),
    "tr_s": ("TR", "RepetitionTime"),
    "te_s": ("TE", "EchoTime"),
    "ti_s": ("TI", "InversionTime"),
    "flip_angle_deg": ("FlipAngle", "flip_angle"),
}


@dataclass(frozen=True)
class SequenceParameters:
    """What a header needs of a sequence, and where each value came from.

    Attributes
    ----------
    slice_thickness_m : float or None
        None for a non-selective excitation.
    tr_s, te_s, ti_s : float
        0 when the sequence has no such interval (one excitation, no inversion).
    flip_angle_deg : float
    echo_train_length : int
        Readouts of different lines per excitation (1 for a multi-echo sequence).
    echo_times_s : tuple of float
        Multi-echo: the echo time of each echo (contrast), in echo order; else ``(te_s,)``
        (empty when there is no TE).
    fov_m : tuple of float or None
        The ``FOV`` definition (x, y, z as written), if any.
    inferred : tuple of str
        The attribute names not taken from ``[DEFINITIONS]``.
    """

    slice_thickness_m: float | None
    tr_s: float
    te_s: float
    ti_s: float
    flip_angle_deg: float
    echo_train_length: int
    fov_m: tuple[float, ...] | None
    inferred: tuple[str, ...]
    echo_times_s: tuple[float, ...] = ()

    def describe(self) -> str:
        """One sentence naming the values inferred from the events (empty if none)."""
        names = {"slice_thickness_m": "slice thickness", "tr_s": "TR", "te_s": "TE", "ti_s": "TI",
                 "flip_angle_deg": "flip angle"}
        parts = []
        for key in self.inferred:
            if key not in names:
                continue
            value = getattr(self, key)
            if value is None or (key == "ti_s" and not value):
                continue
            text = (f"{value * 1e3:.2f} mm" if key == "slice_thickness_m" else
                    f"{value:.1f} deg" if key == "flip_angle_deg" else f"{value * 1e3:.1f} ms")
            if key == "te_s" and len(self.echo_times_s) > 1:
                text = ", ".join(f"{t * 1e3:.1f}" for t in self.echo_times_s) + f" ms ({len(self.echo_times_s)} echoes)"
            parts.append(f"{names[key]} {text}")
        if not parts:
            return ""
        how = []
        if any(p.startswith("slice thickness") for p in parts):
            how.append("the slice thickness from the slice-select gradient and the pulse bandwidth")
        if any(p.startswith(("TR", "TE", "TI")) for p in parts):
            how.append("the times from the block timing")
        if any(p.startswith("flip") for p in parts):
            how.append("the flip angle from the excitation's waveform")
        return ("Not in the sequence's [DEFINITIONS], so inferred from its events: " + ", ".join(parts)
                + " (" + "; ".join(how) + ").")


def _definition(definitions: dict, names: Sequence[str]) -> float | None:
    for name in names:
        if name in definitions:
            value = np.atleast_1d(np.asarray(definitions[name], dtype=object)).ravel()
            try:
                return float(value[0])
            except (TypeError, ValueError, IndexError):
                return None
    return None


def _definition_list(definitions: dict, names: Sequence[str]) -> tuple[float, ...]:
    for name in names:
        if name in definitions:
            try:
                return tuple(float(v) for v in np.atleast_1d(np.asarray(definitions[name], dtype=float)).ravel())
            except (TypeError, ValueError):
                return ()
    return ()


def _echo_times(readouts: Sequence[SimulatedAcquisition]) -> tuple[float, ...]:
    """The echo time of each echo number when one encoding is read at several echoes after
    one excitation (multi-echo, ECO is then a contrast, as the encoding reads it); else ()."""
    imaging = [a for a in readouts if "NOISE" not in a.flags and a.echo_time_s is not None]
    echoes_at: dict[tuple, set[int]] = defaultdict(set)
    times: dict[int, list[float]] = defaultdict(list)
    for a in imaging:
        c = a.counters
        echoes_at[(c.get("LIN", 0), c.get("PAR", 0), c.get("SLC", 0), c.get("AVG", 0), c.get("SET", 0),
                   c.get("REP", 0))].add(c.get("ECO", 0))
        times[c.get("ECO", 0)].append(float(a.echo_time_s))  # type: ignore[arg-type]
    if not any(len(v) > 1 for v in echoes_at.values()):
        return ()
    return tuple(float(np.median(times[e])) for e in sorted(times))


def _fov(definitions: dict) -> tuple[float, ...] | None:
    if "FOV" not in definitions:
        return None
    try:
        values = tuple(float(v) for v in np.atleast_1d(np.asarray(definitions["FOV"], dtype=float)).ravel())
    except (TypeError, ValueError):
        return None
    return values or None


def _inferred(events: SequenceEvents, readouts: Sequence[SimulatedAcquisition]) -> dict:
    excitations = [rf for rf in events.rf if rf.use == "excitation"]
    out: dict = dict(slice_thickness_m=None, tr_s=0.0, te_s=0.0, ti_s=0.0, flip_angle_deg=0.0)
    if not excitations:
        return out
    out["flip_angle_deg"] = math.degrees(excitations[0].flip_rad)
    slabs = [slab_of(rf) for rf in excitations]
    if slabs[0] is not None:
        out["slice_thickness_m"] = float(slabs[0][2])
    by_slab: dict[tuple, list[float]] = {}
    for rf, slab in zip(excitations, slabs):
        key = ("volume",) if slab is None else (slab[0], round(slab[1], 5))
        by_slab.setdefault(key, []).append(rf.time_s)
    intervals = [np.diff(times) for times in by_slab.values() if len(times) > 1]
    if intervals:
        out["tr_s"] = float(np.median(np.concatenate(intervals)))
    imaging = [a for a in readouts if "NOISE" not in a.flags and a.echo_time_s is not None and len(a.k_per_m)]
    if imaging:
        radius = np.array([np.min(np.linalg.norm(a.k_per_m, axis=1)) for a in imaging])
        out["te_s"] = float(imaging[int(np.argmin(radius))].echo_time_s)
    exc_times = np.array([rf.time_s for rf in excitations])
    for rf in events.rf:
        if rf.use == "inversion":
            later = exc_times[exc_times > rf.time_s]
            if len(later):
                out["ti_s"] = float(later[0] - rf.time_s)
                break
    return out


def _train_length(readouts: Sequence[SimulatedAcquisition]) -> int:
    echoes = [a.counters.get("ECO", 0) for a in readouts if "NOISE" not in a.flags]
    return 1 + max(echoes, default=0)


def sequence_parameters(events: SequenceEvents, readouts: Sequence[SimulatedAcquisition]) -> SequenceParameters:
    """The parameters of a sequence (see the module docstring for the inferred ones).

    Parameters
    ----------
    events : SequenceEvents
    readouts : sequence of SimulatedAcquisition
        The laid-out readouts (k-space positions and echo times; samples not needed).
    """
    definitions = events.definitions or {}
    inferred = _inferred(events, readouts)
    values, guessed = {}, []
    for key, names in _DEFINITION_NAMES.items():
        given = _definition(definitions, names)
        if given is None:
            values[key] = inferred[key]
            guessed.append(key)
        else:
            values[key] = given
    train = _train_length(readouts)
    echo_times = _echo_times(readouts)
    if echo_times:  # multi-echo: one echo per contrast, no echo train
        train = 1
        written = _definition_list(definitions, _DEFINITION_NAMES["te_s"])
        if len(written) == len(echo_times):
            echo_times = written
        elif "te_s" not in guessed:
            guessed.append("te_s")  # a single TE written cannot say the others
        values["te_s"] = echo_times[0]
    else:
        echo_times = (values["te_s"],) if values["te_s"] else ()
    return SequenceParameters(**values, echo_train_length=train, fov_m=_fov(definitions),
                              inferred=tuple(guessed), echo_times_s=echo_times)
