"""Checks of every field a person types, each failing with one sentence that says what to do.

Every function returns the cleaned value (spaces trimmed, case fixed) or raises
:class:`~vetmri.errors.UserInputError`.
"""

from __future__ import annotations

import re
from datetime import date

from vetmri.errors import UserInputError
from vetmri.protocols.species import Species, load_species_catalog
from vetmri.records.models import SEXES

__all__ = [
    "MAX_TEXT",
    "clean_alerts",
    "clean_email",
    "clean_microchip",
    "clean_name",
    "clean_phone",
    "clean_sex",
    "clean_species",
    "clean_text",
    "check_weight",
    "parse_day",
]

MAX_TEXT = 200
_NAME_MAX = 64
_PHONE_CHARS = re.compile(r"^[0-9+\-()./ ]+$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
EARLIEST_DAY = date(1900, 1, 1)


def clean_text(text: str | None, what: str, *, max_length: int = MAX_TEXT, multiline: bool = False) -> str:
    """Optional free text: trimmed, at most ``max_length`` characters, no control characters."""
    if text is None:
        return ""
    if not isinstance(text, str):
        raise UserInputError(f"The {what} must be text, not {text!r}.")
    cleaned = text.strip()
    check = cleaned.replace("\n", " ") if multiline else cleaned
    if _CONTROL.search(check):
        raise UserInputError(f"The {what} contains control characters; type it again as plain text.")
    if len(cleaned) > max_length:
        raise UserInputError(f"The {what} is {len(cleaned)} characters long; shorten it to at most {max_length}.")
    return cleaned


def clean_name(text: str | None, what: str) -> str:
    """A required name (pet or owner): not empty, at most 64 characters."""
    cleaned = clean_text(text, what, max_length=_NAME_MAX)
    if not cleaned:
        raise UserInputError(f"The {what} is empty; type a name.")
    if not any(c.isalnum() for c in cleaned):
        raise UserInputError(f"The {what} {cleaned!r} has no letters or digits; type a name.")
    return cleaned


def clean_phone(text: str | None) -> str:
    """A phone number kept as typed (digits, spaces, + - ( ) . /) with 5 to 20 digits."""
    cleaned = clean_text(text, "phone number", max_length=40)
    if not cleaned:
        raise UserInputError("The phone number is empty; type the owner's phone number.")
    if not _PHONE_CHARS.match(cleaned):
        raise UserInputError(
            f"The phone number {cleaned!r} may only hold digits, spaces and + - ( ) . /; type it again."
        )
    digits = sum(c.isdigit() for c in cleaned)
    if not 5 <= digits <= 20:
        raise UserInputError(f"The phone number {cleaned!r} has {digits} digits; a phone number has 5 to 20.")
    return cleaned


def clean_email(text: str | None) -> str:
    """An optional e-mail address (``name@domain.tld``)."""
    cleaned = clean_text(text, "e-mail address", max_length=254)
    if cleaned and not _EMAIL.match(cleaned):
        raise UserInputError(f"{cleaned!r} is not an e-mail address like name@example.org; correct it or leave it out.")
    return cleaned


def clean_microchip(text: str | None) -> str:
    """An optional ISO 11784/11785 microchip number: 15 digits (spaces and dashes dropped).

    The first three digits are a country code (001-899) or a manufacturer code (900-999),
    so ``000`` is refused.
    """
    if text is None:
        return ""
    cleaned = re.sub(r"[\s.-]", "", str(text))
    if not cleaned:
        return ""
    if not cleaned.isascii() or not cleaned.isdigit() or len(cleaned) != 15:
        raise UserInputError(
            f"The microchip number {text!r} must be exactly 15 digits (ISO 11784); check it on the reader."
        )
    if cleaned.startswith("000"):
        raise UserInputError(
            f"The microchip number {text!r} starts with 000, which is no country or manufacturer code; check it on the reader."
        )
    return cleaned


def parse_day(value: str | date | None, what: str, *, today: date | None = None, required: bool = False,
              allow_future: bool = False) -> date | None:
    """A day as ``YYYY-MM-DD`` (or a date), not before 1900 and not in the future.

    ``allow_future=True`` accepts a day after today: the end of a search range may lie
    ahead (only recorded events, such as a birth or a weighing, may not).
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise UserInputError(f"The {what} is missing; give it as YYYY-MM-DD.")
        return None
    if isinstance(value, date):
        day = value
    else:
        text = str(value).strip()
        try:
            if not _ISO_DAY.match(text):
                raise ValueError
            day = date.fromisoformat(text)
        except ValueError:
            raise UserInputError(f"The {what} {text!r} is not a date; give it as YYYY-MM-DD, like 2021-03-14.") from None
    today = date.today() if today is None else today
    if day > today and not allow_future:
        raise UserInputError(f"The {what} {day.isoformat()} is in the future; check the year and month.")
    if day < EARLIEST_DAY:
        raise UserInputError(f"The {what} {day.isoformat()} is before 1900; check the year.")
    return day


def clean_sex(text: str | None) -> str:
    """``female``, ``male`` or ``unknown`` (also f, m, u in any case)."""
    if text is None or not str(text).strip():
        return "unknown"
    wanted = str(text).strip().lower()
    for sex in SEXES:
        if wanted in (sex, sex[0]):
            return sex
    raise UserInputError(f"The sex {text!r} is not one of {', '.join(SEXES)}.")


def clean_species(text: str | None) -> Species:
    """The species of the catalog called ``text`` (name, label or alias)."""
    if text is None or not str(text).strip():
        raise UserInputError(
            f"The species is missing; choose one of: {', '.join(load_species_catalog().names)}."
        )
    return load_species_catalog().find(str(text))


def check_weight(species: Species, weight_kg: float) -> float:
    """A weight plausible for ``species``, in kilograms."""
    species.check_weight(weight_kg)
    return float(weight_kg)


def clean_alerts(alerts: list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    """Staff alerts: each a short text, duplicates (ignoring case) dropped, order kept."""
    cleaned: list[str] = []
    for alert in alerts or ():
        text = clean_text(alert, "alert", max_length=64)
        if text and text.lower() not in {a.lower() for a in cleaned}:
            cleaned.append(text)
    return tuple(cleaned)
