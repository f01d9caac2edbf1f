"""The species protocol library: regions, series templates, tissues, breeds and budgets.

Read from ``species_protocols/``: ``<species>.toml`` (``[species]``, ``[regions.*]``,
optional ``[skull_types.*]`` and ``[budget]``) and the shared tables in
``species_protocols/shared/`` (``series.toml``, ``planning.toml``, ``dog_breeds.toml``).
Tissue values come from the tissue library the simulator also uses
(``phantoms/tissues.toml``, :mod:`vetmri.tissues`). Everything is validated on load; a problem names the file, the key
and what is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from vetmri.errors import UserInputError
from vetmri.protocols.allometry import read_exponent
from vetmri.protocols.coverage import AXES, BodyExtent, CoverageRules
from vetmri.protocols.snr import Relaxation
from vetmri.protocols.species import (
    Species,
    SpeciesCatalog,
    load_species_catalog,
    normalise_species_name,
)
from vetmri.protocols.templates import SeriesTemplate, read_templates
from vetmri.resources import data_folder
from vetmri.scanner.profile import ANATOMY
from vetmri.tissues import TissueLibrary, load_tissue_library
from vetmri.tomlfields import REQUIRED, TomlTable, read_toml_file

__all__ = [
    "Budget",
    "GeometryRules",
    "ProtocolLibrary",
    "Region",
    "SizeBox",
    "SpeciesProtocol",
    "load_library",
]

_HINT = "correct the species protocol file (see docs/protocols.md)"
SKULL_TYPES = ("brachycephalic", "mesaticephalic", "dolichocephalic")


@dataclass(frozen=True)
class SizeBox:
    """Extents of a body part, metres: left-right, dorso-ventral, cranio-caudal."""

    lr_m: float
    dv_m: float
    cc_m: float

    def scaled(self, lr: float, dv: float, cc: float) -> "SizeBox":
        return SizeBox(self.lr_m * lr, self.dv_m * dv, self.cc_m * cc)


@dataclass(frozen=True)
class Region:
    """A body region of one species, with sizes of the reference animal.

    Every size scales with ``(weight / reference_kg) ** size_exponent``; pixel size and
    slice thickness with ``(weight / reference_kg) ** resolution_exponent``.
    """

    name: str
    label: str
    coil_anatomy: str
    main_tissue: str
    skull_dependent: bool
    reference_kg: float
    size_exponent: float
    fit_width_m: float
    bore_width_m: float
    bore_exponent: float
    fov: SizeBox
    cover: SizeBox
    pixel_m: float
    slice_m: float
    resolution_exponent: float
    series: tuple[str, ...]
    body: BodyExtent
    body_exponent: float


@dataclass(frozen=True)
class Budget:
    """Anaesthesia time budget and the largest number of averages."""

    max_series_s: float
    max_exam_s: float
    max_averages: int


@dataclass(frozen=True)
class GeometryRules:
    """How FOV, matrix and slices are rounded (``planning.toml [geometry]``)."""

    slice_gap_fraction: float
    fov_step_m: float
    matrix_step: int
    min_matrix: int
    max_matrix: int
    min_slice_m: float
    min_pixel_m: float
    coverage: CoverageRules


@dataclass(frozen=True)
class SpeciesProtocol:
    """One species' regions, skull types (dogs) and budget."""

    species: Species
    regions: dict[str, Region]
    skull_types: dict[str, tuple[float, float, float]]
    budget: Budget

    def region(self, text: str) -> Region:
        """The region called ``text`` (case, spaces and hyphens ignored).

        Raises
        ------
        UserInputError
            No such region for this species; the message lists its regions.
        """
        wanted = normalise_species_name(text)
        for region in self.regions.values():
            if wanted in (region.name, normalise_species_name(region.label)):
                return region
        shown = text if text.strip() else "(empty)"
        raise UserInputError(
            f"There is no region {shown!r} in the {self.species.label.lower()} protocol; "
            f"choose one of: {', '.join(self.regions)}."
        )


@dataclass(frozen=True)
class ProtocolLibrary:
    """Everything the planner reads from ``species_protocols/``."""

    catalog: SpeciesCatalog
    protocols: dict[str, SpeciesProtocol]
    templates: dict[str, SeriesTemplate]
    tissues: dict[str, Relaxation]
    breeds: dict[str, str]
    geometry: GeometryRules

    def protocol(self, species: str) -> SpeciesProtocol:
        """The protocol of a species given by name or alias (see :meth:`SpeciesCatalog.find`)."""
        return self.protocols[self.catalog.find(species).name]


