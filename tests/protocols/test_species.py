import math
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vetmri.errors import UserInputError
from vetmri.protocols.species import (
    load_species_catalog,
    normalise_species_name,
    parse_weight_kg,
)
from vetmri.resources import data_folder

CLINIC_SPECIES = {"dog", "cat", "rabbit", "ferret", "guinea_pig", "rat", "parrot", "tortoise"}


@pytest.fixture(scope="module")
def catalog():
    return load_species_catalog()


@pytest.fixture
def protocol_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "species_protocols"
    shutil.copytree(data_folder("species_protocols"), folder)
    return folder


def test_the_species_a_small_animal_clinic_sees_are_all_there(catalog):
    assert CLINIC_SPECIES <= set(catalog.names)


def test_size_classes_follow_the_weight(catalog):
    assert catalog.size_class("dog", 2.5).name == "toy"
    assert catalog.size_class("dog", 35).name == "large"
    assert catalog.size_class("dog", 60).name == "giant"
    assert catalog.size_class("cat", 3.0).name == "medium"  # a boundary goes to the larger class
    assert catalog.size_class("cat", 12).name == "large"  # the top of the range is included


def test_people_can_type_a_species_the_way_they_say_it(catalog):
    assert catalog.find("Guinea pig").name == "guinea_pig"
    assert catalog.find("guinea-pig").name == "guinea_pig"
    assert catalog.find("CANINE").name == "dog"
    assert catalog.find("Féline").name == "cat"  # accents are ignored


@pytest.mark.parametrize(
    "species, weight, words",
    [
        ("cat", 60, "60 kg is not plausible for a cat"),
        ("dog", 0, "positive number"),
        ("dog", -3, "positive number"),
        ("rat", math.nan, "positive number"),
        ("rabbit", math.inf, "positive number"),
        ("parrot", 5, "not plausible for a parrot"),
    ],
)
def test_implausible_weights_are_refused_with_the_range(catalog, species, weight, words):
    with pytest.raises(UserInputError, match=words):
        catalog.size_class(species, weight)


def test_an_unknown_species_lists_the_known_ones(catalog):
    with pytest.raises(UserInputError, match="no protocol for the species 'horse'.*dog"):
        catalog.find("horse")


@pytest.mark.parametrize("text, kg", [("4.2", 4.2), ("4,2", 4.2), (" 35 kg", 35.0), ("0.03", 0.03)])
def test_typed_weights_are_read_in_kilograms(text, kg):
    assert parse_weight_kg(text) == pytest.approx(kg)


@pytest.mark.parametrize("text", ["", "heavy", "0", "-1", "nan", "inf", "4.2.1"])
def test_typed_weights_that_are_not_positive_numbers_are_refused(text):
    with pytest.raises(UserInputError, match="weight"):
        parse_weight_kg(text)


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_any_weight_gets_a_size_class_or_a_clear_refusal(weight):
    catalog = load_species_catalog()
    for species in catalog.species:
        low, high = species.weight_range_kg
        if math.isfinite(weight) and low <= weight <= high:
            size_class = species.size_class_for(weight)
            assert size_class.min_kg <= weight <= size_class.max_kg
        else:
            with pytest.raises(UserInputError):
                species.size_class_for(weight)


@given(st.text(max_size=30))
def test_any_species_text_is_found_or_refused_in_one_sentence(text):
    catalog = load_species_catalog()
    try:
        species = catalog.find(text)
    except UserInputError as exc:
        assert str(exc).endswith(".") and "\n" not in str(exc)
    else:
        assert normalise_species_name(text) in {
            normalise_species_name(s) for s in (species.name, species.label, *species.aliases)
        }


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


@pytest.mark.parametrize(
    "old, new, words",
    [
        ("weight_range_kg = [0.4, 12]", "weight_range_kg = [12, 0.4]", "'species.weight_range_kg'"),
        ("weight_range_kg = [0.4, 12]", 'weight_range_kg = "heavy"', "list of numbers"),
        ("max_kg = 3\n", "max_kg = 2.5\n", "must be contiguous"),
        ('label = "Cat"', 'lable = "Cat"', "'species.label' is missing"),
        ('name = "small"', 'name = "small"\ncolour = "grey"', "'species.size_classes\\[0\\].colour' is not a known key"),
        ("[species]", "[species", "not valid TOML"),
    ],
)
def test_a_broken_species_file_names_file_key_and_problem(protocol_copy, old, new, words):
    _edit(protocol_copy / "cat.toml", old, new)
    with pytest.raises(UserInputError, match=words) as caught:
        load_species_catalog(protocol_copy)
    assert "cat.toml" in str(caught.value)


def test_two_species_cannot_share_an_alias(protocol_copy):
    _edit(protocol_copy / "ferret.toml", "aliases = []", 'aliases = ["feline"]')
    with pytest.raises(UserInputError, match="'feline' is used by both"):
        load_species_catalog(protocol_copy)
