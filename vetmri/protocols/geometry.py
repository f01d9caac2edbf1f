"""From a series template and an animal to a first set of series parameters: FOV, matrix,
slices and thickness scaled to the body part (before timing, SNR and budget checks)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from vetmri.protocols.coverage import BodyExtent
from vetmri.protocols.library import GeometryRules, Region, SizeBox
from vetmri.protocols.plan import SeriesParameters
from vetmri.protocols.templates import SeriesTemplate

__all__ = ["LOCALIZER_PLANES", "PLANE_AXES", "AnimalGeometry", "initial_parameters"]

#: In-plane axes and slice axis of each plane (quadruped terms: dorsal is the plane the
#: human "coronal" corresponds to).
PLANE_AXES = {
    "transverse": (("lr", "dv"), "cc"),
    "sagittal": (("cc", "dv"), "lr"),
    "dorsal": (("cc", "lr"), "dv"),
}
#: The planes of the 3-plane localizer, in acquisition order.
LOCALIZER_PLANES = ("sagittal", "dorsal", "transverse")


def _extent(box: SizeBox, axis: str) -> float:
    return {"lr": box.lr_m, "dv": box.dv_m, "cc": box.cc_m}[axis]


@dataclass(frozen=True)
class AnimalGeometry:
    """The region of this animal: what the FOV must hold and the slices must cover, the
    pixel and slice size to aim at, the largest FOV the magnet images well, and where the
    body lies around the image centre (what may give signal)."""

    fov_box: SizeBox
    cover_box: SizeBox
    pixel_m: float
    slice_m: float
    max_fov_m: float
    body: BodyExtent

    @classmethod
    def of(cls, region: Region, weight_kg: float, skull: tuple[float, float, float],
           rules: GeometryRules, max_fov_m: float) -> "AnimalGeometry":
        size = (weight_kg / region.reference_kg) ** region.size_exponent
        resolution = (weight_kg / region.reference_kg) ** region.resolution_exponent
        lr, dv, cc = (size * k for k in skull)
        body = (weight_kg / region.reference_kg) ** region.body_exponent
        return cls(
            fov_box=region.fov.scaled(lr, dv, cc),
            cover_box=region.cover.scaled(lr, dv, cc),
            pixel_m=max(rules.min_pixel_m, region.pixel_m * resolution),
            slice_m=max(rules.min_slice_m, region.slice_m * resolution),
            max_fov_m=max_fov_m,
            body=region.body.scaled(*(body * k for k in skull)),
        )


def _fov(extent_m: float, rules: GeometryRules, cap_m: float) -> float:
    step = rules.fov_step_m
    return min(cap_m, math.ceil(extent_m / step - 1e-9) * step)


def _matrix(fov_m: float, pixel_m: float, rules: GeometryRules) -> int:
    n = round(fov_m / pixel_m / rules.matrix_step) * rules.matrix_step
    return int(min(rules.max_matrix, max(rules.min_matrix, n)))


def initial_parameters(template: SeriesTemplate, animal: AnimalGeometry,
                       rules: GeometryRules) -> tuple[SeriesParameters, list[str]]:
    """The series before timing and averages are settled, and geometry warnings.

    The phase-encoding axis is the shorter in-plane extent (fewer lines, shorter scan);
    FOVs are rounded up to the FOV step and capped at the magnet's homogeneous sphere.
    """
    warnings: list[str] = []
    cap = animal.max_fov_m
    if template.sequence == "localizer":
        box = animal.fov_box
        (read_axis, phase_axis), slice_axis = PLANE_AXES[LOCALIZER_PLANES[0]]
        side = _fov(max(box.lr_m, box.dv_m, box.cc_m), rules, cap)
        fov = (side, side)
        matrix_n = template.fixed_matrix or _matrix(side, animal.pixel_m * 2, rules)
        matrix = (matrix_n, matrix_n)
        slice_m = template.fixed_slice_m or animal.slice_m
        slices = template.fixed_slices or 3
        gap = slice_m
    else:
        (a, b), slice_axis = PLANE_AXES[template.plane]
        box = animal.fov_box
        phase_axis, read_axis = sorted((a, b), key=lambda axis: (_extent(box, axis), axis))
        wanted = (_extent(box, phase_axis), _extent(box, read_axis))
        fov = (_fov(wanted[0], rules, cap), _fov(wanted[1], rules, cap))
        for axis, extent, got in zip((phase_axis, read_axis), wanted, fov):
            if extent > got + 1e-9:
                warnings.append(
                    f"{template.name}: the {axis} extent of about {extent * 1e3:.0f} mm is larger than the "
                    f"{cap * 1e3:.0f} mm the magnet images well; the FOV is capped, so plan a second "
                    "station (move the table) for the rest.")
        pixel = animal.pixel_m * template.pixel_scale
        matrix = (_matrix(fov[0], pixel, rules), _matrix(fov[1], pixel, rules))
        if template.fixed_matrix:
            matrix = (template.fixed_matrix, template.fixed_matrix)
        slice_m = template.fixed_slice_m or max(rules.min_slice_m, animal.slice_m * template.slice_scale)
        slice_m = round(slice_m * 1e4) / 1e4  # 0.1 mm steps
        cover = _extent(animal.cover_box, slice_axis)
        if template.sequence == "gre3d":
            gap = 0.0
            slices = max(8, 2 * math.ceil(cover / slice_m / 2))
        else:
            gap = slice_m * rules.slice_gap_fraction
            slices = max(1, math.ceil((cover + gap) / (slice_m + gap)))
        slices = template.fixed_slices or slices
    parameters = SeriesParameters(
        name=template.name, key=template.key, sequence=template.sequence, plane=template.plane,
        read_axis=read_axis, phase_axis=phase_axis, slice_axis=slice_axis,
        te_s=template.te_s, tr_s=template.tr_s, ti_s=template.ti_s,
        flip_angle_deg=template.flip_angle_deg, echo_train_length=template.echo_train_length,
        ordering=template.ordering, fov_m=fov, matrix=matrix, slice_m=slice_m, slice_gap_m=gap,
        slices=slices, averages=template.fixed_averages or 1,
        bandwidth_hz_per_px=template.bandwidth_hz_per_px, acceleration=template.acceleration,
        slice_order=template.slice_order, sampling_seed=0, target_snr=template.target_snr,
        contrast_agent=template.contrast_agent,
    )
    return parameters, warnings
