"""The quick variant of a planned exam: fewer averages, undersampling and a lower receiver
bandwidth, with the reconstruction that recovers the quality, chosen by the predicted quality.

For every series but the localizer, the candidates are each number of averages up to the
standard's, fully sampled (reconstructed with non-local-means or total-variation
denoising) or 2-3-fold undersampled (total-variation compressed sensing), none longer
than the standard series, and each at the standard's receiver bandwidth and at the lowest
one, down to :data:`LOWEST_BANDWIDTH_FRACTION` of it, that keeps the series' timing
(:func:`keeps_timing`): a lower bandwidth samples each line longer (SNR grows as
1 / sqrt(bandwidth per pixel)), offered only where the longer readout still fits the same
TE, TR, TI, echo spacing and time per average (so the same contrast and the same T2
weighting along an echo train), with fat shifted by at most one pixel along the readout.

A candidate's score is the smaller of its predicted SSIM and its predicted small-lesion
CNR, each over the standard series' own (:mod:`~vetmri.protocols.quality`): a recipe that
keeps the image but smears a 2 mm lesion scores as low as one that keeps the lesion in
noise. The quick exam takes one candidate per series so that it lasts at most
:data:`QUICK_TIME_FRACTION` of the standard exam's scan time with the largest product of
the scores, each capped at 1 (:func:`quick_exam`, an exact knapsack over whole seconds).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace

from vetmri.protocols.plan import Adjustment, SeriesParameters, SeriesPlan
from vetmri.protocols.quality import predict_quality
from vetmri.protocols.series_planner import LONGEST_TR_FACTOR, relaxed_tr_s, with_averages
from vetmri.protocols.snr import Relaxation

__all__ = ["FAT_SHIFT_PPM", "LOWEST_BANDWIDTH_FRACTION", "LOWEST_SCORE", "PARTIAL_FOURIER_FRACTIONS", "PARTIAL_FOURIER_SEQUENCES", "QUICK_TIME_FRACTION", "SERIES_TIME_FRACTION",
           "VARIANTS", "check_variant", "keeps_timing", "lowest_bandwidth", "quick_exam", "quality_score", "same_contrast",
           "series_candidates"]

VARIANTS = ("standard", "quick")
#: Largest scan time of the quick exam over the standard one.
QUICK_TIME_FRACTION = 0.5
#: Largest scan time of a quick series over its standard one: never longer. A series may
#: keep its time and spend it on a lower bandwidth and the denoiser (a FLAIR of one average
#: has nothing to halve but its lines, which its lesions cannot spare), so that the exam's
#: other series give up the time.
SERIES_TIME_FRACTION = 1.0
#: Lowest :func:`quality_score` a quick series may have: no series of the quick exam shows
#: a small lesion at less than half the standard's CNR (or its image at half its SSIM) to
#: buy time for the others; a product of scores alone would trade one series away.
LOWEST_SCORE = 0.5
#: (acceleration, reconstruction) of the quick candidates.
_CANDIDATES = ((1.0, "nlm"), (1.0, "tv"), (2.0, "cs"), (2.5, "cs"), (3.0, "cs"))
#: Acquired fractions of the phase-encoding lines of the fully sampled candidates
#: (partial Fourier; 1 = all lines): a non-integer share of the time of an average.
PARTIAL_FOURIER_FRACTIONS = (1.0, 0.875, 0.75, 0.625)
#: Sequences offered partial Fourier: one line per excitation. An echo train's T2 decay
#: weights k-space unevenly along the phase encoding (early echoes on one side, late ones on
#: the other), which the conjugate-symmetric fill cannot restore: on the simulator a 7/8 T2
#: TSE came out worse with POCS than zero-filled (docs/protocols.md).
PARTIAL_FOURIER_SEQUENCES = ("se", "gre")
#: Lowest receiver bandwidth of a quick candidate over the standard series' own: a readout
#: at most twice as long, so that T2* decay along it (and fat's shift) stay small.
LOWEST_BANDWIDTH_FRACTION = 0.5
#: Chemical shift of fat (methylene) from water; at most one pixel along the readout.
FAT_SHIFT_PPM = 3.4


def check_variant(variant: str) -> str:
    """The variant, or a one-sentence error (UserInputError) naming the choices."""
    from vetmri.errors import UserInputError

    if variant not in VARIANTS:
        raise UserInputError(f"There is no protocol variant {variant!r}; choose standard or quick.")
    return variant


def quality_score(candidate: SeriesPlan, standard: SeriesPlan) -> float:
    """The smaller of the candidate's predicted SSIM and 2 mm lesion CNR over the standard
    series' (1: as good as the standard in both)."""
    q, ref = candidate.quality, standard.quality
    if q is None or ref is None:
        return 0.0
    ratios = [q.ssim / max(ref.ssim, 1e-9)]
    if ref.lesion_cnr > 0:
        ratios.append(q.lesion_cnr / ref.lesion_cnr)
    return min(ratios)


