"""Which numerical phantom the simulated scanner images for a species and body region."""

from __future__ import annotations

from pathlib import Path

from vetmri.errors import UserInputError
from vetmri.simulation.phantom import Phantom, list_phantoms, load_phantom, scale_phantom

__all__ = ["PHANTOM_FOR_REGION", "phantom_for_exam"]

#: (species, region) -> shipped phantom. Head regions use the head phantom of the species;
#: both spine regions use the thoracolumbar spine phantom.
PHANTOM_FOR_REGION: dict[tuple[str, str], str] = {
    ("dog", "brain"): "dog_brain",
    ("dog", "nasal_cavity"): "dog_brain",
    ("dog", "cervical_spine"): "dog_spine",
    ("dog", "thoracolumbar_spine"): "dog_spine",
    ("dog", "stifle"): "dog_stifle",
    ("cat", "brain"): "cat_brain",
    ("cat", "nasal_cavity"): "cat_brain",
    ("cat", "cervical_spine"): "cat_spine",
    ("cat", "thoracolumbar_spine"): "cat_spine",
    ("rabbit", "brain"): "rabbit_brain",
    ("rabbit", "nasal_cavity"): "rabbit_brain",
}

_VARIANT_OF_SKULL = {"brachycephalic": "brachycephalic", "dolichocephalic": "dolichocephalic"}


def phantom_for_exam(species: str, region: str, weight_kg: float, *, skull: str | None = None,
                     phantom: str | Path | None = None, lesions: bool = False,
                     texture: bool = True) -> Phantom:
    """The phantom of a patient, scaled to its weight (and skull type).

    Parameters
    ----------
    species, region : str
        Canonical names from the exam plan (``plan.species``, ``plan.region``).
    weight_kg : float
    skull : str, optional
        Dogs' skull type; brachycephalic and dolichocephalic pick the phantom's variant.
    phantom : str or Path, optional
        A shipped phantom name or a phantom file to use instead of the mapping (it is
        scaled to the weight when its weight range allows, else used as drawn).
    lesions : bool
        Draw the optional lesions.
    texture : bool
        The procedural detail of a realistic phantom (folds, septa, trabeculae and a few
        per cent of PD and T1/T2 heterogeneity; the default). False gives the piecewise
        constant phantom the signal-equation tests compare with.

    Raises
    ------
    UserInputError
        No phantom exists for this species and region (naming those that do), or the file
        is bad.
    """
    if phantom is not None:
        loaded = load_phantom(phantom)
        low, high = loaded.weight_range_kg
        weight = weight_kg if low <= weight_kg <= high and low < high else None
        return scale_phantom(loaded, weight_kg=weight, lesions=lesions, texture=texture)
    name = PHANTOM_FOR_REGION.get((species, region))
    if name is None:
        known = ", ".join(f"{s} {r.replace('_', ' ')}" for s, r in PHANTOM_FOR_REGION)
        raise UserInputError(
            f"There is no phantom of a {species} {region.replace('_', ' ')}; the simulator has phantoms for "
            f"{known} ({', '.join(list_phantoms())}); give one with --phantom NAME or --phantom FILE.toml."
        )
    loaded = load_phantom(name)
    variant = _VARIANT_OF_SKULL.get(skull or "")
    if variant is not None and variant not in {v.name for v in loaded.variants}:
        variant = None
    return scale_phantom(loaded, weight_kg=weight_kg, variant=variant, lesions=lesions, texture=texture)
