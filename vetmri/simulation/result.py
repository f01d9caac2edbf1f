"""What the signal engine returns: plain numpy and dataclasses, one entry per ADC event.

The raw-data package turns these into MRD acquisitions; nothing here depends on ismrmrd.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from vetmri.simulation.sequence_parameters import SequenceParameters

__all__ = ["SimulatedAcquisition", "SimulationResult"]


@dataclass(frozen=True)
class SimulatedAcquisition:
    """One ADC event.

    Attributes
    ----------
    index : int
        Order in the sequence (0-based).
    block : int
        Pulseq block number of the ADC.
    start_s : float
        Time of the ADC start from the sequence start, seconds.
    dwell_s : float
        Sample spacing, seconds.
    samples : ndarray of complex64, shape (channels, n)
        The received signal (arbitrary units, calibrated against the noise; see
        ``docs/simulation.md``).
    k_per_m : ndarray of float, shape (n, 3)
        Nominal k-space position of each sample, cycles/m (scanner axes x, y, z).
    counters : dict of str to int
        Pulseq labels at the ADC (LIN, PAR, SLC, AVG, ECO, REP, SET, SEG, PHS); labels the
        sequence does not set are derived: LIN/PAR from the trajectory, SLC from the
        excited slab, ECO from the echo number after the excitation.
    flags : frozenset of str
        ``NOISE`` (no excitation before it, or labelled), ``NAV``, ``REF``, ``IMA``.
    slab_centre_m : ndarray of shape (3,) or None
        Centre of the excited slice (None for non-selective excitation or noise).
    echo_time_s : float or None
        Time from the excitation to the ADC centre.
    """

    index: int
    block: int
    start_s: float
    dwell_s: float
    samples: np.ndarray
    k_per_m: np.ndarray
    counters: dict[str, int]
    flags: frozenset[str]
    slab_centre_m: np.ndarray | None = None
    echo_time_s: float | None = None


@dataclass(frozen=True)
class SimulationResult:
    """A whole simulated run of one sequence.

    Attributes
    ----------
    acquisitions : tuple of SimulatedAcquisition
        In acquisition order.
    channels : int
    coil : str or None
    noise_covariance : ndarray of shape (channels, channels)
        Covariance of the noise per sample at a 1 s dwell (divide by dwell for a sample).
    noise_std_per_sqrt_s : float
        Thermal noise level: std of one sample's real part times sqrt(dwell).
    larmor_hz : float
    duration_s : float
    phantom : str
    notes : tuple of str
        Approximations that applied to this run (e.g. "readout beyond the FOV filtered").
    parameters : SequenceParameters or None
        TR, TE, TI, slice thickness and flip angle of the sequence, from its
        ``[DEFINITIONS]`` or inferred from its events (which ones: ``parameters.inferred``).
    """

    acquisitions: tuple[SimulatedAcquisition, ...]
    channels: int
    coil: str | None
    noise_covariance: np.ndarray
    noise_std_per_sqrt_s: float
    larmor_hz: float
    duration_s: float
    phantom: str
    notes: tuple[str, ...] = field(default=())
    parameters: SequenceParameters | None = None
