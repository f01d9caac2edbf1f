"""The signal engine: execute a Pulseq sequence on a phantom and return the received data.

``simulate_sequence`` reads the ``.seq`` (timing, flip angles, phases, gradients and ADCs
all come from the file), groups ADC events by the slice their excitation selected, runs
one phase graph per slice over the RF pulses that reach it, and synthesises the k-space
samples from the fine-grid phantom (``synthesis``), then adds coil noise, interference and
motion. ``prepare_sequence`` lays every readout out (k-space, counters, echo time) before
any synthesis, and its ``SequenceRun.groups`` yields the readouts slice group by slice
group (``iter_sequence``); ``simulate_sequence`` collects them. See ``docs/simulation.md``
for the physics and its limits.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from vetmri.errors import UserInputError
from vetmri.scanner.profile import ScannerProfile, load_profile
from vetmri.simulation.effects import (
    EffectOptions,
    b0_offset_hz,
    b1_scale_map,
    coil_sensitivities,
    coil_signal_factor,
    noise_covariance,
)
from vetmri.simulation.echo_timeline import echo_weights, timeline_signature
from vetmri.simulation.phantom import Phantom
from vetmri.simulation.lowrank import distinct_rows
from vetmri.simulation.phase_graph import PhaseGraph
from vetmri.simulation.result import SimulatedAcquisition, SimulationResult
from vetmri.simulation.seq_reader import SequenceEvents, read_sequence
from vetmri.simulation.sequence_parameters import SequenceParameters, sequence_parameters
from vetmri.simulation.slice_groups import GroupPlan, derive_counters, plan_groups, slab_of, slab_quadrature
from vetmri.simulation.spoiling import unspoiled_note
from vetmri.simulation.synthesis import GroupSamples, synthesise_group
from vetmri.simulation.texture import RELAXATION_CLIP, heterogeneity_fields
from vetmri.simulation.workers import available_cores, group_pool

__all__ = ["NOISE_STD_PER_SQRT_S", "SequenceRun", "iter_sequence", "prepare_sequence", "simulate_sequence"]

#: Thermal noise, std of one sample's real part times sqrt(dwell), in signal units (proton
#: density x m^3). Calibrated on the reference protocol the planner uses (protocols/snr.py):
#: a dog-brain T2 TSE at 0.2 T (TR 3 s, TE 100 ms, 160 x 160 over 160 mm, 4 mm slice, so
#: 1 x 1 x 4 mm and 160 phase encodes, 100 Hz/pixel, 2 averages) in the 0.24 m head coil
#: (head_large, 4 channels, adaptive combination) gives white matter an SNR of 20:
#: 0.617 (white-matter signal density) * exp(-100/80) * 4e-9 m^3 * sqrt(160 * 2 / 100) * 0.876 / 20.
#: 0.876 is the 4-channel combination's loss measured on that protocol (8 seeds, mean 13.86
#: where the single-channel law gave 20 x sqrt(160/256) = 15.81 with the 256-line constant).
NOISE_STD_PER_SQRT_S = 0.617 * math.exp(-0.1 / 0.08) * 4e-9 * math.sqrt(160 * 2 / 100) * 0.876 / 20

_B1_NODE_STEP = 0.05  # largest flip-angle-scale step between B1 nodes (5 %)
_GRAPH_PRUNE = 1e-5  # states below this fraction of the largest proton density are dropped
_GRAPH_DK_PER_M = 0.05  # merge grid of the phase graph's dephasing moments
# A textured phantom's relaxation nodes differ from their tissue's nominal echo by a few per
# cent: that difference comes from a coarse graph (states below 1e-3 dropped, at most 500),
# within about 5 % of itself (0.2-0.4 % of the echo) at a small part of a full graph's cost.
_NODE_GRAPH_PRUNE = 1e-3
_NODE_GRAPH_STATES = 500
_NODE_GRAPH_FOLLOWS = True  # the coarse graph stops where the full one reached its steady state
_PARALLEL_MIN_SAMPLES = 200_000  # samples x channels below which a run stays in one process


def _motion(options: EffectOptions, t: np.ndarray, duration: float) -> np.ndarray:
    shift = np.zeros((len(t), 3))
    if options.motion == "rigid":
        shift[:, 1] = options.motion_amplitude_m * np.clip(t / max(duration, 1e-9), 0, 1)
    elif options.motion == "respiratory":
        shift[:, 1] = options.motion_amplitude_m * np.sin(2 * np.pi * t / options.respiratory_period_s) ** 2
    return shift


def simulate_sequence(
    seq_path: Path,
    phantom: Phantom,
    *,
    profile: ScannerProfile | None = None,
    options: EffectOptions = EffectOptions(),
    on_progress: Callable[[float, str], None] | None = None,
    workers: int | None = None,
) -> SimulationResult:
    """Run a Pulseq sequence on a phantom and collect every readout (see :func:`prepare_sequence`
    for the streaming form; both give the same data for the same seed).

    Parameters
    ----------
    seq_path : Path
        The ``.seq`` file, exactly as it would be sent to the scanner.
    phantom : Phantom
        Already scaled (:func:`~vetmri.simulation.phantom.scale_phantom`).
    profile : ScannerProfile, optional
        The scanner (the built-in profile by default).
    options : EffectOptions
        Hardware effects, noise, motion and the seed.
    on_progress : callable(fraction, message), optional
    workers : int, optional
        Processes that synthesise the slice groups (default: one per available core; 1
        keeps everything in the calling process). The data do not depend on it.

    Returns
    -------
    SimulationResult

    Raises
    ------
    UserInputError
        Bad sequence file or impossible options.
    OperationFailedError
        A sequence feature the simulator cannot model (oblique slices, non-Cartesian 2D).
    """
    return prepare_sequence(seq_path, phantom, profile=profile, options=options, on_progress=on_progress,
                            workers=workers).collect()


def iter_sequence(
    seq_path: Path,
    phantom: Phantom,
    *,
    profile: ScannerProfile | None = None,
    options: EffectOptions = EffectOptions(),
    on_progress: Callable[[float, str], None] | None = None,
    workers: int | None = None,
) -> Iterator[list[SimulatedAcquisition]]:
    """The readouts of a sequence, one slice group at a time as soon as it is synthesised
    (the readouts without excitation first). Same arguments as :func:`simulate_sequence`."""
    yield from prepare_sequence(seq_path, phantom, profile=profile, options=options, on_progress=on_progress,
                                workers=workers).groups()


def prepare_sequence(
    seq_path: Path,
    phantom: Phantom,
    *,
    profile: ScannerProfile | None = None,
    options: EffectOptions = EffectOptions(),
    on_progress: Callable[[float, str], None] | None = None,
    workers: int | None = None,
    source: str | None = None,
) -> SequenceRun:
    """Read a sequence and work out everything that needs no synthesis: the slice groups,
    the k-space position, echo time and encoding counters of every readout. The signal
    follows group by group from :meth:`SequenceRun.groups`.

    Raises
    ------
    UserInputError, OperationFailedError
        As :func:`simulate_sequence`.
    """
    profile = profile or load_profile()
    options.validate(profile)
    coil = profile.coil(options.coil) if options.coil else None
    events = read_sequence(Path(seq_path), profile, source=source)
    tissues = [t for t in phantom.tissues() if t.pd > 0]
    if not tissues:
        raise UserInputError(f"The phantom {phantom.name} has no tissue that gives signal (every pd is 0).")
    plans, group_of_adc, groups = plan_groups(events)
    n_channels = 1 if coil is None else coil.channels
    planned: dict[int, tuple[np.ndarray, float | None, int]] = {}
    for plan in plans:
        for a, k, te, echo in zip(plan.adc_indices, plan.k_per_adc, plan.te_s, plan.echo_numbers):
            planned[a] = (k, te, echo)
    empty = np.zeros((n_channels, 0), dtype=np.complex64)
    skeleton = []
    for a_index, adc in enumerate(events.adc):
        key = group_of_adc[a_index]
        counters = dict(adc.counters)
        flags = (adc.flags | {"NOISE"}) if key is None else adc.flags
        centre = None
        if key is not None and key[0] != "volume":
            centre = np.zeros(3)
            centre[key[0]] = key[1]
        k, te, echo = planned.get(a_index, (None, None, None))
        if echo is not None:
            counters.setdefault("ECO", echo)
        skeleton.append(SimulatedAcquisition(
            index=a_index, block=adc.block, start_s=adc.start_s, dwell_s=adc.dwell_s, samples=empty,
            k_per_m=np.zeros((adc.n, 3)) if k is None else k, counters=counters, flags=frozenset(flags),
            slab_centre_m=centre, echo_time_s=te,
        ))
    derive_counters(skeleton, groups)
    run = SequenceRun(events=events, phantom=phantom, profile=profile, options=options, coil=coil,
                      tissues=tuple(tissues), plans=tuple(plans), skeleton=tuple(skeleton),
                      report=on_progress or (lambda fraction, message: None), workers=workers)
    unspoiled = unspoiled_note(events, plans, [t.t2_s for t in tissues])
    if unspoiled:
        run.notes.append(unspoiled)
    return run


class SequenceRun:
    """A prepared sequence (:func:`prepare_sequence`): what is known before synthesis, and
    the signal group by group.

    Attributes
    ----------
    skeleton : tuple of SimulatedAcquisition
        Every readout with its k-space positions, counters, flags and echo time, but no
        samples (shape (channels, 0)): enough to lay out the raw data before any signal.
    channels : int
    noise_covariance : ndarray (channels, channels)
    noise_std_per_sqrt_s : float
    workers : int or None
        Processes that synthesise slice groups (None: one per available core; see
        :mod:`~vetmri.simulation.workers`).
    """

    def __init__(self, *, events: SequenceEvents, phantom: Phantom, profile: ScannerProfile,
                 options: EffectOptions, coil, tissues: tuple, plans: tuple[GroupPlan, ...],
                 skeleton: tuple[SimulatedAcquisition, ...], report: Callable[[float, str], None],
                 workers: int | None = None):
        self.events, self.phantom, self.profile, self.options, self.coil = events, phantom, profile, options, coil
        self.tissues, self.plans, self.skeleton, self.report = tissues, plans, skeleton, report
        self.channels = 1 if coil is None else coil.channels
        self.workers = workers
        self.notes: list[str] = []
        self._physics_cache: _GroupPhysics | None = None
        covariance = noise_covariance(coil, options.seed)
        self._chol = np.linalg.cholesky(covariance)
        self.noise_std_per_sqrt_s = NOISE_STD_PER_SQRT_S * options.noise_scale
        self.noise_covariance = covariance * self.noise_std_per_sqrt_s**2

    def groups(self) -> Iterator[list[SimulatedAcquisition]]:
        """The finished readouts (signal, motion, noise), one list per slice group in the
        order of the groups' first readouts; the readouts without excitation come first.
        The noise of each group has its own seeded generator, so the data do not depend on
        how the groups are consumed, nor on how many processes synthesise them
        (``workers``): the same seed gives the same data bit for bit."""
        planned = {a for plan in self.plans for a in plan.adc_indices}
        unexcited = [a for a in self.skeleton if a.index not in planned]
        if unexcited:
            yield self._finish(unexcited, None, self._rng(0))
        if not self.plans:
            self.report(1.0, "done")
            return
        signatures = [timeline_signature(self.events, plan.timeline, plan.moments, _GRAPH_DK_PER_M)
                      for plan in self.plans]
        first_of: dict[tuple, int] = {}
        for g_index, (signature, _) in enumerate(signatures):
            first_of.setdefault(signature, g_index)
        total = len(self.plans)
        processes = self._processes()
        fft_workers = max(1, available_cores() // max(processes, 1))
        self._physics()  # made once here, inherited by the workers
        with group_pool(self, processes) as pool:
            echoes = dict(zip(first_of, pool.map("_echo_weights", [(g,) for g in first_of.values()])))
            tasks = []
            for g_index, (signature, phase) in enumerate(signatures):
                reference = signatures[first_of[signature]][1]
                rotation = 1.0 if g_index == first_of[signature] else complex(np.exp(1j * (phase - reference)))
                tasks.append((g_index, echoes[signature], rotation, fft_workers))
            results = pool.imap("_synthesise", tasks)
            for g_index in range(total):
                self.report(g_index / total, f"slice group {g_index + 1} of {total}")
                data, notes = next(results)
                self.notes.extend(notes)
                yield _split_samples([self.skeleton[a] for a in self.plans[g_index].adc_indices], data)
        self.report(1.0, "done")

    def _echo_weights(self, g_index: int) -> list[tuple[np.ndarray, float]]:
        """The phase graph's echo weights along one group's timeline.

        With relaxation nodes (a textured phantom), the full graph runs once per tissue and
        B1 node at the nominal T1 and T2 (the middle of the two nodes), and each node's echo
        is that plus or minus half the difference of the two nodes' echoes in a coarse graph
        (:data:`_NODE_GRAPH_PRUNE`): the same linear model in the relaxation field, for
        about the cost of the plain phantom's graph."""
        physics = self._physics()
        plan = self.plans[g_index]

        def run(pd, t1, t2, offset, b1, t2p, prune=_GRAPH_PRUNE, states=20000, **steady):
            return echo_weights(self.events, plan.timeline, plan.moments,
                                lambda: PhaseGraph(pd, t1, t2, offset, b1, dk_per_m=_GRAPH_DK_PER_M, prune=prune,
                                                   max_states=states), t2p, **steady)

        if physics.relaxation_nodes == 1:
            return run(physics.pd, physics.t1, physics.t2, physics.offset, physics.b1, physics.t2p)
        low, high = slice(0, None, 2), slice(1, None, 2)  # the two nodes of each tissue x B1 class
        steady: list[int] = []
        middle = run(physics.pd[low], 0.5 * (physics.t1[low] + physics.t1[high]),
                     0.5 * (physics.t2[low] + physics.t2[high]), physics.offset[low], physics.b1[low],
                     physics.t2p[low], on_steady=steady.append)
        # the coarse graph's pruning noise keeps it from converging by itself: it stops where
        # the full graph reached its steady state (so its echoes repeat from the same point)
        follow = {"steady_from": steady[0]} if steady and _NODE_GRAPH_FOLLOWS else {}
        nodes = run(physics.pd, physics.t1, physics.t2, physics.offset, physics.b1, physics.t2p,
                    prune=_NODE_GRAPH_PRUNE, states=_NODE_GRAPH_STATES, **follow)
        if not middle:
            return []
        w_mid = np.array([w for w, _ in middle])
        taus = [tau for _, tau in middle]
        w_nodes = np.array([w for w, _ in nodes])
        half = 0.5 * (w_nodes[:, high] - w_nodes[:, low])
        # echoes that repeat one another up to a phase in the full graph (a converged train)
        # keep doing so: the coarse graph's differences there are its pruning noise, and
        # repeated echoes are what the synthesis factorises once (lowrank.distinct_rows)
        # (the latest of each set, where the coarse graph has settled most)
        _, inverse, phase = distinct_rows(w_mid, np.round(np.array(taus) * 1e10))
        latest = np.zeros(inverse.max() + 1, dtype=np.int64)
        np.maximum.at(latest, inverse, np.arange(len(inverse)))
        source = latest[inverse]
        half = (phase / phase[source])[:, None] * half[source]
        both = np.stack([w_mid - half, w_mid + half], axis=2).reshape(len(taus), -1)
        return [(w, tau) for w, tau in zip(both, taus)]

    def _processes(self) -> int:
        """Worker processes for this run's groups, at most one per group: ``workers`` when
        given, else one per core, or none for a small run (forking costs more than it saves)."""
        if self.workers is None:
            samples = sum(self.events.adc[a].n for plan in self.plans for a in plan.adc_indices)
            if samples * self.channels < _PARALLEL_MIN_SAMPLES:
                return 0
        return min(self.workers or available_cores(), len(self.plans))

    def _synthesise(self, g_index: int, echoes: list, rotation: complex,
                    fft_workers: int = 1) -> tuple[np.ndarray, list[str]]:
        """One group's received samples (channels, samples of its readouts one after another)
        from its echo weights, and the notes it raised (what a worker process sends back)."""
        physics = self._physics()
        events, plan = self.events, self.plans[g_index]
        samples = _group_samples(events, plan, echoes, rotation, physics.t2, physics.t2p, physics.offset)
        first = events.adc[plan.adc_indices[0]]
        readout_axis = int(np.argmax(np.ptp(plan.k_per_adc[0], axis=0))) if first.n > 1 else 0
        slab = slab_of(events.rf[plan.excitation])
        slab_arg = None
        if slab is not None:
            offsets, weights_z = slab_quadrature(events.rf[plan.excitation], slab[0], slab[2])
            slab_arg = (slab[0], slab[1], offsets, weights_z)
        notes: list[str] = []
        signal = synthesise_group(self.phantom, physics.names, samples, readout_axis=readout_axis, slab=slab_arg,
                                  sensitivity=physics.sensitivity, b0_hz=physics.b0, notes=notes,
                                  class_weights=physics.class_weights, fft_workers=fft_workers)
        return self._received([self.skeleton[a] for a in plan.adc_indices], signal, self._rng(g_index + 1)), notes

    def _physics(self) -> _GroupPhysics:
        """The tissue classes (tissue x B1 node) and the spatial maps every group uses."""
        if self._physics_cache is None:
            self._physics_cache = _GroupPhysics.of(self)
        return self._physics_cache

    def collect(self) -> SimulationResult:
        """Synthesise every group and return the whole run, readouts in playing order."""
        collected = [a for group in self.groups() for a in group]
        return self.result(sorted(collected, key=lambda a: a.index))

    def result(self, acquisitions: list[SimulatedAcquisition]) -> SimulationResult:
        """The collected run (``acquisitions`` in order)."""
        return SimulationResult(
            acquisitions=tuple(acquisitions), channels=self.channels, coil=self.options.coil,
            noise_covariance=self.noise_covariance, noise_std_per_sqrt_s=self.noise_std_per_sqrt_s,
            larmor_hz=self.profile.magnet.larmor_hz, duration_s=self.events.duration_s,
            phantom=self.phantom.name, notes=tuple(dict.fromkeys(self.notes)), parameters=self.parameters,
        )

    @property
    def parameters(self) -> SequenceParameters:
        """TR, TE, TI, slice thickness, flip angle of the sequence (``[DEFINITIONS]`` or inferred)."""
        return sequence_parameters(self.events, self.skeleton)

    def _rng(self, group: int) -> np.random.Generator:
        return np.random.default_rng([self.options.seed, 0x5EED, group])

    def _finish(self, readouts: list[SimulatedAcquisition], signal: np.ndarray | None,
                rng: np.random.Generator) -> list[SimulatedAcquisition]:
        """The readouts with their samples: :meth:`_received` split per readout."""
        return _split_samples(readouts, self._received(readouts, signal, rng))

    def _received(self, readouts: list[SimulatedAcquisition], signal: np.ndarray | None,
                  rng: np.random.Generator) -> np.ndarray:
        """Motion, receiver demodulation and noise of a group's readouts.

        ``signal`` (channels, total samples) holds their samples one after another (None:
        no signal); so does the result (complex64)."""
        options, events = self.options, self.events
        adcs = [events.adc[r.index] for r in readouts]
        counts = np.array([adc.n for adc in adcs])
        owner = np.repeat(np.arange(len(adcs)), counts)
        total = int(counts.sum())
        data = np.zeros((self.channels, total), dtype=np.complex64) if signal is None else signal
        t = np.concatenate([adc.sample_times() for adc in adcs]) if adcs else np.zeros(0)
        start = np.array([adc.start_s for adc in adcs])[owner]
        if options.motion != "none" and signal is not None:
            k = np.concatenate([r.k_per_m for r in readouts])
            data = data * np.exp(-2j * np.pi * np.einsum("si,si->s", k, _motion(options, t, events.duration_s)))[None, :]
        phase = np.array([adc.phase_offset_rad for adc in adcs])[owner]
        freq = np.array([adc.freq_offset_hz for adc in adcs])[owner]
        data = data * np.exp(-1j * (phase + 2 * np.pi * freq * (t - start)))[None, :]
        sigma = self.noise_std_per_sqrt_s
        if options.noise and sigma > 0:
            # drawn readout by readout, in the group's order (the same stream however the
            # group's samples are laid out)
            std = (sigma / np.sqrt(np.array([adc.dwell_s for adc in adcs])))[owner]
            white, line_phase = [], []
            for adc in adcs:
                white.append(rng.normal(size=(self.channels, adc.n)) + 1j * rng.normal(size=(self.channels, adc.n)))
                line_phase.append([rng.uniform(0, 2 * np.pi, size=(self.channels, 1)) for _ in options.interference_hz])
            data = data + std[None, :] * (self._chol @ np.concatenate(white, axis=1))
            for i, f in enumerate(options.interference_hz):
                phases = np.concatenate([np.broadcast_to(p[i], (self.channels, adc.n)) for p, adc in zip(line_phase, adcs)],
                                        axis=1)
                data = data + options.interference_amplitude * std[None, :] * np.exp(
                    1j * (2 * np.pi * f * t[None, :] + phases))
        return data.astype(np.complex64)


