"""Phase-encode orders, undersampling masks and slice orders, reproducible from a seed.

k-space indices run from 0 to N-1 with the centre of k-space at N // 2 (the FFT
convention: ``ky = (index - N // 2) / FOV``).

- 2D: :func:`variable_density_lines` keeps a fully sampled centre and draws the other lines
  with a density falling off towards the edge (1D variable density, Lustig et al., MRM
  58:1182, 2007).
- 3D: :func:`poisson_disc_mask` draws ky-kz points with a variable-density Poisson-disc
  (minimum-distance) pattern around a fully sampled centre (the pattern of Lustig's
  compressed-sensing and of BART's ``poisson`` tool).
- Partial Fourier: :func:`partial_fourier_lines` keeps a fraction of the lines, the centre
  and one whole side of k-space (the reconstruction fills the other side).
- Turbo spin echo: :func:`echo_train_order` splits the lines into echo trains with the
  centre of k-space at a chosen echo (``linear``: the middle one; ``centric``: the first).
"""

from __future__ import annotations

import functools
import math
import random
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "EchoTrainOrder",
    "echo_train_order",
    "partial_fourier_lines",
    "poisson_disc_mask",
    "slice_order",
    "variable_density_lines",
]

#: Fraction of the lines (at least 8) fully sampled around the centre of an undersampled scan.
CENTRE_FRACTION = 0.08
MIN_CENTRE_LINES = 8


def _centre_lines(n: int) -> set[int]:
    width = min(n, max(MIN_CENTRE_LINES, round(CENTRE_FRACTION * n)))
    start = n // 2 - width // 2
    return set(range(start, start + width))


