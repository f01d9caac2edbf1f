"""The quick variant of a planned exam: fewer averages and undersampling, with the
reconstruction that recovers the quality, chosen by the predicted quality.

For every series but the localizer, the candidates are each number of averages up to the
standard's, fully sampled (reconstructed with non-local-means or total-variation
denoising) or 2-3-fold undersampled (total-variation compressed sensing), within half the
standard series' scan time. A candidate's score is the smaller of its predicted SSIM and
its predicted small-lesion CNR, each over the standard series' own
(:mod:`~vetmri.protocols.quality`): a recipe that keeps the image but smears a 2 mm lesion
scores as low as one that keeps the lesion in noise. Each series starts from its best
score, and series step down to shorter candidates, least score lost first, until the exam
takes at most :data:`QUICK_TIME_FRACTION` of the standard exam's scan time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from vetmri.protocols.plan import Adjustment, SeriesParameters, SeriesPlan
from vetmri.protocols.quality import predict_quality
from vetmri.protocols.series_planner import with_averages
from vetmri.protocols.snr import Relaxation

__all__ = ["QUICK_TIME_FRACTION", "VARIANTS", "check_variant", "quick_exam", "quality_score", "series_candidates"]

VARIANTS = ("standard", "quick")
#: Largest scan time of a quick series over its standard one.
QUICK_TIME_FRACTION = 0.5
#: (acceleration, reconstruction) of the quick candidates.
_CANDIDATES = ((1.0, "nlm"), (1.0, "tv"), (2.0, "cs"), (2.5, "cs"), (3.0, "cs"))


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


def series_candidates(standard: SeriesPlan, replan: Callable[[SeriesParameters], SeriesPlan],
                      tissues: dict[str, Relaxation]) -> list[SeriesPlan]:
    """The quick candidates of one standard series within half its scan time (dummy
    repetitions aside), best :func:`quality_score` first; the localizer has only itself."""
    p = standard.parameters
    if p.sequence == "localizer":
        return [standard]
    limit = 0.5 * (standard.scan_time_s - standard.dummy_time_s) + standard.dummy_time_s + 1e-6
    found: list[SeriesPlan] = []
    for acceleration, recon in _CANDIDATES:
        if p.acceleration > 1 and acceleration == 1:
            continue  # an undersampled standard keeps at least its own undersampling
        planned = replan(replace(p, acceleration=max(acceleration, p.acceleration), reconstruction=recon))
        if not planned.feasible:
            continue
        for averages in range(p.averages, 0, -1):
            candidate = with_averages(planned, averages)
            if candidate.scan_time_s <= limit:
                found.append(replace(candidate, quality=predict_quality(candidate, tissues)))
    if standard.quality is None:
        standard = replace(standard, quality=predict_quality(standard, tissues))
    found.sort(key=lambda c: (-quality_score(c, standard), c.scan_time_s))
    return found or [standard]


def quick_exam(standard: list[SeriesPlan], replanners: list[Callable[[SeriesParameters], SeriesPlan]],
               tissues: dict[str, Relaxation]) -> list[SeriesPlan]:
    """The quick series of an exam: each series' best candidate, then, while the exam takes
    more than :data:`QUICK_TIME_FRACTION` of the standard one, the series whose next
    shorter candidate loses the least :func:`quality_score` steps down to it."""
    options = [series_candidates(s, r, tissues) for s, r in zip(standard, replanners)]
    chosen = [0] * len(options)
    limit = QUICK_TIME_FRACTION * sum(s.scan_time_s for s in standard)

    def total() -> float:
        return sum(o[c].scan_time_s for o, c in zip(options, chosen))

    while total() > limit:
        steps = []
        for i, (o, c) in enumerate(zip(options, chosen)):
            shorter = [j for j in range(c + 1, len(o)) if o[j].scan_time_s < o[c].scan_time_s]
            if shorter:
                j = shorter[0]
                ref = standard[i]
                steps.append((quality_score(o[c], ref) - quality_score(o[j], ref), i, j))
        if not steps:
            break
        _, i, j = min(steps)
        chosen[i] = j
    out = []
    for s, o, c in zip(standard, options, chosen):
        q = o[c]
        if q is not s:
            note = Adjustment("variant", "standard", "quick",
                              f"{q.parameters.averages} average(s), R = {q.parameters.acceleration:g}, "
                              f"reconstruction {q.parameters.reconstruction}",
                              time_s=q.scan_time_s - s.scan_time_s)
            q = replace(q, adjustments=q.adjustments + (note,))
        out.append(q)
    return out
