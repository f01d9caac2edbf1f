"""Plan an exam: species, weight and region (with breed or skull type) to validated series.

Examples
--------
>>> plan = plan_exam("cat", 3.0, "brain")
>>> plan.series[0].parameters.sequence
'localizer'
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

from vetmri.errors import UserInputError
from vetmri.protocols.events import rasters_of
from vetmri.protocols.fit import choose_coil
from vetmri.protocols.geometry import AnimalGeometry, initial_parameters
from vetmri.protocols.library import SKULL_TYPES, Budget, ProtocolLibrary, SpeciesProtocol, load_library
from vetmri.protocols.overrides import Override, resolve_overrides
from vetmri.protocols.plan import Adjustment, ExamPlan, SeriesParameters, SeriesPlan
from vetmri.protocols.quality import predict_quality
from vetmri.protocols.quick import FAT_SHIFT_PPM, check_variant, quick_exam
from vetmri.protocols.series_planner import SeriesContext, plan_series, with_averages
from vetmri.protocols.slab_wrap import choose_slab_cover, slab_cover_m, slab_override_warning
from vetmri.protocols.coverage import AXES, signal_cover_m
from vetmri.protocols.species import normalise_species_name
from vetmri.protocols.wraparound import GEOMETRY_KEYS, KINDS, choose_cover, override_warning, phase_axes
from vetmri.scanner.profile import ScannerProfile, load_profile

__all__ = ["plan_exam"]

#: JSON override keys and the parameter field they set (with the factor to SI).
_FIELDS = {
    "te_ms": ("te_s", 1e-3), "tr_ms": ("tr_s", 1e-3), "ti_ms": ("ti_s", 1e-3),
    "fov_mm": ("fov_m", 1e-3), "slice_mm": ("slice_m", 1e-3), "slice_gap_mm": ("slice_gap_m", 1e-3),
}


def _apply(p: SeriesParameters, values: dict[str, object]) -> SeriesParameters:
    changes: dict[str, object] = {}
    for key, value in values.items():
        field, factor = _FIELDS.get(key, (key, None))
        if factor is not None:
            value = tuple(v * factor for v in value) if isinstance(value, tuple) else value * factor  # type: ignore[operator,union-attr]
        changes[field] = value
    if "matrix" in values and any(n % 2 for n in values["matrix"]):  # type: ignore[union-attr]
        raise UserInputError(f"matrix must be even in both directions for {p.name}, not "
                             f"{values['matrix'][0]},{values['matrix'][1]}.")  # type: ignore[index]
    if "matrix" in values and values["matrix"][1] % 4:  # type: ignore[index]
        raise UserInputError(f"The readout matrix (the second number) must be a multiple of 4 for {p.name}.")
    if p.sequence == "gre3d" and "slices" in values and values["slices"] % 2:  # type: ignore[operator]
        raise UserInputError(f"The 3D series {p.name} needs an even number of partitions (slices).")
    return replace(p, **changes)  # type: ignore[arg-type]


def _fixes(values: dict[str, object], allow_swap: bool) -> frozenset[str]:
    """Wrap-around fixes allowed for a series: only oversampling when its FOV or matrix was set."""
    if GEOMETRY_KEYS & set(values):
        return frozenset({"oversampling"})
    return KINDS if allow_swap else KINDS - {"swap"}


def _skull(protocol: SpeciesProtocol, library: ProtocolLibrary, breed: str | None,
           skull: str | None, warnings: list[str]) -> str | None:
    if skull is not None and skull not in SKULL_TYPES:
        raise UserInputError(f"The skull type {skull!r} is not one of {', '.join(SKULL_TYPES)}.")
    if not protocol.skull_types:
        if skull is not None:
            raise UserInputError(f"Skull types apply to dogs only, not to a {protocol.species.label.lower()}; "
                                 "leave out --skull.")
        return None
    if skull is not None:
        known = library.breeds.get(normalise_species_name(breed)) if breed else None
        if known and known != skull:
            warnings.append(f"The skull type {skull} given overrides {known} of the breed table for {breed}.")
        return skull
    if breed:
        known = library.breeds.get(normalise_species_name(breed))
        if known:
            return known
        warnings.append(f"The breed {breed!r} is not in the breed table; the plan assumes a "
                        "mesaticephalic skull (give --skull if the skull is short or long).")
    return "mesaticephalic"


def _choose_averages(plan: SeriesPlan, budget: Budget, warnings: list[str]) -> SeriesPlan:
    p = plan.parameters
    need = max(1, math.ceil((p.target_snr / plan.snr_single_average) ** 2 - 1e-9))
    room = budget.max_series_s - plan.dummy_time_s
    by_budget = max(1, int(room // plan.time_per_average_s)) if plan.time_per_average_s > 0 else need
    averages = min(need, by_budget, budget.max_averages)
    chosen = with_averages(plan, averages)
    if averages < need:
        limit = ("the series budget of " f"{budget.max_series_s / 60:g} min" if by_budget < budget.max_averages
                 else f"{budget.max_averages} averages")
        warnings.append(
            f"{p.name}: the target SNR {p.target_snr:g} is not reached within {limit}; planned "
            f"{averages} average(s) for SNR {chosen.predicted_snr:.1f} in {chosen.scan_time_s / 60:.1f} min "
            f"(it would need {need} averages, {plan.time_per_average_s * need / 60:.1f} min).")
    return chosen


def _fit_exam_budget(series: list[SeriesPlan], free: list[bool], budget: Budget,
                     warnings: list[str]) -> list[SeriesPlan]:
    total = sum(s.scan_time_s for s in series)
    reduced = False
    while total > budget.max_exam_s:
        candidates = [i for i, s in enumerate(series) if free[i] and s.parameters.averages > 1]
        if not candidates:
            break
        i = max(candidates, key=lambda k: series[k].scan_time_s)
        old = series[i].parameters.averages
        series[i] = with_averages(series[i], old - 1, Adjustment(
            "averages", old, old - 1, f"the exam fits the {budget.max_exam_s / 60:g} min anaesthesia budget"))
        total = sum(s.scan_time_s for s in series)
        reduced = True
    if reduced:
        warnings.append(f"Averages were reduced so the exam fits the {budget.max_exam_s / 60:g} min "
                        "anaesthesia budget; the SNR of those series is lower than their target.")
    if total > budget.max_exam_s:
        warnings.append(f"The exam takes {total / 60:.1f} min, more than the {budget.max_exam_s / 60:g} min "
                        "budget; leave out a series or raise --max-exam-min.")
    return series


def _series_keys(library: ProtocolLibrary, own: Sequence[str], wanted: Sequence[str] | None) -> Sequence[str]:
    if wanted is None:
        return own
    if not wanted:
        raise UserInputError("An exam needs at least one series; add one.")
    unknown = [k for k in wanted if k not in library.templates]
    if unknown:
        raise UserInputError(f"There is no series template {unknown[0]!r}; choose one of "
                             f"{', '.join(sorted(library.templates))}.")
    return wanted


def plan_exam(species: str, weight_kg: float, region: str, *, breed: str | None = None,
              skull: str | None = None, overrides: Sequence[Override] = (),
              max_exam_min: float | None = None, max_series_min: float | None = None,
              profile: ScannerProfile | None = None, library: ProtocolLibrary | None = None,
              series_keys: Sequence[str] | None = None, variant: str = "standard") -> ExamPlan:
    """Plan the series of an exam for one animal and region.

    Parameters
    ----------
    species, region : str
        Names (or aliases) from the species protocols.
    weight_kg : float
        Body weight; must be plausible for the species.
    breed, skull : str, optional
        Dogs: the breed (looked up in the breed table) or the skull type, which wins.
    overrides : sequence of Override
        Parameter overrides (:func:`vetmri.protocols.overrides.parse_override`).
    max_exam_min, max_series_min : float, optional
        Anaesthesia budget instead of the protocol's.
    series_keys : sequence of str, optional
        The series templates to plan, in this order, instead of the region's own list
        (the operator added, removed or reordered series).
    variant : {"standard", "quick"}
        ``quick``: the same series in at most half the time, with fewer averages or
        undersampling and the reconstruction that suits it (:mod:`~vetmri.protocols.quick`).
        Every series carries its predicted quality (:mod:`~vetmri.protocols.quality`).

    Raises
    ------
    UserInputError
        Unknown species or region, implausible weight, an animal that does not fit, or an
        override that cannot be honoured; one sentence saying what to do.
    """
    check_variant(variant)
    library = library or load_library()
    profile = profile or load_profile()
    protocol = library.protocol(species)
    size_class = protocol.species.size_class_for(weight_kg)
    the_region = protocol.region(region)
    budget = protocol.budget
    for value, name in ((max_exam_min, "max_exam_s"), (max_series_min, "max_series_s")):
        if value is not None:
            if not (isinstance(value, (int, float)) and math.isfinite(value) and 0 < value <= 600):
                raise UserInputError(f"The time budget must be from 0 to 600 minutes, not {value!r}.")
            budget = replace(budget, **{name: value * 60.0})
    warnings: list[str] = []
    skull_type = _skull(protocol, library, breed, skull, warnings)
    coil = choose_coil(protocol, the_region, weight_kg, profile)
    factors = protocol.skull_types.get(skull_type, (1.0, 1.0, 1.0)) if (
        skull_type and the_region.skull_dependent) else (1.0, 1.0, 1.0)
    animal = AnimalGeometry.of(the_region, weight_kg, factors, library.geometry, profile.magnet.dsv_m)
    templates = [library.templates[key] for key in _series_keys(library, the_region.series, series_keys)]
    per_series = resolve_overrides(overrides, [t.sequence for t in templates], [t.name for t in templates])
    rasters = rasters_of(profile)
    covers = {axis: signal_cover_m(animal.body, axis, coil.length_m, coil.inner_diameter_m,
                                   library.geometry.coverage) for axis in AXES}
    plans: list[SeriesPlan] = []
    free: list[bool] = []
    replanners = []
    for template, values in zip(templates, per_series):
        params, notes = initial_parameters(template, animal, library.geometry)
        warnings.extend(notes)
        params = _apply(params, values)
        if "ti_ms" in values:
            template = replace(template, null_tissue=None)
        ctx = SeriesContext(rasters, coil.name, coil.inner_diameter_m, the_region.main_tissue,
                            library.tissues, template.null_tissue, budget)
        plan = plan_series(params, frozenset(values), ctx)
        if plan.violations and values:
            v = plan.violations[0]
            raise UserInputError(f"The override of {plan.parameters.name} cannot be honoured: {v.message}.")
        fixed = "averages" in values or template.fixed_averages is not None

        def finish(q: SeriesParameters, ctx: SeriesContext = ctx, values: dict = values,
                   fixed: bool = fixed, tr_s: float = params.tr_s) -> tuple[SeriesPlan, list[str]]:
            notes: list[str] = []
            # from the protocol's TR: the planner lengthens it anew for each variant it compares
            planned = plan_series(replace(q, tr_s=tr_s), frozenset(values), ctx)
            return (planned if fixed else _choose_averages(planned, budget, notes)), notes

        base, notes = finish(params)
        if "phase_oversampling" in values:
            need = max(covers[a] for a in phase_axes(base.parameters))
            if need > base.parameters.encoded_fov_m[0] * (1 + 1e-9):
                notes.append(override_warning(base.parameters, need))
        else:  # a FOV or matrix that was set stays; only oversampling may then be added
            base, notes = choose_cover(base, notes, covers, finish, fov_step_m=library.geometry.fov_step_m,
                                       matrix_step=library.geometry.matrix_step,
                                       max_matrix=library.geometry.max_matrix,
                                       kinds=_fixes(values, library.geometry.coverage.allow_phase_swap))
        if base.parameters.sequence == "gre3d":
            slab_body = animal.body.along(base.parameters.slice_axis)
            if "slab_oversampling" in values:
                p3 = base.parameters
                need = slab_cover_m(p3.slice_m * p3.slices, slab_body, library.geometry.coverage)
                if need > p3.slice_m * p3.encoded_partitions * (1 + 1e-9):
                    notes.append(slab_override_warning(p3, need))
            else:
                base, notes = choose_slab_cover(base, notes, slab_body, library.geometry.coverage, finish)
        warnings.extend(notes)
        plans.append(base)
        free.append(not fixed)
        replanners.append(lambda q, ctx=ctx, values=values: plan_series(q, frozenset(values), ctx))
    plans = _fit_exam_budget(plans, free, budget, warnings)
    plans = [replace(s, quality=predict_quality(s, library.tissues)) for s in plans]
    if variant == "quick":
        plans = quick_exam(plans, replanners, library.tissues,
                           fat_shift_hz=FAT_SHIFT_PPM * 1e-6 * profile.magnet.larmor_hz)
    return ExamPlan(
        species=protocol.species.name, weight_kg=float(weight_kg), size_class=size_class.name,
        region=the_region.name, breed=breed, skull_type=skull_type, coil=coil.name,
        series=tuple(plans), warnings=tuple(warnings),
        max_series_s=budget.max_series_s, max_exam_s=budget.max_exam_s, variant=variant,
    )