def load_library(folder: Path | None = None) -> ProtocolLibrary:
    """Read and validate the protocol library (the built-in one by default, cached).

    Raises
    ------
    UserInputError
        A file is missing or wrong; the message names file, key and problem.
    """
    if folder is None:
        return _builtin()
    return _read(folder)


@lru_cache(maxsize=1)
def _builtin() -> ProtocolLibrary:
    return _read(data_folder("species_protocols"))


def _shared(folder: Path, name: str) -> TomlTable:
    return read_toml_file(folder / "shared" / name, what="species protocol", hint=_HINT)


def _read(folder: Path) -> ProtocolLibrary:
    catalog = load_species_catalog(folder)
    planning = _shared(folder, "planning.toml")
    tissues = _planning_tissues(load_tissue_library(), planning.table("relaxation"))
    templates = read_templates(_shared(folder, "series.toml"), tissues)
    budget = _read_budget(planning.table("budget"), None)
    geometry = _read_geometry(planning.table("geometry"))
    planning.reject_unknown_keys()
    breeds = _read_breeds(_shared(folder, "dog_breeds.toml"))
    protocols = {}
    for species in catalog.species:
        document = read_toml_file(folder / f"{species.name}.toml", what="species protocol", hint=_HINT)
        protocols[species.name] = _read_protocol(document, species, templates, tissues, budget)
    return ProtocolLibrary(catalog, protocols, templates, tissues, breeds, geometry)


def _planning_tissues(library: TissueLibrary, t: TomlTable) -> dict[str, Relaxation]:
    """Every tissue of the library that gives signal, as the planner's :class:`Relaxation`.

    T2* adds the dephasing a shimmed voxel of the magnet leaves
    (``[relaxation] magnet_t2prime_ms``) to the tissue's own T2 and T2'.
    """
    magnet_t2prime_s = t.number("magnet_t2prime_ms", minimum=1, maximum=1e5) * 1e-3
    t.reject_unknown_keys()
    return {
        tissue.name: Relaxation(
            t1_s=tissue.t1_s,
            t2_s=tissue.t2_s,
            t2star_s=1.0 / (1.0 / tissue.t2_s + 1.0 / tissue.t2prime_s + 1.0 / magnet_t2prime_s),
            proton_density=tissue.pd,
        )
        for tissue in library.tissues
        if tissue.pd > 0
    }


def _read_budget(t: TomlTable, default: Budget | None) -> Budget:
    def minutes(key: str, fallback: float | None) -> float:
        value = t.number(key, minimum=0.1, maximum=600, default=fallback / 60 if fallback else REQUIRED)
        return value * 60.0

    budget = Budget(
        max_series_s=minutes("max_series_min", default.max_series_s if default else None),
        max_exam_s=minutes("max_exam_min", default.max_exam_s if default else None),
        max_averages=t.integer("max_averages", minimum=1, maximum=256,
                               default=default.max_averages if default else REQUIRED),
    )
    t.reject_unknown_keys()
    return budget


def _read_geometry(t: TomlTable) -> GeometryRules:
    rules = GeometryRules(
        slice_gap_fraction=t.number("slice_gap_fraction", minimum=0, maximum=2),
        fov_step_m=t.number("fov_step_mm", minimum=0.1, maximum=50) * 1e-3,
        matrix_step=t.integer("matrix_step", minimum=2, maximum=64),
        min_matrix=t.integer("min_matrix", minimum=16, maximum=1024),
        max_matrix=t.integer("max_matrix", minimum=16, maximum=1024),
        min_slice_m=t.number("min_slice_mm", minimum=0.1, maximum=20) * 1e-3,
        min_pixel_m=t.number("min_pixel_mm", minimum=0.05, maximum=5) * 1e-3,
        coverage=CoverageRules(
            max_wrapped_fraction=t.number("max_wrapped_fraction", minimum=0, maximum=0.5),
            margin_fraction=t.number("anatomy_margin_fraction", minimum=0, maximum=1),
            allow_phase_swap=t.boolean("allow_phase_swap", default=False),
        ),
    )
    if rules.matrix_step % 2 or rules.min_matrix > rules.max_matrix:
        raise t.error("matrix_step", "must be even, and min_matrix must not exceed max_matrix")
    t.reject_unknown_keys()
    return rules