@dataclass(frozen=True)
class _GroupPhysics:
    """What every slice group of a run shares: the tissue classes (each tissue at each B1
    node) with their relaxation and off-resonance, and the coil, B0 and B1 maps."""

    names: tuple[str, ...]
    pd: np.ndarray
    t1: np.ndarray
    t2: np.ndarray
    t2p: np.ndarray
    offset: np.ndarray
    b1: np.ndarray
    sensitivity: Callable[[np.ndarray], np.ndarray]
    b0: Callable[[np.ndarray], np.ndarray]
    class_weights: Callable[[np.ndarray], np.ndarray] | None
    relaxation_nodes: int = 1

    @classmethod
    def of(cls, run: SequenceRun) -> _GroupPhysics:
        options, profile, tissues, coil = run.options, run.profile, run.tissues, run.coil
        larmor = profile.magnet.larmor_hz
        drift_hz = profile.magnet.drift_hz_per_k * options.magnet_temperature_change_k
        coil_radius = (coil.inner_diameter_m if coil else 0.24) / 2
        nodes = b1_nodes(run.phantom, coil_radius, options)
        h = run.phantom.heterogeneity
        # relaxation nodes of a textured phantom: T1 and T2 scaled by 1 + h r at r = +-clip,
        # interpolated linearly per voxel by the relaxation field (texture.py)
        relax = np.array([-RELAXATION_CLIP, RELAXATION_CLIP]) if h > 0 else np.zeros(1)
        per_tissue = len(nodes) * len(relax)
        class_weights = None
        if per_tissue > 1:
            texture = run.phantom.texture

            def class_weights(axes):
                shape = tuple(len(a) for a in axes)
                weights = np.ones((len(nodes), len(relax), *shape), dtype=np.float32)
                if len(nodes) > 1:
                    points = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1)
                    weights *= b1_hat_weights(b1_scale_map(points, coil_radius, options), nodes)[:, None]
                if h > 0:
                    pd_factor, field = heterogeneity_fields(texture, axes)
                    weights *= (b1_hat_weights(field, relax) * pd_factor[None])[None]
                return np.tile(weights.reshape(per_tissue, *shape), (len(tissues), 1, 1, 1))
        signal_scale = coil_signal_factor(coil)

        def sensitivity(points):
            return coil_sensitivities(points, coil) * signal_scale

        def b0(points):
            return b0_offset_hz(points, profile, options)

        repeat = per_tissue
        scale = np.tile(1.0 + h * relax, len(tissues) * len(nodes))  # classes: tissue, B1 node, relaxation node
        return cls(
            names=tuple(t.name for t in tissues for _ in range(repeat)),
            pd=np.repeat([t.pd for t in tissues], repeat),
            t1=np.repeat([t.t1_s for t in tissues], repeat) * scale,
            t2=np.repeat([t.t2_s for t in tissues], repeat) * scale,
            t2p=np.repeat([t.t2prime_s for t in tissues], repeat),
            offset=np.repeat([t.chemical_shift_ppm * 1e-6 * larmor for t in tissues], repeat) + drift_hz,
            b1=np.tile(np.repeat(nodes, len(relax)), len(tissues)),
            sensitivity=sensitivity, b0=b0, class_weights=class_weights, relaxation_nodes=len(relax),
        )


