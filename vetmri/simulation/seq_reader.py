"""Reading a Pulseq ``.seq`` file into plain arrays for the signal engine.

This is the only module of the simulator that imports pypulseq, and it does so inside its
functions (the import costs about 1.8 s). Everything it returns is numpy and dataclasses.

The sequence is walked block by block: RF events become instantaneous rotations at their
centre (flip angle from the integral of the waveform, phase from the event and the
waveform, use from the file or, when undefined, from the flip angle and what follows), ADC
events become sample times, labels become encoding counters, and the gradient waveforms
become a cumulative moment (k-space position) that can be evaluated at any time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from vetmri.errors import UserInputError
from vetmri.scanner.profile import ScannerProfile
from vetmri.simulation.rf_shapes import rf_area, small_tip_profile

__all__ = ["AdcEvent", "GradientMoment", "RfEvent", "SequenceEvents", "pulseq_file_problem", "read_sequence"]

_COUNTER_LABELS = ("LIN", "PAR", "SLC", "AVG", "ECO", "REP", "SET", "SEG", "PHS")
_FLAG_LABELS = ("NAV", "NOISE", "REF", "IMA")


@dataclass(frozen=True)
class RfEvent:
    """An RF pulse, treated as an instantaneous rotation at ``time_s``.

    Attributes
    ----------
    use : {"excitation", "refocusing", "inversion", "saturation", "other"}
    gradient_hz_per_m : ndarray of shape (3,)
        Gradient at the pulse centre (slice selection), Hz/m.
    bandwidth_hz : float
        Full width at half maximum of the small-tip excitation profile.
    profile_hz, profile : ndarray
        The small-tip profile (normalised to 1 at its peak) against frequency offset.
    """

    time_s: float
    flip_rad: float
    phase_rad: float
    use: str
    freq_offset_hz: float
    gradient_hz_per_m: np.ndarray
    bandwidth_hz: float
    profile_hz: np.ndarray
    profile: np.ndarray
    block: int


@dataclass(frozen=True)
class AdcEvent:
    """An ADC readout: ``n`` samples at ``start_s + (i + 0.5) * dwell_s``."""

    start_s: float
    dwell_s: float
    n: int
    phase_offset_rad: float
    freq_offset_hz: float
    block: int
    counters: dict[str, int]
    flags: frozenset[str]

    def sample_times(self) -> np.ndarray:
        return self.start_s + (np.arange(self.n) + 0.5) * self.dwell_s


@dataclass(frozen=True)
class GradientMoment:
    """Cumulative gradient moment (cycles/m) of the three axes, piecewise-linear gradients."""

    times_s: tuple[np.ndarray, np.ndarray, np.ndarray]
    amplitudes_hz_per_m: tuple[np.ndarray, np.ndarray, np.ndarray]
    cumulative: tuple[np.ndarray, np.ndarray, np.ndarray]

    def __call__(self, t_s: np.ndarray) -> np.ndarray:
        """Moment from the start of the sequence to each time, shape (..., 3)."""
        t = np.asarray(t_s, dtype=float)
        out = np.zeros((*t.shape, 3))
        for axis in range(3):
            tt, g, c = self.times_s[axis], self.amplitudes_hz_per_m[axis], self.cumulative[axis]
            if len(tt) < 2:
                continue
            i = np.clip(np.searchsorted(tt, t, side="right") - 1, 0, len(tt) - 2)
            dt_seg = tt[i + 1] - tt[i]
            slope = np.where(dt_seg > 0, (g[i + 1] - g[i]) / np.where(dt_seg > 0, dt_seg, 1), 0.0)
            local = np.clip(t - tt[i], 0, None)
            local = np.minimum(local, dt_seg)
            value = c[i] + g[i] * local + 0.5 * slope * local**2
            value = np.where(t >= tt[-1], c[-1], np.where(t <= tt[0], 0.0, value))
            out[..., axis] = value
        return out

    def gradients_at(self, t_s: np.ndarray) -> np.ndarray:
        """Gradients (n, 3) in Hz/m at the times (n,)."""
        t = np.asarray(t_s, dtype=float)
        out = np.zeros((len(t), 3))
        for a in range(3):
            if len(self.times_s[a]):
                out[:, a] = np.interp(t, self.times_s[a], self.amplitudes_hz_per_m[a])
        return out

    def gradient_at(self, t_s: float) -> np.ndarray:
        """Gradient (3,) in Hz/m at a time."""
        return np.array([
            np.interp(t_s, self.times_s[a], self.amplitudes_hz_per_m[a]) if len(self.times_s[a]) else 0.0
            for a in range(3)
        ])


@dataclass(frozen=True)
class SequenceEvents:
    """What the engine needs of a sequence."""

    rf: tuple[RfEvent, ...]
    adc: tuple[AdcEvent, ...]
    moment: GradientMoment
    duration_s: float
    definitions: dict[str, object]


def _gradient_limits(moment: GradientMoment, profile: ScannerProfile, source: str) -> None:
    gamma = profile.magnet.gamma_hz_per_t
    g_max = profile.gradients.max_amplitude_t_per_m * gamma
    s_max = profile.gradients.max_slew_t_per_m_per_s * gamma
    for axis, name in enumerate("xyz"):
        t, g = moment.times_s[axis], moment.amplitudes_hz_per_m[axis]
        if len(g) == 0:
            continue
        peak = float(np.max(np.abs(g)))
        if peak > g_max * 1.001:
            raise UserInputError(
                f"The sequence {source} drives the {name} gradient to {peak / gamma * 1e3:.1f} mT/m, beyond the "
                f"scanner's {profile.gradients.max_amplitude_t_per_m * 1e3:g} mT/m; rebuild it within the profile's limits."
            )
        dt = np.diff(t)
        ok = dt > 1e-9
        if np.any(ok):
            slew = float(np.max(np.abs(np.diff(g)[ok] / dt[ok])))
            if slew > s_max * 1.01:
                raise UserInputError(
                    f"The sequence {source} slews the {name} gradient at {slew / gamma:.0f} T/m/s, beyond the "
                    f"scanner's {profile.gradients.max_slew_t_per_m_per_s:g} T/m/s; rebuild it within the profile's limits."
                )


def _infer_uses(rf_raw: list[dict], adc_starts: np.ndarray) -> list[str]:
    uses = []
    for i, rf in enumerate(rf_raw):
        if rf["use"] in ("excitation", "refocusing", "inversion", "saturation"):
            uses.append(rf["use"])
            continue
        if rf["flip"] < math.radians(120):
            uses.append("excitation")
            continue
        later_exc = [r["time"] for r in rf_raw[i + 1:] if r["flip"] < math.radians(120)]
        horizon = later_exc[0] if later_exc else math.inf
        has_adc = np.any((adc_starts > rf["time"]) & (adc_starts < horizon))
        # an ADC before the next excitation: the pulse refocuses an echo; otherwise it inverts
        uses.append("refocusing" if has_adc and any(r["time"] < rf["time"] and r["flip"] < math.radians(120) for r in rf_raw[:i]) else "inversion")
    return uses


def _rf_properties(rf, pp) -> dict:
    """Flip angle, phase, use, offsets and small-tip profile of one RF event (time-independent)."""
    signal = np.asarray(rf.signal, dtype=complex)
    t = np.asarray(rf.t, dtype=float)
    area = rf_area(signal, t)
    center = rf.center if hasattr(rf, "center") else pp.calc_rf_center(rf)[0]
    freqs, profile_values, bandwidth = small_tip_profile(signal, t)
    return dict(
        offset=rf.delay + center, flip=2 * math.pi * abs(area),
        phase=float(rf.phase_offset + np.angle(area)), use=getattr(rf, "use", "undefined") or "undefined",
        freq=float(rf.freq_offset), bw=bandwidth, freqs=freqs, profile=profile_values,
    )


def _gradient_piece(grad, raster_s: float) -> tuple[np.ndarray, np.ndarray]:
    """Corner times (from the block start) and amplitudes of one gradient event, as
    ``Sequence.waveforms`` lays them out."""
    if grad.type == "grad":
        tt = np.asarray(grad.tt, dtype=float)
        wave = np.asarray(grad.waveform, dtype=float)
        on_raster = np.all(np.abs(tt / raster_s + 0.5 - np.arange(1, len(tt) + 1)) < 1e-9)
        if on_raster:  # arbitrary gradient: add its edge values
            return (grad.delay + np.concatenate(([0.0], tt, [tt[-1] + raster_s / 2])),
                    np.concatenate(([grad.first], wave, [grad.last])))
        return grad.delay + tt, wave
    if abs(grad.flat_time) > 1e-9:
        t = np.cumsum([grad.delay, grad.rise_time, grad.flat_time, grad.fall_time])
        return t, grad.amplitude * np.array([0.0, 1.0, 1.0, 0.0])
    if abs(grad.rise_time) > 1e-9 and abs(grad.fall_time) > 1e-9:
        t = np.cumsum([grad.delay, grad.rise_time, grad.fall_time])
        return t, grad.amplitude * np.array([0.0, 1.0, 0.0])
    return np.zeros(0), np.zeros(0)


def _assemble_waveform(grad_ids: np.ndarray, starts: np.ndarray, pieces: dict, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """The piecewise-linear waveform of one axis over the whole sequence: each block's
    gradient shifted to the block start; where a piece starts at the time the previous one
    ends, the earlier point is kept."""
    t_parts, g_parts, order_parts = [], [], []
    for grad_id in np.unique(grad_ids[grad_ids > 0]):
        rows = np.nonzero(grad_ids == grad_id)[0]
        t_local, g_local = pieces[(axis, int(grad_id))]
        if len(t_local) == 0:
            continue
        t_parts.append((starts[rows][:, None] + t_local[None, :]).ravel())
        g_parts.append(np.broadcast_to(g_local, (len(rows), len(g_local))).ravel())
        order_parts.append((rows[:, None] * 1_000_000 + np.arange(len(t_local))[None, :]).ravel())
    if not t_parts:
        return np.zeros(0), np.zeros(0)
    order = np.argsort(np.concatenate(order_parts), kind="stable")
    t = np.concatenate(t_parts)[order]
    g = np.concatenate(g_parts)[order]
    keep = np.concatenate([[True], np.diff(t) > 1e-9])
    return t[keep], g[keep]


def _extension_labels(seq, extension: int, block_index: int) -> tuple[tuple[str, str, int], ...]:
    """The labels (kind, name, value) an extension chain sets or increments, in file order.

    Walks pypulseq's extension and label libraries directly (``get_block`` would decode the
    whole block again for every readout, whose labels make each one distinct); falls back
    to ``get_block`` when those libraries look different."""
    if extension == 0:
        return ()
    try:
        from pypulseq.supported_labels_rf_use import get_supported_labels

        names = get_supported_labels()
        found = []
        next_id = extension
        while next_id != 0:
            ext_type, reference, next_id = seq.extensions_library.data[next_id][:3]
            kind = seq.get_extension_type_string(ext_type)
            if kind in ("LABELSET", "LABELINC"):
                library = seq.label_set_library if kind == "LABELSET" else seq.label_inc_library
                value, label_id = library.data[reference][:2]
                found.append((kind.lower(), names[int(label_id) - 1], int(value)))
            next_id = int(next_id)
        return tuple(reversed(found))
    except (AttributeError, KeyError, IndexError, ImportError, TypeError, ValueError):
        label = seq.get_block(block_index).label
        return tuple((lab.type, lab.label, int(lab.value)) for lab in (label or {}).values())


def pulseq_file_problem(text: str) -> str | None:
    """Why ``text`` is not a Pulseq file (a clause such as "it has no [BLOCKS] section"),
    or None when it has the sections every Pulseq file has."""
    if "\x00" in text[:4096]:
        return "it is a binary file, not the text a Pulseq .seq file is"
    sections = {line.strip().upper() for line in text.splitlines() if line.strip().startswith("[")}
    if "[VERSION]" not in sections:
        return "it has no [VERSION] section, which every Pulseq file starts with"
    if "[BLOCKS]" not in sections:
        return "it has no [BLOCKS] section, so it plays nothing"
    return None


def read_sequence(path: Path, profile: ScannerProfile, *, source: str | None = None) -> SequenceEvents:
    """Read and check a ``.seq`` file.

    Raises
    ------
    UserInputError
        The file is missing, not a Pulseq file, has no ADC events, or exceeds the scanner's
        gradient limits.

    Parameters
    ----------
    source : str, optional
        The name to give the file in messages (the user's file when ``path`` is a copy).
    """
    import pypulseq as pp  # lazy: costs ~1.8 s

    path = Path(path)
    if not path.is_file():
        raise UserInputError(f"The sequence file {path} does not exist.")
    name = source or str(path)
    problem = pulseq_file_problem(path.read_text(errors="replace"))
    if problem:
        raise UserInputError(f"{name} is not a Pulseq file: {problem}; give a .seq file written by Sequence.write.")
    seq = pp.Sequence(system=pp.Opts(B0=profile.magnet.b0_t))
    try:
        seq.read(str(path))
    except Exception:  # pypulseq raises bare errors of many kinds on malformed files
        raise UserInputError(
            f"{name} is not a readable Pulseq file: its sections do not parse as Pulseq 1.x; "
            "write it with pypulseq's Sequence.write."
        ) from None
    if not seq.block_events:
        raise UserInputError(f"The sequence file {name} has no blocks; it would acquire nothing.")

    # Blocks with the same event IDs (RF, gradients, ADC) play the same events, and blocks
    # with the same extension ID carry the same labels: decode each distinct one once (the
    # labels of a line make nearly every readout's block distinct as a whole). Only the
    # start time differs.
    ids = np.array([seq.block_events[b] for b in seq.block_events], dtype=np.int64).reshape(-1, 7)
    keys = list(seq.block_events)
    durations = np.array([seq.block_durations[b] for b in keys], dtype=float)
    starts = np.concatenate([[0.0], np.cumsum(durations)[:-1]])
    decoded: dict[tuple, object] = {}
    labels_of: dict[int, object] = {}
    rf_info: dict[int, dict] = {}
    rf_raw: list[dict] = []
    adcs: list[tuple] = []
    labels: dict[str, int] = {}
    grad_pieces: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}
    playing = ids[:, 1:].any(axis=1)  # the others are pure delays
    for row in np.nonzero(playing)[0].tolist():
        block_index, t0, event = keys[row], starts[row], ids[row]
        key = tuple(event[1:6].tolist())
        extension = int(event[6])
        block = decoded.get(key)
        if block is None:
            block = decoded[key] = seq.get_block(block_index)
            for axis, name in enumerate(("gx", "gy", "gz")):
                grad = getattr(block, name)
                if grad is not None:
                    grad_pieces[(axis, int(event[2 + axis]))] = _gradient_piece(grad, seq.grad_raster_time)
        if extension not in labels_of:
            labels_of[extension] = _extension_labels(seq, extension, block_index)
        t0 = float(t0)
        for kind, name, value in labels_of[extension]:
            labels[name] = labels.get(name, 0) + value if kind == "labelinc" else value
        if block.rf is not None:
            rf_id = int(event[1])
            info = rf_info.get(rf_id)
            if info is None:
                info = rf_info[rf_id] = _rf_properties(block.rf, pp)
            rf_raw.append(dict(info, time=t0 + info["offset"], block=block_index))
        if block.adc is not None:
            adc = block.adc
            flags = frozenset(k for k in _FLAG_LABELS if labels.get(k, 0))
            counters = {k: int(labels.get(k, 0)) for k in _COUNTER_LABELS if k in labels}
            adcs.append((t0 + adc.delay, float(adc.dwell), int(adc.num_samples), float(adc.phase_offset),
                         float(adc.freq_offset), block_index, counters, flags))
    t0 = float(np.cumsum(durations)[-1])
    if not adcs:
        raise UserInputError(f"The sequence file {name} has no ADC events, so it acquires no data.")

    times, amps, cums = [], [], []
    for axis in range(3):
        tt, gg = _assemble_waveform(ids[:, 2 + axis], starts, grad_pieces, axis)
        cum = np.concatenate([[0.0], np.cumsum(0.5 * (gg[1:] + gg[:-1]) * np.diff(tt))]) if len(tt) else tt
        times.append(tt), amps.append(gg), cums.append(cum)
    moment = GradientMoment(tuple(times), tuple(amps), tuple(cums))
    _gradient_limits(moment, profile, name)

    adc_starts = np.array([a[0] for a in adcs])
    uses = _infer_uses(rf_raw, adc_starts)
    rf_gradients = moment.gradients_at(np.array([r["time"] for r in rf_raw]))
    rf_events = tuple(
        RfEvent(r["time"], r["flip"], r["phase"], use, r["freq"], g,
                r["bw"], r["freqs"], r["profile"], r["block"])
        for r, use, g in zip(rf_raw, uses, rf_gradients)
    )
    adc_events = tuple(AdcEvent(*a) for a in adcs)
    definitions = dict(getattr(seq, "definitions", {}) or {})
    return SequenceEvents(rf_events, adc_events, moment, t0, definitions)
