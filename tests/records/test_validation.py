"""Field validation: what staff type is accepted when right and refused with a clear
sentence when wrong."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vetmri.errors import UserInputError
from vetmri.protocols.species import load_species_catalog
from vetmri.records.validation import (
    check_weight,
    clean_email,
    clean_microchip,
    clean_name,
    clean_phone,
    clean_sex,
    clean_species,
    parse_day,
)

CATALOG = load_species_catalog()


@given(st.from_regex(r"[0-9]{15}", fullmatch=True).filter(lambda s: not s.startswith("000")))
def test_fifteen_digits_are_a_microchip(digits):
    assert clean_microchip(digits) == digits
    assert clean_microchip(f"{digits[:3]} {digits[3:9]}-{digits[9:]}") == digits


@given(st.text(alphabet="0123456789", min_size=1, max_size=30).filter(lambda s: len(s) != 15))
def test_other_digit_counts_are_refused_with_the_rule(digits):
    with pytest.raises(UserInputError, match="exactly 15 digits"):
        clean_microchip(digits)


def test_letters_and_the_000_code_are_refused():
    with pytest.raises(UserInputError, match="15 digits"):
        clean_microchip("25026960412345A")
    with pytest.raises(UserInputError, match="000"):
        clean_microchip("000123456789012")
    assert clean_microchip("") == "" and clean_microchip(None) == ""


@given(st.sampled_from(CATALOG.species), st.floats(min_value=0, max_value=1, exclude_max=False))
def test_weights_inside_the_species_range_are_accepted(species, fraction):
    low, high = species.weight_range_kg
    weight = low + fraction * (high - low)
    assert check_weight(species, weight) == weight


@given(st.sampled_from(CATALOG.species), st.floats(min_value=1.01, max_value=100))
def test_weights_outside_the_species_range_are_refused_naming_the_range(species, factor):
    low, high = species.weight_range_kg
    for weight in (high * factor, low / factor):
        with pytest.raises(UserInputError, match="not plausible"):
            check_weight(species, weight)


@given(st.integers(min_value=1, max_value=3650))
def test_dates_in_the_future_are_refused(days):
    today = date(2024, 6, 1)
    with pytest.raises(UserInputError, match="in the future"):
        parse_day((today + timedelta(days=days)).isoformat(), "date of birth", today=today)
    assert parse_day((today - timedelta(days=days)).isoformat(), "date of birth", today=today) == today - timedelta(days=days)


@pytest.mark.parametrize("text", ["14/03/2021", "2021-3-14", "2021-02-30", "yesterday", "2021-03-14T10:00"])
def test_dates_not_in_iso_form_are_refused_with_an_example(text):
    with pytest.raises(UserInputError, match="YYYY-MM-DD"):
        parse_day(text, "date of birth")


def test_dates_before_1900_are_refused():
    with pytest.raises(UserInputError, match="before 1900"):
        parse_day("1899-12-31", "date of birth")


@given(st.from_regex(r"\+?[0-9]{2,4}( [0-9]{2,4}){1,4}", fullmatch=True))
def test_phone_numbers_are_kept_as_typed(phone):
    digits = sum(c.isdigit() for c in phone)
    if 5 <= digits <= 20:
        assert clean_phone(f"  {phone} ") == phone
    else:
        with pytest.raises(UserInputError, match="digits"):
            clean_phone(phone)


@pytest.mark.parametrize("phone", ["", "call me", "12-34", "06 12 34 56 78 ext 4"])
def test_bad_phone_numbers_are_refused(phone):
    with pytest.raises(UserInputError):
        clean_phone(phone)


@given(st.text(min_size=1, max_size=64).filter(lambda s: s.strip() and any(c.isalnum() for c in s) and s.isprintable()))
def test_printable_names_with_a_letter_are_accepted_trimmed(name):
    assert clean_name(name, "pet's name") == name.strip()


@pytest.mark.parametrize("name", ["", "   ", "---", "x" * 65, "Tab\tby"])
def test_empty_long_or_control_names_are_refused(name):
    with pytest.raises(UserInputError):
        clean_name(name, "pet's name")


def test_species_by_alias_and_label_and_sex_by_letter():
    assert clean_species("Canine").name == "dog"
    assert clean_species("guinea pig").name == "guinea_pig"
    assert clean_sex("F") == "female" and clean_sex(None) == "unknown"
    with pytest.raises(UserInputError, match="species"):
        clean_species("dragon")
    with pytest.raises(UserInputError, match="female, male, unknown"):
        clean_sex("neutral")


def test_email_addresses():
    assert clean_email(" ana@example.org ") == "ana@example.org"
    assert clean_email("") == ""
    with pytest.raises(UserInputError, match="e-mail"):
        clean_email("ana at example")