def _split_samples(readouts: list[SimulatedAcquisition], data: np.ndarray) -> list[SimulatedAcquisition]:
    """The readouts, each with its part of ``data`` (channels, their samples one after another)."""
    counts = np.array([r.k_per_m.shape[0] for r in readouts])
    parts = np.split(data, np.cumsum(counts)[:-1], axis=1)
    return [replace(r, samples=np.ascontiguousarray(part)) for r, part in zip(readouts, parts)]


def _group_samples(events: SequenceEvents, plan: GroupPlan, echoes: list, rotation,
                   t2: np.ndarray, t2p: np.ndarray, offset: np.ndarray) -> GroupSamples:
    """Every sample of the group: k, dephasing time and class weights carried along the
    readout from each echo's reference (T2, T2', chemical shift and drift).

    Readouts whose echoes repeat one another up to a phase (same weights turned by the RF
    phase, same dephasing time, same sampling relative to the echo) share their samples'
    weights: those are computed once per distinct readout (``GroupSamples.inverse``)."""
    adcs = [events.adc[a] for a in plan.adc_indices]
    counts = np.array([adc.n for adc in adcs])
    echo_weights_ = np.array([w for w, _ in echoes]) * rotation  # (A, C)
    tau_ref = np.array([tau for _, tau in echoes])
    starts = np.array([adc.start_s for adc in adcs])
    dwells = np.array([adc.dwell_s for adc in adcs])
    rows, inverse, phase = distinct_rows(echo_weights_, np.round(tau_ref * 1e10), counts,
                                         np.round(dwells * 1e12), np.round((plan.echo_ref_s - starts) * 1e10))
    row_start = np.concatenate([[0], np.cumsum(counts[rows])])
    taus, weights = [], []
    # the decay along the readout depends on the sampling relative to the echo and on the
    # echo's dephasing time only: the echoes of a train share it
    decays: dict[tuple, np.ndarray] = {}
    for r in rows:
        dt = adcs[r].sample_times() - plan.echo_ref_s[r]
        taus.append(tau_ref[r] + dt)
        key = (round(tau_ref[r] * 1e10), int(counts[r]), round(dwells[r] * 1e12),
               round((plan.echo_ref_s[r] - starts[r]) * 1e10))
        decay = decays.get(key)
        if decay is None:
            decay = decays[key] = np.exp(
                -dt[:, None] / t2[None, :]
                - (np.abs(tau_ref[r] + dt)[:, None] - np.abs(tau_ref[r])) / t2p[None, :]
                - 2j * np.pi * offset[None, :] * dt[:, None])
        weights.append(echo_weights_[r][None, :] * decay)
    owner = np.repeat(np.arange(len(adcs)), counts)
    within = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    return GroupSamples(np.concatenate(plan.k_per_adc), np.concatenate(taus), np.vstack(weights),
                        inverse=row_start[inverse[owner]] + within, phase=phase[owner])


