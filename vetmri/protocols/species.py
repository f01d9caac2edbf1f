"""The species the workstation plans for: names, plausible weights and size classes.

Each file ``species_protocols/<name>.toml`` starts with a ``[species]`` table (label,
scientific name, aliases, ``weight_range_kg`` and contiguous ``[[species.size_classes]]``).
This module reads only that table, so the pet records can check a weight without loading
any protocol; the exam planner reads the rest of the file.

Examples
--------
>>> catalog = load_species_catalog()
>>> catalog.size_class("cat", 4.0).name
'medium'
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from vetmri.errors import UserInputError
from vetmri.resources import data_folder
from vetmri.tomlfields import TomlTable, read_toml_file

__all__ = [
    "SizeClass",
    "Species",
    "SpeciesCatalog",
    "load_species_catalog",
    "normalise_species_name",
    "parse_weight_kg",
]

_HINT = "correct the species protocol file (see docs/protocols.md)"


@dataclass(frozen=True)
class SizeClass:
    """A body-weight band of one species, ``min_kg <= weight < max_kg``."""

    name: str
    min_kg: float
    max_kg: float


@dataclass(frozen=True)
class Species:
    """One species: its protocol file name, how people call it, and what it weighs.

    Attributes
    ----------
    name : str
        The identifier used on the command line and in records (``"guinea_pig"``).
    label : str
        The name shown to staff (``"Guinea pig"``).
    scientific_name : str
        Latin name of the species or taxon.
    aliases : tuple of str
        Other accepted names (``"canine"``, ``"cavy"``).
    weight_range_kg : tuple of float
        The plausible body weights (min, max); outside it a weight is a typing error.
    size_classes : tuple of SizeClass
        Contiguous weight bands from the lightest to the heaviest.
    """

    name: str
    label: str
    scientific_name: str
    aliases: tuple[str, ...]
    weight_range_kg: tuple[float, float]
    size_classes: tuple[SizeClass, ...]

    def size_class_for(self, weight_kg: float) -> SizeClass:
        """The size class of a plausible weight (a boundary goes to the larger class).

        Raises
        ------
        UserInputError
            The weight is not a positive number within :attr:`weight_range_kg`.
        """
        self.check_weight(weight_kg)
        for size_class in self.size_classes[:-1]:
            if weight_kg < size_class.max_kg:
                return size_class
        return self.size_classes[-1]

    def check_weight(self, weight_kg: float) -> None:
        """Refuse a weight that cannot be this species' (zero, negative, not finite, implausible).

        Raises
        ------
        UserInputError
            With one sentence naming the weight, the plausible range and what to check.
        """
        if isinstance(weight_kg, bool) or not isinstance(weight_kg, (int, float)):
            raise UserInputError(f"The weight must be a number of kilograms, not {weight_kg!r}.")
        if not math.isfinite(weight_kg) or weight_kg <= 0:
            raise UserInputError(
                f"The weight must be a positive number of kilograms, not {weight_kg:g}."
            )
        low, high = self.weight_range_kg
        if not low <= weight_kg <= high:
            raise UserInputError(
                f"A weight of {weight_kg:g} kg is not plausible for a {self.label.lower()} "
                f"({low:g} to {high:g} kg); check the number and that it is in kilograms."
            )


@dataclass(frozen=True)
class SpeciesCatalog:
    """All species with a protocol file, looked up by name or alias."""

    species: tuple[Species, ...]

    @property
    def names(self) -> tuple[str, ...]:
        """The species identifiers, sorted."""
        return tuple(sorted(s.name for s in self.species))

    def find(self, text: str) -> Species:
        """The species called ``text`` (its name, label or an alias; case and accents ignored).

        Raises
        ------
        UserInputError
            No species is called that; the message lists the known ones.
        """
        wanted = normalise_species_name(text)
        for species in self.species:
            spellings = (species.name, species.label, *species.aliases)
            if wanted in {normalise_species_name(s) for s in spellings}:
                return species
        shown = text if text.strip() else "(empty)"
        raise UserInputError(
            f"There is no protocol for the species {shown!r}; "
            f"choose one of: {', '.join(self.names)}."
        )

    def size_class(self, species: str, weight_kg: float) -> SizeClass:
        """The size class of a pet, after checking that its weight is plausible."""
        return self.find(species).size_class_for(weight_kg)


def normalise_species_name(text: str) -> str:
    """Lower case, accents dropped, spaces and hyphens as underscores (``"Guinea-Pig"`` ->
    ``"guinea_pig"``)."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "_".join(plain.lower().replace("-", " ").split())


