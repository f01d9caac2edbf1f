"""Does the animal fit? Body-part widths from allometry, against the bore and the coils.

A body part's width is the reference animal's width times ``(weight / reference_kg) **
exponent`` (geometric similarity, exponent 1/3, for trunk and limbs; 0.25 for heads, which
grow less than the body; see the species files). The bore must take ``bore_width`` and a
coil made for the region's anatomy must take ``fit_width`` (``ScannerProfile.coils_for``).
"""

from __future__ import annotations

from vetmri.errors import UserInputError
from vetmri.protocols.library import Region, SpeciesProtocol
from vetmri.scanner.profile import Coil, ScannerProfile

__all__ = ["body_widths_m", "choose_coil", "size_factor"]


def size_factor(region: Region, weight_kg: float, exponent: float | None = None) -> float:
    """How much larger than the reference animal's this animal's region is."""
    return (weight_kg / region.reference_kg) ** (region.size_exponent if exponent is None else exponent)


def body_widths_m(region: Region, weight_kg: float) -> tuple[float, float]:
    """(width that must enter the coil, width that must enter the bore), metres."""
    return (region.fit_width_m * size_factor(region, weight_kg),
            region.bore_width_m * size_factor(region, weight_kg, region.bore_exponent))


def _refusal(region: Region, weight_kg: float, profile: ScannerProfile, label: str) -> str | None:
    fit, bore = body_widths_m(region, weight_kg)
    limit = profile.bore.max_subject_diameter_m
    if bore > limit:
        return (f"a {weight_kg:.3g} kg {label} is about {bore * 1e3:.0f} mm across where the "
                f"{region.label.lower()} must enter the bore, which takes at most {limit * 1e3:.0f} mm")
    if not profile.coils_for(region.coil_anatomy, fit):
        made_for = [c for c in profile.coils if region.coil_anatomy in c.anatomy]
        low = min(c.min_subject_m for c in made_for) if made_for else 0.0
        high = max(c.max_subject_m for c in made_for) if made_for else 0.0
        return (f"the {region.label.lower()} of a {weight_kg:.3g} kg {label} is about {fit * 1e3:.0f} mm "
                f"across and the {region.coil_anatomy} coils take {low * 1e3:.0f} to {high * 1e3:.0f} mm")
    return None


def choose_coil(protocol: SpeciesProtocol, region: Region, weight_kg: float,
                profile: ScannerProfile) -> Coil:
    """The tightest coil that takes the region (best filling, so best SNR).

    Raises
    ------
    UserInputError
        The animal does not fit the bore or any coil for the region; the message gives the
        reason and the regions of this species that would fit, when there are any.
    """
    label = protocol.species.label.lower()
    reason = _refusal(region, weight_kg, profile, label)
    if reason is None:
        fit, _ = body_widths_m(region, weight_kg)
        return profile.coils_for(region.coil_anatomy, fit)[0]
    others = [r.name for r in protocol.regions.values()
              if r.name != region.name and _refusal(r, weight_kg, profile, label) is None]
    alternative = (f"the {', '.join(others)} can be scanned instead" if others
                   else "no region of this species can be scanned at this weight on this scanner")
    raise UserInputError(f"This exam does not fit the scanner: {reason}; {alternative}.")