def b1_nodes(phantom: Phantom, coil_radius_m: float, options: EffectOptions) -> np.ndarray:
    """Flip-angle scales at which the phase graph runs: one node (the uniform scale) when
    the B1 map is flat over the phantom, otherwise nodes spanning the map's range over the
    phantom's extent, at most ``_B1_NODE_STEP`` apart (at least 3), between which every
    voxel's signal is interpolated linearly (:func:`b1_hat_weights`).

    Returns
    -------
    ndarray of shape (B,)
    """
    low, high = phantom.extent_m()
    x = np.linspace(low[0], high[0], 41)
    y = np.linspace(low[1], high[1], 41)
    points = np.stack(np.meshgrid(x, y, [0.0], indexing="ij"), axis=-1)
    values = b1_scale_map(points, coil_radius_m, options)
    lowest, highest = float(values.min()), float(values.max())
    if highest - lowest < 1e-6 * max(abs(highest), 1e-12):
        return np.array([highest])
    count = max(3, int(np.ceil((highest - lowest) / _B1_NODE_STEP)) + 1)
    return np.linspace(lowest, highest, count)


def b1_hat_weights(b1: np.ndarray, nodes: np.ndarray) -> np.ndarray:
    """Linear-interpolation (hat function) weights of each node at each B1 value.

    Parameters
    ----------
    b1 : ndarray of shape (...)
    nodes : ndarray of shape (B,), increasing

    Returns
    -------
    ndarray of float32, shape (B, ...): non-negative, summing to 1 at every point.
    """
    b1 = np.clip(b1, nodes[0], nodes[-1])
    eye = np.eye(len(nodes))
    return np.stack([np.interp(b1, nodes, eye[b]) for b in range(len(nodes))]).astype(np.float32)
