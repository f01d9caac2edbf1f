"""Series templates (``species_protocols/shared/series.toml``): the sequence and contrast
parameters of a series before the planner fits geometry and averages to the animal."""

from __future__ import annotations

from dataclasses import dataclass

from vetmri.protocols.snr import Relaxation
from vetmri.tomlfields import TomlTable

__all__ = ["ORDERINGS", "PLANES", "SEQUENCES", "SLICE_ORDERS", "SeriesTemplate", "read_templates"]

SEQUENCES = ("localizer", "se", "tse", "gre", "ir_tse", "gre3d")
PLANES = ("sagittal", "transverse", "dorsal", "3-plane")
ORDERINGS = ("linear", "centric")
SLICE_ORDERS = ("interleaved", "sequential")


@dataclass(frozen=True)
class SeriesTemplate:
    """A series as written in ``series.toml`` (SI units).

    ``fixed_*`` values, when set, are used as they are instead of being fitted to the
    animal (the localizer's matrix and slice count, for example).
    """

    key: str
    name: str
    sequence: str
    plane: str
    tr_s: float
    te_s: float
    ti_s: float | None
    null_tissue: str | None
    flip_angle_deg: float
    echo_train_length: int
    ordering: str
    bandwidth_hz_per_px: float
    target_snr: float
    acceleration: float
    slice_order: str
    contrast_agent: bool
    pixel_scale: float
    slice_scale: float
    fixed_matrix: int | None
    fixed_slices: int | None
    fixed_slice_m: float | None
    fixed_averages: int | None


def read_templates(document: TomlTable, tissues: dict[str, Relaxation]) -> dict[str, SeriesTemplate]:
    """Validate every ``[series.<key>]`` table."""
    templates = {key: _read(key, t, tissues) for key, t in document.named_tables("series").items()}
    if not templates:
        raise document.error("series", "must list at least one series template ([series.<key>])")
    document.reject_unknown_keys()
    return templates


def _read(key: str, t: TomlTable, tissues: dict[str, Relaxation]) -> SeriesTemplate:
    sequence = t.string("sequence", choices=SEQUENCES)
    plane = t.string("plane", choices=PLANES)
    if (sequence == "localizer") != (plane == "3-plane"):
        raise t.error("plane", "must be '3-plane' for a localizer and only for a localizer")
    inversion = sequence == "ir_tse"
    ti_ms = t.number("ti_ms", minimum=1, maximum=10_000, default=None)
    null_tissue = t.string("null_tissue", choices=tuple(tissues), default=None)
    if inversion and (ti_ms is None) == (null_tissue is None):
        raise t.error("ti_ms", "or null_tissue (one of the two) must be given for an inversion-recovery series")
    if not inversion and (ti_ms is not None or null_tissue is not None):
        raise t.error("ti_ms", "and null_tissue only apply to inversion recovery (sequence = 'ir_tse')")
    train = sequence in ("tse", "ir_tse")
    etl = t.integer("echo_train_length", minimum=1, maximum=64, default=8 if train else 1)
    if not train and etl != 1:
        raise t.error("echo_train_length", "must be 1 for a sequence without an echo train")
    fixed_matrix = _optional_integer(t, "matrix", 16, 1024)
    fixed_slice_mm = t.number("slice_mm", minimum=0.1, maximum=50, default=None)
    template = SeriesTemplate(
        key=key,
        name=t.string("name"),
        sequence=sequence,
        plane=plane,
        tr_s=t.number("tr_ms", minimum=1, maximum=30_000) * 1e-3,
        te_s=t.number("te_ms", minimum=0.5, maximum=1_000) * 1e-3,
        ti_s=ti_ms * 1e-3 if ti_ms is not None else None,
        null_tissue=null_tissue,
        flip_angle_deg=t.number("flip_angle_deg", minimum=1, maximum=180),
        echo_train_length=etl,
        ordering=t.string("ordering", choices=ORDERINGS, default="linear"),
        bandwidth_hz_per_px=t.number("bandwidth_hz_per_px", minimum=10, maximum=2_000),
        target_snr=t.number("target_snr", minimum=0, exclusive_minimum=True, maximum=1_000),
        acceleration=t.number("acceleration", minimum=1, maximum=8, default=1.0),
        slice_order=t.string("slice_order", choices=SLICE_ORDERS, default="interleaved"),
        contrast_agent=t.boolean("contrast_agent", default=False),
        pixel_scale=t.number("pixel_scale", minimum=0.25, maximum=4, default=1.0),
        slice_scale=t.number("slice_scale", minimum=0.1, maximum=4, default=1.0),
        fixed_matrix=fixed_matrix,
        fixed_slices=_optional_integer(t, "slices", 1, 256),
        fixed_slice_m=fixed_slice_mm * 1e-3 if fixed_slice_mm is not None else None,
        fixed_averages=_optional_integer(t, "averages", 1, 256),
    )
    t.reject_unknown_keys()
    return template


def _optional_integer(t: TomlTable, key: str, minimum: int, maximum: int) -> int | None:
    return t.integer(key, minimum=minimum, maximum=maximum) if key in t else None