def _read_breeds(document: TomlTable) -> dict[str, str]:
    table = document.table("breeds")
    breeds = {}
    for breed in list(table.keys()):
        breeds[normalise_species_name(breed)] = table.string(breed, choices=SKULL_TYPES)
    document.reject_unknown_keys()
    return breeds


def _box(t: TomlTable, key: str) -> SizeBox:
    box = t.table(key)
    size = SizeBox(*(box.number(k, minimum=0.1, maximum=2000) * 1e-3 for k in ("lr", "dv", "cc")))
    box.reject_unknown_keys()
    return size


def _body(t: TomlTable, fit_width_m: float) -> BodyExtent:
    """``body_mm = {lr = [low, high], ...}``: where tissue lies around the image centre; an
    axis left out continues beyond the coil (cc) or is the fit width across (lr, dv)."""
    default = BodyExtent.round_section(fit_width_m)
    if "body_mm" not in t:
        return default
    box = t.table("body_mm")
    spans: list[tuple[float, float] | None] = []
    for axis in AXES:
        if axis not in box:
            spans.append(default.along(axis))
            continue
        low, high = box.number_list(axis, length=2)
        if not -2000 <= low < 0 < high <= 2000:
            raise box.error(axis, f"must be [low, high] in mm with low < 0 < high (the image centre lies "
                            f"inside the body), not [{low:g}, {high:g}]")
        spans.append((low * 1e-3, high * 1e-3))
    box.reject_unknown_keys()
    return BodyExtent(*spans)


def _read_protocol(document: TomlTable, species: Species, templates: dict[str, SeriesTemplate],
                   tissues: dict[str, Relaxation], default_budget: Budget) -> SpeciesProtocol:
    document.table("species")  # read and validated by vetmri.protocols.species
    budget = _read_budget(document.table("budget", required=False), default_budget)
    regions = {name: _read_region(name, t, templates, tissues)
               for name, t in document.named_tables("regions").items()}
    if not regions:
        raise document.error("regions", "must list at least one region ([regions.<name>])")
    skulls: dict[str, tuple[float, float, float]] = {}
    for name, t in document.named_tables("skull_types").items():
        if name not in SKULL_TYPES:
            raise document.error(f"skull_types.{name}", f"is not one of {', '.join(SKULL_TYPES)}")
        skulls[name] = tuple(t.number(k, minimum=0.3, maximum=3) for k in ("lr", "dv", "cc"))  # type: ignore[assignment]
        t.reject_unknown_keys()
    document.reject_unknown_keys()
    return SpeciesProtocol(species, regions, skulls, budget)


def _read_region(name: str, t: TomlTable, templates: dict[str, SeriesTemplate],
                 tissues: dict[str, Relaxation]) -> Region:
    if normalise_species_name(name) != name:
        raise t.error("", "must be named in lower case with underscores (like thoracolumbar_spine)")
    series = t.string_list("series")
    for index, key in enumerate(series):
        if key not in templates:
            raise t.error(f"series[{index}]", f"names {key!r}, which is not a template in shared/series.toml "
                          f"(templates: {', '.join(templates)})")
    if not series or templates[series[0]].sequence != "localizer":
        raise t.error("series", "must start with a localizer")
    fit_width = t.number("fit_width_mm", minimum=1, maximum=2000) * 1e-3
    exponent = read_exponent(t, "size_exponent")
    bore = t.table("bore_width", required=False)
    region = Region(
        name=name,
        label=t.string("label"),
        coil_anatomy=t.string("coil_anatomy", choices=ANATOMY),
        main_tissue=t.string("main_tissue", choices=tuple(tissues)),
        skull_dependent=t.boolean("skull_dependent", default=False),
        reference_kg=t.number("reference_kg", minimum=0, exclusive_minimum=True, maximum=1000),
        size_exponent=exponent,
        fit_width_m=fit_width,
        bore_width_m=bore.number("reference_mm", minimum=1, maximum=5000, default=fit_width * 1e3) * 1e-3,
        bore_exponent=read_exponent(bore, "exponent", default=exponent),
        fov=_box(t, "fov_mm"),
        cover=_box(t, "cover_mm"),
        pixel_m=t.number("pixel_mm", minimum=0.05, maximum=10) * 1e-3,
        slice_m=t.number("slice_mm", minimum=0.1, maximum=20) * 1e-3,
        resolution_exponent=t.number("resolution_exponent", minimum=0, maximum=1),
        series=series,
        body=_body(t, fit_width),
        body_exponent=read_exponent(t, "body_exponent", default=exponent),
    )
    bore.reject_unknown_keys()
    t.reject_unknown_keys()
    return region