def keeps_timing(candidate: SeriesPlan, reference: SeriesPlan, fat_shift_hz: float,
                 relaxed_tr_s: float | None = None) -> bool:
    """Whether a candidate at another receiver bandwidth keeps the reference's TE, TR, TI,
    echo spacing and time per average, and shifts fat by at most one pixel (``fat_shift_hz``:
    the fat-water frequency difference at the scanner's field).

    ``relaxed_tr_s``: the TR above which the series' main tissue is fully relaxed (its TR
    does not weight the contrast). Where both TRs are above it, the candidate's TR may be
    longer, by at most the planner's ``LONGEST_TR_FACTOR``, and its time per average with
    it: its longer readouts then play the slices in as few concatenations."""
    c, r = candidate.parameters, reference.parameters

    def same(a: float | None, b: float | None) -> bool:
        return (a is None) == (b is None) and (a is None or abs(a - b) <= 1e-6 + 1e-4 * abs(b))

    longer = 1.0
    if relaxed_tr_s is not None and min(c.tr_s, r.tr_s) >= relaxed_tr_s and c.tr_s <= LONGEST_TR_FACTOR * r.tr_s:
        longer = max(1.0, c.tr_s / r.tr_s)
    else:
        if not same(c.tr_s, r.tr_s):
            return False
    return (candidate.feasible and same(c.te_s, r.te_s) and same(c.ti_s, r.ti_s)
            and same(candidate.echo_spacing_s, reference.echo_spacing_s)
            and candidate.time_per_average_s <= reference.time_per_average_s * longer * (1 + 1e-9)
            and abs(fat_shift_hz) <= c.bandwidth_hz_per_px)


def same_contrast(candidate: SeriesPlan, reference: SeriesPlan) -> bool:
    """Whether a candidate keeps the reference's TE, TR and TI (within 0.1 %): the contrast
    (a partial-Fourier echo train may move the centre to another echo, at another echo
    spacing, but not to another TE)."""
    c, r = candidate.parameters, reference.parameters
    return all((a is None) == (b is None) and (a is None or abs(a - b) <= 1e-3 * abs(b))
               for a, b in ((c.te_s, r.te_s), (c.tr_s, r.tr_s), (c.ti_s, r.ti_s)))


def lowest_bandwidth(planned: SeriesPlan, replan: Callable[[SeriesParameters], SeriesPlan],
                     fat_shift_hz: float, *, tolerance: float = 0.01,
                     relaxed_tr_s: float | None = None) -> SeriesPlan | None:
    """The series at the lowest receiver bandwidth, down to :data:`LOWEST_BANDWIDTH_FRACTION`
    of its own, that :func:`keeps_timing` (bisection to ``tolerance`` of the bandwidth), or
    None when no lower bandwidth does (the readout already fills the echo spacing)."""
    p = planned.parameters

    def at(bandwidth: float) -> SeriesPlan | None:
        candidate = replan(replace(p, bandwidth_hz_per_px=bandwidth))
        return candidate if keeps_timing(candidate, planned, fat_shift_hz, relaxed_tr_s) else None

    low, high = LOWEST_BANDWIDTH_FRACTION * p.bandwidth_hz_per_px, p.bandwidth_hz_per_px
    best = at(low)
    if best is not None:
        return best
    while high - low > tolerance * p.bandwidth_hz_per_px:
        middle = 0.5 * (low + high)
        found = at(middle)
        if found is None:
            low = middle
        else:
            high, best = middle, found
    return best


def series_candidates(standard: SeriesPlan, replan: Callable[[SeriesParameters], SeriesPlan],
                      tissues: dict[str, Relaxation], *, fat_shift_hz: float = 0.0,
                      time_fraction: float = QUICK_TIME_FRACTION) -> list[SeriesPlan]:
    """The quick candidates of one standard series within ``time_fraction`` of its scan
    time (dummy repetitions aside; 1: no longer), best :func:`quality_score` first;
    the localizer has only itself.

    ``fat_shift_hz``: the fat-water shift at the scanner's field (a lower bandwidth is
    offered only while fat moves by at most one pixel; 0 ignores it)."""
    p = standard.parameters
    if p.sequence == "localizer":
        return [standard]
    limit = time_fraction * (standard.scan_time_s - standard.dummy_time_s) + standard.dummy_time_s
    limit = limit + 1e-6
    found: list[SeriesPlan] = []
    relaxed = relaxed_tr_s(p.sequence, tissues[standard.main_tissue]) if standard.main_tissue in tissues else None
    recipes = [(a, r, f) for a, r in _CANDIDATES
               for f in (PARTIAL_FOURIER_FRACTIONS if a == 1 and p.sequence in PARTIAL_FOURIER_SEQUENCES else (1.0,))]
    for acceleration, recon, fraction in recipes:
        if p.acceleration > 1 and acceleration == 1:
            continue  # an undersampled standard keeps at least its own undersampling
        at_standard_bw = replan(replace(p, acceleration=max(acceleration, p.acceleration), reconstruction=recon,
                                        partial_fourier=min(fraction, p.partial_fourier)))
        if not at_standard_bw.feasible or (fraction < 1 and not same_contrast(at_standard_bw, standard)):
            continue
        found.extend(_with_each_average(at_standard_bw, p.averages, limit, tissues))
        lowest = lowest_bandwidth(at_standard_bw, replan, fat_shift_hz, relaxed_tr_s=relaxed)
        if lowest is not None:
            found.extend(_with_each_average(lowest, p.averages, limit, tissues))
    if standard.quality is None:
        standard = replace(standard, quality=predict_quality(standard, tissues))
    found.sort(key=lambda c: (-quality_score(c, standard), c.scan_time_s))
    return found or [standard]