def parse_weight_kg(text: str) -> float:
    """A weight typed by a person, in kilograms (``"4.2"``, ``"4,2"``).

    Raises
    ------
    UserInputError
        Not a positive finite number.
    """
    cleaned = text.strip().lower().removesuffix("kg").strip().replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        raise UserInputError(
            f"The weight {text!r} is not a number; give it in kilograms, like 4.2."
        ) from None
    if not math.isfinite(value) or value <= 0:
        raise UserInputError(f"The weight must be a positive number of kilograms, not {text!r}.")
    return value


def load_species_catalog(folder: Path | None = None) -> SpeciesCatalog:
    """Read the ``[species]`` table of every ``*.toml`` file in the species protocol folder.

    Parameters
    ----------
    folder : Path, optional
        The folder to read; the built-in ``species_protocols`` when omitted (cached).

    Raises
    ------
    UserInputError
        A file is unreadable or its species table is wrong; the message names file and key.
    """
    if folder is None:
        return _builtin_catalog()
    return _read_catalog(folder)


@lru_cache(maxsize=1)
def _builtin_catalog() -> SpeciesCatalog:
    return _read_catalog(data_folder("species_protocols"))


def _read_catalog(folder: Path) -> SpeciesCatalog:
    files = sorted(folder.glob("*.toml"))
    if not files:
        raise UserInputError(
            f"The species protocol folder {folder} holds no .toml files; "
            "reinstall vetmri or point it at a folder of species protocols."
        )
    species = tuple(_read_species(path) for path in files)
    _check_unique_spellings(species)
    return SpeciesCatalog(species)


def _read_species(path: Path) -> Species:
    document = read_toml_file(path, what="species protocol", hint=_HINT)
    table = document.table("species")
    name = path.stem
    if normalise_species_name(name) != name:
        raise UserInputError(
            f"The species protocol file name {path.name} must be lower case with underscores "
            f"(like guinea_pig.toml); rename it to {normalise_species_name(name)}.toml."
        )
    label = table.string("label")
    scientific_name = table.string("scientific_name")
    aliases = table.string_list("aliases", default=[])
    low, high = table.number_list("weight_range_kg", length=2)
    if not 0 < low < high:
        raise table.error("weight_range_kg", "must be [minimum, maximum] with 0 < minimum < maximum")
    size_classes = tuple(_read_size_class(t) for t in table.table_array("size_classes"))
    _check_contiguous(table, size_classes, (low, high))
    table.reject_unknown_keys()
    return Species(name, label, scientific_name, aliases, (low, high), size_classes)


def _read_size_class(table: TomlTable) -> SizeClass:
    size_class = SizeClass(
        name=table.string("name"),
        min_kg=table.number("min_kg", minimum=0.0, exclusive_minimum=True),
        max_kg=table.number("max_kg", minimum=0.0, exclusive_minimum=True),
    )
    if size_class.max_kg <= size_class.min_kg:
        raise table.error("max_kg", f"must be above min_kg ({size_class.min_kg:g})")
    table.reject_unknown_keys()
    return size_class


def _check_contiguous(
    table: TomlTable, size_classes: tuple[SizeClass, ...], weight_range_kg: tuple[float, float]
) -> None:
    if not size_classes:
        raise table.error("size_classes", "must list at least one size class")
    names = [c.name for c in size_classes]
    if len(set(names)) != len(names):
        raise table.error("size_classes", "must not repeat a size class name")
    if size_classes[0].min_kg != weight_range_kg[0] or size_classes[-1].max_kg != weight_range_kg[1]:
        raise table.error(
            "size_classes",
            f"must cover weight_range_kg exactly (from {weight_range_kg[0]:g} to "
            f"{weight_range_kg[1]:g} kg)",
        )
    for lighter, heavier in zip(size_classes, size_classes[1:]):
        if lighter.max_kg != heavier.min_kg:
            raise table.error(
                "size_classes",
                f"must be contiguous, lightest first: '{lighter.name}' ends at "
                f"{lighter.max_kg:g} kg but '{heavier.name}' starts at {heavier.min_kg:g} kg",
            )


def _check_unique_spellings(species: tuple[Species, ...]) -> None:
    seen: dict[str, str] = {}
    for s in species:
        for spelling in {normalise_species_name(x) for x in (s.name, s.label, *s.aliases)}:
            if spelling in seen and seen[spelling] != s.name:
                raise UserInputError(
                    f"The species name or alias {spelling!r} is used by both {seen[spelling]} "
                    f"and {s.name}; give each species its own aliases."
                )
            seen[spelling] = s.name