def variable_density_lines(n: int, acceleration: float, seed: int) -> tuple[int, ...]:
    """The acquired lines (sorted) of a 2D scan of ``n`` lines accelerated ``acceleration``-fold.

    The centre is fully sampled; the remaining lines are drawn without replacement with
    weight ``(1 - |k|/k_max) ** 2`` from a generator seeded with ``seed``.
    """
    if acceleration <= 1.0:
        return tuple(range(n))
    wanted = max(len(_centre_lines(n)), min(n, round(n / acceleration)))
    chosen = _centre_lines(n)
    rng = random.Random(seed)
    candidates = [k for k in range(n) if k not in chosen]
    weights = [(1.0 - abs(k - n // 2) / (n / 2)) ** 2 + 1e-3 for k in candidates]
    while len(chosen) < wanted and candidates:
        pick = rng.choices(range(len(candidates)), weights=weights)[0]
        chosen.add(candidates.pop(pick))
        weights.pop(pick)
    return tuple(sorted(chosen))


#: Smallest acquired fraction of the lines of a partial-Fourier scan (5/8: the reconstruction
#: needs a symmetric centre of a quarter of k-space to estimate the phase from).
PARTIAL_FOURIER_LOWEST = 0.625


def partial_fourier_lines(lines: tuple[int, ...], n: int, fraction: float,
                          side: Literal["low", "high"] = "low") -> tuple[int, ...]:
    """The ``lines`` (of ``n``) that a partial-Fourier scan acquiring ``fraction`` of k-space keeps.

    ``round(fraction x n)`` consecutive lines are kept, the centre (``n // 2``) and the whole
    other side included; ``side`` is the side skipped (``low``: the lines from index 0).
    The two sides are mirror images about the centre (lines ``n - kept .. n - 1`` or
    ``1 .. kept``): line 0, k = -n/2 / FOV, has no mirror line and is not kept.
    """
    if fraction >= 1.0:
        return lines
    kept = min(n - 1, max(n // 2 + 1, round(fraction * n)))
    if side == "low":
        return tuple(k for k in lines if k >= n - kept)
    return tuple(k for k in lines if 1 <= k <= kept)


@functools.lru_cache(maxsize=64)
def poisson_disc_mask(ny: int, nz: int, acceleration: float, seed: int) -> tuple[tuple[int, int], ...]:
    """The acquired (ky, kz) points of a 3D scan, sorted by kz then ky.

    A point accepted in a seeded random order blocks the points within a radius that grows
    linearly with its distance from the centre (dart throwing); the radius scale is bisected until
    the number of points gives the requested acceleration. The centre ellipse of
    ``CENTRE_FRACTION`` of each dimension (at least 4 points) is always sampled.
    """
    everything = tuple((y, z) for z in range(nz) for y in range(ny))
    if acceleration <= 1.0:
        return everything
    wanted = max(1, round(ny * nz / acceleration))
    rng = random.Random(seed)
    order = list(everything)
    rng.shuffle(order)
    cy, cz = max(2, round(CENTRE_FRACTION * ny / 2)), max(2, round(CENTRE_FRACTION * nz / 2))
    centre = {(y, z) for (y, z) in everything
              if ((y - ny // 2) / cy) ** 2 + ((z - nz // 2) / cz) ** 2 <= 1.0}

    def draw(scale: float) -> set[tuple[int, int]]:
        accepted = set(centre)
        blocked = bytearray(ny * nz)
        for y, z in order:
            if (y, z) in accepted or blocked[y * nz + z]:
                continue
            accepted.add((y, z))
            d = math.hypot((y - ny // 2) / (ny / 2), (z - nz // 2) / (nz / 2))
            radius = scale * (0.3 + d)
            reach = int(radius)
            for dy in range(-reach, reach + 1):
                for dz in range(-reach, reach + 1):
                    if dy * dy + dz * dz < radius * radius and 0 <= y + dy < ny and 0 <= z + dz < nz:
                        blocked[(y + dy) * nz + z + dz] = 1
        return accepted

    low, high = 0.0, 3.0 * math.sqrt(acceleration) + 2.0
    best = draw(low)
    for _ in range(12):
        middle = (low + high) / 2
        points = draw(middle)
        if len(points) >= wanted:
            low, best = middle, points
        else:
            high = middle
    return tuple(sorted(best, key=lambda p: (p[1], p[0])))


@dataclass(frozen=True)
class EchoTrainOrder:
    """Which line each echo of each shot encodes.

    Attributes
    ----------
    shots : tuple of tuple of int
        ``shots[s][e]`` is the k-space line of echo ``e`` of shot ``s``, or -1 when that
        echo is played without acquiring (the last shots when the lines do not divide
        evenly into the echo trains).
    centre_echo : int
        1-based echo at which the centre line (N // 2) is acquired: TE = centre_echo x echo spacing.
    """

    shots: tuple[tuple[int, ...], ...]
    centre_echo: int


def _centred_bands(ranked: list[int], centre: int, shots: int, etl: int) -> list[int]:
    """Sorted lines turned so that the centre of k-space lies in the middle of its echo's
    band, not at its edge: the step in T2 weighting from one echo to the next then falls
    half a band away from the centre, and the lines cut off at one end go to the other
    end's echo (a step at the edge of k-space, where the signal is small). A step at the
    centre would smear the image along the phase encoding and lift small structures' edges."""
    if not ranked or shots < 2:
        return ranked
    i0 = min(range(len(ranked)), key=lambda i: (abs(ranked[i] - centre), i))
    band = min(etl - 1, i0 // shots)
    turn = i0 - (band * shots + shots // 2)
    # turn > 0: the lowest lines go to the last echo; turn < 0: the highest to the first
    return ranked[turn:] + ranked[:turn]


def echo_train_order(lines: tuple[int, ...], n: int, echo_train_length: int,
                     ordering: Literal["linear", "centric"]) -> EchoTrainOrder:
    """Distribute acquired lines over echo trains.

    ``linear``: lines sorted from -ky_max to +ky_max fill the echoes in bands, the first
    band at the first echo, so the centre falls near the middle echo (T2 weighting); the
    bands are turned so that the centre lies in the middle of its band.
    ``centric``: bands by distance from the centre, the central band at the first echo
    (short effective TE: PD and T1 weighting).
    """
    etl = max(1, echo_train_length)
    shots = math.ceil(len(lines) / etl)
    if ordering == "centric":
        ranked = sorted(lines, key=lambda k: (abs(k - n // 2), k))
    else:
        ranked = _centred_bands(sorted(lines), n // 2, shots, etl)
    padded = list(ranked) + [-1] * (shots * etl - len(ranked))
    bands = [padded[e * shots:(e + 1) * shots] for e in range(etl)]
    table = tuple(tuple(bands[e][s] for e in range(etl)) for s in range(shots))
    centre = n // 2
    centre_echo = next((e + 1 for e in range(etl) if centre in bands[e]), 1)
    return EchoTrainOrder(table, centre_echo)


def slice_order(n: int, order: Literal["interleaved", "sequential"]) -> tuple[int, ...]:
    """The order slices are excited in: interleaved (even then odd, so neighbours are not
    excited back to back) or sequential."""
    if order == "sequential":
        return tuple(range(n))
    return tuple(range(0, n, 2)) + tuple(range(1, n, 2))
