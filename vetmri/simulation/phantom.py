"""Phantom files: shapes of tissue in the scanner frame, scaled to the animal.

A phantom file (TOML, ``docs/phantoms.md``) lists ellipsoids, cylinders and boxes in
millimetres, for a reference body weight. Later shapes replace earlier ones where they
overlap (painter's order). :func:`load_phantom` reads and validates one;
:func:`scale_phantom` adapts it to a patient's weight (and skull-type variant) and drops
or keeps the lesion shapes.

The scanner frame (metres in the dataclasses): x = the animal's right to left, y = ventral
to dorsal, z = caudal to cranial (the bore axis, head first), origin at the isocentre.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from vetmri.errors import UserInputError
from vetmri.protocols.allometry import read_exponent
from vetmri.resources import data_folder
from vetmri.simulation.texture import PATTERN_KINDS, Pattern, TextureSettings
from vetmri.tissues import Tissue, TissueLibrary, load_tissue_library, read_tissue_values
from vetmri.tomlfields import TomlTable, read_toml_file

__all__ = [
    "SHAPE_KINDS",
    "Phantom",
    "PhantomVariant",
    "Shape",
    "list_phantoms",
    "load_phantom",
    "phantom_path",
    "scale_phantom",
]

SHAPE_KINDS: tuple[str, ...] = ("ellipsoid", "cylinder", "box")
_HINT = "correct the phantom file (see docs/phantoms.md)"


@dataclass(frozen=True)
class Shape:
    """One solid of tissue.

    Attributes
    ----------
    name : str
        Label for people ("left eye").
    kind : {"ellipsoid", "cylinder", "box"}
        Ellipsoid: semi-axes; cylinder: radii along local x, y and half its length along
        local z; box: half its edge lengths.
    centre_m : ndarray of shape (3,)
        Centre in the scanner frame, metres.
    semi_axes_m : ndarray of shape (3,)
        Half-extents along the local axes, metres.
    rotation : ndarray of shape (3, 3)
        Columns are the local axes in the scanner frame (local -> scanner).
    tissue : Tissue
        What the shape is made of.
    lesion : bool
        Part of an optional lesion (drawn only when lesions are asked for).
    pattern : Pattern or None
        Procedural detail carved into the shape (drawn only on a textured phantom).
    """

    name: str
    kind: str
    centre_m: np.ndarray
    semi_axes_m: np.ndarray
    rotation: np.ndarray
    tissue: Tissue
    lesion: bool = False
    pattern: Pattern | None = None

    def to_local(self, points_m: np.ndarray) -> np.ndarray:
        """Scanner-frame points (..., 3) -> coordinates in units of the semi-axes (..., 3)."""
        return ((points_m - self.centre_m) @ self.rotation) / self.semi_axes_m

    def bounding_box_m(self) -> tuple[np.ndarray, np.ndarray]:
        """Axis-aligned (lower, upper) corners in the scanner frame, metres."""
        half = np.abs(self.rotation) @ self.semi_axes_m
        return self.centre_m - half, self.centre_m + half


@dataclass(frozen=True)
class PhantomVariant:
    """A named anisotropic stretch, e.g. a brachycephalic skull."""

    name: str
    scale_xyz: tuple[float, float, float]
    description: str


@dataclass(frozen=True)
class Phantom:
    """A phantom as read from its file, or scaled to a patient.

    Attributes
    ----------
    reference_weight_kg : float
        Body weight the shapes were drawn for.
    scale_exponent : float
        Linear size ~ (weight / reference_weight_kg) ** scale_exponent.
    weight_range_kg : tuple of float
        Weights the phantom may be scaled to.
    scale_factor : float
        Linear factor already applied (1 for the file as written).
    texture : TextureSettings or None
        The file's ``[texture]`` table (heterogeneity and the seed of its patterns).
    textured : bool
        Patterns and heterogeneity switched on (:func:`scale_phantom` ``texture=True``);
        off, the phantom is piecewise constant as its shapes are written.
    """

    name: str
    description: str
    species: tuple[str, ...]
    region: str
    reference_weight_kg: float
    scale_exponent: float
    scale_source: str
    weight_range_kg: tuple[float, float]
    variants: tuple[PhantomVariant, ...]
    shapes: tuple[Shape, ...]
    path: Path | None = None
    scale_factor: float = 1.0
    weight_kg: float | None = None
    variant: str | None = None
    texture: TextureSettings | None = None
    textured: bool = False

    def tissues(self) -> tuple[Tissue, ...]:
        """Distinct tissues of the shapes (and, textured, of their patterns), in order of first use."""
        seen: dict[str, Tissue] = {}
        for shape in self.shapes:
            seen.setdefault(shape.tissue.name, shape.tissue)
            if self.textured and shape.pattern is not None:
                seen.setdefault(shape.pattern.tissue.name, shape.pattern.tissue)
        return tuple(seen.values())

    @property
    def heterogeneity(self) -> float:
        """Relative std of PD and T1/T2 within a tissue that applies (0 unless textured)."""
        return self.texture.heterogeneity if (self.textured and self.texture is not None) else 0.0

    def lesions(self) -> tuple[Shape, ...]:
        """The lesion shapes present (ground truth: centre, semi-axes, tissue)."""
        return tuple(s for s in self.shapes if s.lesion)

    def extent_m(self) -> tuple[np.ndarray, np.ndarray]:
        """Axis-aligned bounding box of all shapes (lower, upper), metres."""
        boxes = [s.bounding_box_m() for s in self.shapes]
        return np.min([b[0] for b in boxes], axis=0), np.max([b[1] for b in boxes], axis=0)


def _rotation_matrix(angles_deg: tuple[float, ...]) -> np.ndarray:
    ax, ay, az = (math.radians(a) for a in angles_deg)
    rx = np.array([[1, 0, 0], [0, math.cos(ax), -math.sin(ax)], [0, math.sin(ax), math.cos(ax)]])
    ry = np.array([[math.cos(ay), 0, math.sin(ay)], [0, 1, 0], [-math.sin(ay), 0, math.cos(ay)]])
    rz = np.array([[math.cos(az), -math.sin(az), 0], [math.sin(az), math.cos(az), 0], [0, 0, 1]])
    return rz @ ry @ rx


def _positive_triplet(t: TomlTable, key: str) -> np.ndarray:
    values = t.number_list(key, length=3)
    if min(values) <= 0:
        raise t.error(key, f"must hold three positive sizes in mm, not {list(values)}")
    return np.array(values) * 1e-3


def _library_tissue(t: TomlTable, library: TissueLibrary) -> Tissue:
    tissue_name = t.string("tissue")
    try:
        return library.get(tissue_name)
    except KeyError:
        raise t.error(
            "tissue", f"names {tissue_name!r}, which is not in the tissue library ({', '.join(library.names())})"
        ) from None


def _parse_pattern(t: TomlTable, library: TissueLibrary, seed: int, index: int) -> Pattern:
    kind = t.string("kind", choices=PATTERN_KINDS)
    tissue = _library_tissue(t, library)
    wavelength = t.number("wavelength_mm", minimum=0.2, maximum=100.0) * 1e-3
    fraction = t.number("fraction", minimum=0.0, exclusive_minimum=True, maximum=0.6)
    depth = t.number("depth_mm", default=None, minimum=0.0, exclusive_minimum=True) if "depth_mm" in t else None
    t.reject_unknown_keys()
    return Pattern(kind, tissue, wavelength, fraction, None if depth is None else depth * 1e-3,
                   seed=int(np.random.SeedSequence([seed, 100 + index]).generate_state(1)[0]))


def _parse_texture(top: TomlTable) -> TextureSettings | None:
    if "texture" not in top:
        return None
    t = top.table("texture")
    settings = TextureSettings(
        seed=int(t.integer("seed", default=0)),
        heterogeneity=t.number("heterogeneity", default=0.0, minimum=0.0, maximum=0.2),
        correlation_m=t.number("correlation_mm", default=2.0, minimum=0.2, maximum=100.0) * 1e-3,
    )
    t.reject_unknown_keys()
    return settings


def _parse_shape(t: TomlTable, index: int, library: TissueLibrary, seed: int = 0) -> Shape:
    kind = t.string("type", choices=SHAPE_KINDS)
    name = t.string("name", default=f"shape {index + 1}")
    centre = np.array(t.number_list("centre_mm", length=3)) * 1e-3
    if kind == "ellipsoid":
        semi = _positive_triplet(t, "semi_axes_mm")
    elif kind == "box":
        semi = _positive_triplet(t, "size_mm") / 2
    else:
        radius = t.number("radius_mm", default=None, minimum=0.0, exclusive_minimum=True)
        radii = t.number_list("radii_mm", length=2, default=None) if "radii_mm" in t else None
        if (radius is None) == (radii is None):
            raise t.error("radius_mm", "or 'radii_mm' (one of the two) must give the cylinder's radius")
        if radii is not None and min(radii) <= 0:
            raise t.error("radii_mm", f"must hold two positive radii in mm, not {list(radii)}")
        length = t.number("length_mm", minimum=0.0, exclusive_minimum=True)
        rx, ry = (radius, radius) if radii is None else radii
        semi = np.array([rx, ry, length / 2]) * 1e-3
    rotation = _rotation_matrix(t.number_list("rotation_deg", length=3, default=[0.0, 0.0, 0.0]))
    has_tissue, has_props = "tissue" in t, "properties" in t
    if has_tissue == has_props:
        raise t.error("tissue", "or a [properties] table (exactly one of the two) must say what the shape is made of")
    if has_tissue:
        tissue = _library_tissue(t, library)
    else:
        props = t.table("properties")
        tissue = read_tissue_values(props, f"{name}:custom")
        props.reject_unknown_keys()
    lesion = t.boolean("lesion", default=False)
    pattern = _parse_pattern(t.table("pattern"), library, seed, index) if "pattern" in t else None
    t.reject_unknown_keys()
    return Shape(name, kind, centre, semi, rotation, tissue, lesion, pattern)


def _parse(top: TomlTable, path: Path | None, library: TissueLibrary) -> Phantom:
    head = top.table("phantom")
    name = head.string("name")
    ref = head.number("reference_weight_kg", minimum=0.0, exclusive_minimum=True, maximum=2000.0)
    low, high = head.number_list("weight_range_kg", length=2, default=[ref, ref])
    if not (0 < low <= ref <= high):
        raise head.error("weight_range_kg", f"must be [low, high] around reference_weight_kg {ref:g}")
    phantom_meta = dict(
        name=name,
        description=head.string("description"),
        species=head.string_list("species"),
        region=head.string("region"),
        reference_weight_kg=ref,
        scale_exponent=read_exponent(head, "scale_exponent", default=0.0),
        scale_source=head.string("scale_source", default="", allow_empty=True),
        weight_range_kg=(low, high),
    )
    head.reject_unknown_keys()
    variants = []
    for vname, vt in top.named_tables("variants").items():
        scale = vt.number_list("scale", length=3)
        if min(scale) <= 0.2 or max(scale) > 5:
            raise vt.error("scale", f"must hold three factors between 0.2 and 5, not {list(scale)}")
        variants.append(PhantomVariant(vname, tuple(scale), vt.string("description", default="", allow_empty=True)))
        vt.reject_unknown_keys()
    texture = _parse_texture(top)
    seed = texture.seed if texture is not None else 0
    shapes = tuple(_parse_shape(t, i, library, seed) for i, t in enumerate(top.table_array("shapes")))
    if not shapes:
        raise top.error("shapes", "must list at least one shape ([[shapes]])")
    top.reject_unknown_keys()
    return Phantom(**phantom_meta, variants=tuple(variants), shapes=shapes, path=path, texture=texture)


def list_phantoms() -> tuple[str, ...]:
    """Names of the shipped phantoms (file names without ``.toml``)."""
    folder = data_folder("phantoms")
    return tuple(sorted(p.stem for p in folder.glob("*.toml") if p.stem != "tissues"))


def phantom_path(name_or_path: str | Path) -> Path:
    """The file of a shipped phantom name, or the given path of a phantom file.

    Raises
    ------
    UserInputError
        Neither a shipped phantom nor an existing file.
    """
    text = str(name_or_path)
    if text.endswith(".toml") or "/" in text:
        return Path(text)
    path = data_folder("phantoms") / f"{text}.toml"
    if text == "tissues" or not path.is_file():
        raise UserInputError(
            f"There is no phantom called {text!r}; choose one of {', '.join(list_phantoms())} "
            "or give the path of a phantom .toml file."
        )
    return path


def load_phantom(name_or_path: str | Path, *, library: TissueLibrary | None = None) -> Phantom:
    """Read and validate a phantom file (a shipped name such as ``"dog_brain"`` or a path).

    Raises
    ------
    UserInputError
        Unknown name, missing file or a wrong entry; the message names file and key.
    """
    path = phantom_path(name_or_path)
    top = read_toml_file(path, what="phantom file", hint=_HINT)
    return _parse(top, path, library or load_tissue_library())


def load_phantom_text(text: str, *, source: str = "phantom text", library: TissueLibrary | None = None) -> Phantom:
    """Like :func:`load_phantom` for TOML text (tests, the scanner link)."""
    top = TomlTable.from_text(text, source=source, hint=_HINT)
    return _parse(top, None, library or load_tissue_library())


def scale_phantom(
    phantom: Phantom,
    *,
    weight_kg: float | None = None,
    variant: str | None = None,
    lesions: bool = False,
    texture: bool = False,
) -> Phantom:
    """The phantom sized for a patient.

    Positions and sizes scale by ``(weight_kg / reference_weight_kg) ** scale_exponent``
    about the isocentre, then by the variant's per-axis factors. Lesion shapes are kept only
    when ``lesions`` is true. ``texture`` switches on the file's procedural detail (the
    shapes' patterns and the ``[texture]`` heterogeneity, :mod:`~vetmri.simulation.texture`);
    off, the phantom stays piecewise constant (what the signal-equation tests compare with).

    Raises
    ------
    UserInputError
        Weight outside the phantom's range, or an unknown variant.
    """
    factor = 1.0
    if weight_kg is not None:
        low, high = phantom.weight_range_kg
        if not (low <= weight_kg <= high):
            raise UserInputError(
                f"The {phantom.name} phantom is made for {low:g} to {high:g} kg, not {weight_kg:g} kg; "
                "give a weight in that range or choose another phantom."
            )
        factor = (weight_kg / phantom.reference_weight_kg) ** phantom.scale_exponent
    stretch = np.ones(3)
    if variant is not None:
        match = [v for v in phantom.variants if v.name == variant]
        if not match:
            known = ", ".join(v.name for v in phantom.variants) or "none"
            raise UserInputError(
                f"The {phantom.name} phantom has no variant {variant!r}; its variants are {known}."
            )
        stretch = np.array(match[0].scale_xyz)
    total = factor * stretch
    shapes = tuple(
        replace(
            s,
            centre_m=s.centre_m * total,
            # the stretch of a rotated shape, measured along each of its own axes
            semi_axes_m=s.semi_axes_m * np.linalg.norm(total[:, None] * s.rotation, axis=0),
        )
        for s in phantom.shapes
        if lesions or not s.lesion
    )
    return replace(
        phantom, shapes=shapes, scale_factor=factor, weight_kg=weight_kg, variant=variant, textured=texture
    )
