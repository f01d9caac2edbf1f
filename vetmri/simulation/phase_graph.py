"""Extended phase graph over arbitrary gradients (a phase-distribution graph).

The magnetisation of every tissue class is a sum of configuration states, each with a
dephasing moment ``kappa`` (cycles/m, a 3-vector, so any gradient, crusher or spoiler of the
``.seq`` is followed exactly) and a dephasing time ``tau`` (s, the time the state spent
transverse, signed; static off-resonance and T2' act through it):

    M+(r) = sum_j F_j exp(2 pi i kappa_j . r) exp(-2 pi i df(r) tau_j)

RF pulses are instantaneous rotations that mix F, conj(F) and Z (Weigel, J Magn Reson Imaging
2015;41:266); free precession multiplies by T1/T2 decay and the class's chemical-shift phase
and adds the gradient moment. States are merged on a grid of ``dk`` and ``dtau`` and pruned
below ``prune`` of the proton density. All classes are carried in one array, so the cost
does not grow with the number of tissues.
"""

from __future__ import annotations

import numpy as np

__all__ = ["PhaseGraph"]


class PhaseGraph:
    """States of all tissue classes of one slice (or slab, or volume).

    Parameters
    ----------
    pd, t1_s, t2_s, offset_hz, b1_scale : ndarray of shape (C,)
        Per class: proton density, relaxation, off-resonance (chemical shift + drift) and
        flip-angle scale.
    dk_per_m : float
        Merge grid of the dephasing moment.
    """

    def __init__(self, pd, t1_s, t2_s, offset_hz, b1_scale, *, dk_per_m: float = 0.05,
                 dtau_s: float = 1e-6, prune: float = 1e-6, max_states: int = 20000):
        self.pd = np.asarray(pd, dtype=float)
        self.t1 = np.asarray(t1_s, dtype=float)
        self.t2 = np.asarray(t2_s, dtype=float)
        self.offset = np.asarray(offset_hz, dtype=float)
        self.b1 = np.asarray(b1_scale, dtype=float)
        self.dk, self.dtau = dk_per_m, dtau_s
        self.prune_level = prune * max(float(self.pd.max(initial=0.0)), 1e-12)
        self.max_states = max_states
        c = len(self.pd)
        self.fk = np.zeros((0, 4), dtype=np.int64)  # kappa (3) and tau as integers
        self.f = np.zeros((0, c), dtype=complex)
        self.zk = np.zeros((1, 4), dtype=np.int64)
        self.z = self.pd[None, :].astype(complex)

    # -- evolution ------------------------------------------------------------------------

    def precess(self, dt_s: float, moment_per_m: np.ndarray) -> None:
        """Free precession for ``dt_s`` with the gradient moment ``moment_per_m`` (3,)."""
        if dt_s < 0:
            raise ValueError("time runs forward")
        shift = np.rint(np.asarray(moment_per_m) / self.dk).astype(np.int64)
        if len(self.f):
            self.f *= (np.exp(-dt_s / self.t2) * np.exp(-2j * np.pi * self.offset * dt_s))[None, :]
            self.fk[:, :3] += shift
            self.fk[:, 3] += int(round(dt_s / self.dtau))
        e1 = np.exp(-dt_s / self.t1)
        self.z *= e1[None, :]
        origin = np.nonzero(~self.zk.any(axis=1))[0]
        if len(origin):
            self.z[origin[0]] += self.pd * (1 - e1)
        else:
            self.zk = np.vstack([self.zk, np.zeros((1, 4), dtype=np.int64)])
            self.z = np.vstack([self.z, (self.pd * (1 - e1))[None, :]])

    def rotate(self, flip_rad: float, phase_rad: float) -> None:
        """An instantaneous RF rotation (flip about an axis at ``phase_rad`` from x)."""
        a = flip_rad * self.b1
        c2, s2 = np.cos(a / 2) ** 2, np.sin(a / 2) ** 2
        sa, ca = np.sin(a), np.cos(a)
        e1, e2 = np.exp(1j * phase_rad), np.exp(2j * phase_rad)
        f, fc, z = self.f, np.conj(self.f), self.z
        neg = -self.fk
        keys = np.vstack([self.fk, neg, self.zk])  # the same keys for the new F and Z states
        new_f = np.vstack([f * c2, fc * (e2 * s2), z * (-1j * e1 * sa)])
        new_z = np.vstack([f * (-0.5j / e1 * sa), fc * (0.5j * e1 * sa), z * ca])
        (self.fk, self.f), (self.zk, self.z) = self._merge_pair(keys, new_f, new_z)

    def _merge_pair(self, keys: np.ndarray, f: np.ndarray, z: np.ndarray):
        """Merge two value sets on shared keys with one sort, then prune each."""
        if len(keys) == 0:
            return self._merge(keys, f), self._merge(keys, z)
        level = self.prune_level
        keep = (_peak(f) > level) | (_peak(z) > level)
        keys, f, z = keys[keep], f[keep], z[keep]
        if len(keys) == 0:
            return (keys, f), (keys, z)
        order = _row_order(keys)
        keys = keys[order]
        starts = np.concatenate([[0], np.nonzero(np.any(keys[1:] != keys[:-1], axis=1))[0] + 1])
        unique = keys[starts]
        return (self._finish_merge(unique, np.add.reduceat(f[order], starts, axis=0)),
                self._finish_merge(unique, np.add.reduceat(z[order], starts, axis=0)))

    def _finish_merge(self, unique: np.ndarray, merged: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        strength = _peak(merged)
        keep = strength > self.prune_level
        unique, merged, strength = unique[keep], merged[keep], strength[keep]
        if len(unique) > self.max_states:
            order = np.argsort(strength, kind="stable")[::-1][: self.max_states]
            unique, merged = unique[order], merged[order]
        return unique, merged

    def _merge(self, keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        keep = np.max(np.abs(values), axis=1) > self.prune_level if len(values) else np.zeros(0, bool)
        keys, values = keys[keep], values[keep]
        if len(keys) == 0:
            return keys, values
        order = _row_order(keys)
        keys, values = keys[order], values[order]
        starts = np.concatenate([[0], np.nonzero(np.any(keys[1:] != keys[:-1], axis=1))[0] + 1])
        unique = keys[starts]
        merged = np.add.reduceat(values, starts, axis=0)
        return self._finish_merge(unique, merged)

    # -- read-out -------------------------------------------------------------------------

    def echo(self, kappa_per_m: np.ndarray, tolerance_per_m: float, t2prime_s: np.ndarray) -> tuple[np.ndarray, float]:
        """Coherent signal of the states at the dephasing ``kappa_per_m`` (3,).

        Returns
        -------
        weights : ndarray of complex, shape (C,)
            Sum of the matching states' amplitudes, each damped by ``exp(-|tau| / T2')``.
        tau_s : float
            Dephasing time of the strongest matching state (0 when none matches).
        """
        if len(self.f) == 0:
            return np.zeros(self.f.shape[1], dtype=complex), 0.0
        target = np.rint(np.asarray(kappa_per_m) / self.dk).astype(np.int64)
        tol = max(int(round(tolerance_per_m / self.dk)), 1)
        match = np.all(np.abs(self.fk[:, :3] - target) <= tol, axis=1)
        if not np.any(match):
            return np.zeros(self.f.shape[1], dtype=complex), 0.0
        tau = self.fk[match, 3] * self.dtau
        values = self.f[match] * np.exp(-np.abs(tau)[:, None] / np.asarray(t2prime_s)[None, :])
        strongest = int(np.argmax(np.abs(values).sum(axis=1)))
        return values.sum(axis=0), float(tau[strongest])

    @property
    def n_states(self) -> int:
        return len(self.f) + len(self.z)


def _peak(values: np.ndarray) -> np.ndarray:
    """Largest magnitude over the classes of each state (row)."""
    if values.shape[1] == 0:
        return np.zeros(len(values))
    return np.max(np.abs(values), axis=1)


def _row_order(keys: np.ndarray) -> np.ndarray:
    """Indices that sort the integer rows of ``keys`` (n, 4) lexicographically: one packed
    64-bit key when the value ranges fit (the usual case), ``lexsort`` otherwise."""
    low = keys.min(axis=0)
    spans = keys.max(axis=0) - low + 1
    if float(np.prod(spans.astype(float))) < 2.0**62:
        packed = np.zeros(len(keys), dtype=np.int64)
        for column in range(keys.shape[1]):
            packed = packed * spans[column] + (keys[:, column] - low[column])
        return np.argsort(packed, kind="stable")
    return np.lexsort(keys.T[::-1])