def _with_each_average(planned: SeriesPlan, most: int, limit_s: float, tissues: dict[str, Relaxation]) -> list[SeriesPlan]:
    found = []
    for averages in range(most, 0, -1):
        candidate = with_averages(planned, averages)
        if candidate.scan_time_s <= limit_s:
            found.append(replace(candidate, quality=predict_quality(candidate, tissues)))
    return found


def _knapsack(standard: list[SeriesPlan], options: list[list[SeriesPlan]], limit: int) -> list[int] | None:
    """Index of the chosen candidate per series: the largest product of the capped scores
    within ``limit`` whole seconds, the shortest such exam; None when nothing fits."""
    import numpy as np

    # best[t]: the largest sum of log scores of the series so far within t seconds
    best = np.zeros(limit + 1)
    picks = []
    for ref, o in zip(standard, options):
        seconds = [int(math.ceil(c.scan_time_s - 1e-6)) for c in o]
        utility = [math.log(max(min(quality_score(c, ref), 1.0), 1e-6)) for c in o]
        table = np.full((len(o), limit + 1), -np.inf)
        for j, (t, u) in enumerate(zip(seconds, utility)):
            if t <= limit:
                table[j, t:] = best[:limit + 1 - t] + u
        picks.append(table.argmax(axis=0))
        best = table.max(axis=0)
    if not np.isfinite(best[-1]):
        return None
    chosen = []
    t = int(np.flatnonzero(best >= best[-1] - 1e-9)[0])
    for o, pick in zip(reversed(options), reversed(picks)):
        j = int(pick[t])
        chosen.append(j)
        t -= int(math.ceil(o[j].scan_time_s - 1e-6))
    chosen.reverse()
    return chosen


def _above_floor(candidates: list[SeriesPlan], standard: SeriesPlan) -> list[SeriesPlan]:
    """The candidates scoring at least :data:`LOWEST_SCORE` (all of them when none does)."""
    kept = [c for c in candidates if quality_score(c, standard) >= LOWEST_SCORE]
    return kept or candidates


def quick_exam(standard: list[SeriesPlan], replanners: list[Callable[[SeriesParameters], SeriesPlan]],
               tissues: dict[str, Relaxation], *, fat_shift_hz: float = 0.0) -> list[SeriesPlan]:
    """The quick series of an exam: one candidate per series (none longer than its standard
    series, :data:`SERIES_TIME_FRACTION`) such that the exam takes at most
    :data:`QUICK_TIME_FRACTION` of the standard one and the product of the series'
    :func:`quality_score`, each capped at 1, is the largest (no series banks quality
    beyond the standard's; ties go to the shorter exam). Solved exactly, as a knapsack
    over whole seconds, first among the candidates scoring at least :data:`LOWEST_SCORE`,
    and among all of them only when those cannot make half the time."""

    everything = [series_candidates(s, r, tissues, fat_shift_hz=fat_shift_hz, time_fraction=SERIES_TIME_FRACTION)
                  for s, r in zip(standard, replanners)]
    limit = int(math.floor(QUICK_TIME_FRACTION * sum(s.scan_time_s for s in standard)))
    options = [_above_floor(o, s) for o, s in zip(everything, standard)]
    chosen = _knapsack(standard, options, limit)
    if chosen is None:  # half the time only with a series below the floor
        options = everything
        chosen = _knapsack(standard, options, limit)
    if chosen is None:  # nothing fits: each series' shortest candidate
        chosen = [min(range(len(o)), key=lambda j: o[j].scan_time_s) for o in options]
    out = []
    for s, o, c in zip(standard, options, chosen):
        q = o[c]
        if q is not s:
            note = Adjustment("variant", "standard", "quick",
                              f"{q.parameters.averages} average(s), R = {q.parameters.acceleration:g}, "
                              + (f"partial Fourier {q.parameters.partial_fourier:g}, " if q.parameters.partial_fourier < 1 else "")
                              + f"{q.parameters.bandwidth_hz_per_px:.0f} Hz/px, "
                              f"reconstruction {q.parameters.reconstruction}",
                              time_s=q.scan_time_s - s.scan_time_s)
            q = replace(q, adjustments=q.adjustments + (note,))
        out.append(q)
    return out
