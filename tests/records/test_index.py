"""How names are normalised for the front desk's search (accents, case, punctuation)."""

import pytest

from vetmri.records.index import normalise_text


@pytest.mark.parametrize(("typed", "indexed"), [
    ("Renée O'Brien", "renee obrien"),
    ("Renée O’Brien", "renee obrien"),
    ("  Zoë   MÜLLER-Lüdenscheidt ", "zoe muller ludenscheidt"),
    ("Straße", "strasse"),
    ("Øster Ærø", "øster ærø"),
    ("Łukasz Dvořák", "łukasz dvorak"),
    ("Ｌｕｎａ", "luna"),
    ("Σωκράτης Иван", "σωκρατησ иван"),
    ("Ngô Bảo Châu", "ngo bao chau"),
    ("José_María (Mimi)", "jose maria mimi"),
    ("", ""),
])
def test_names_are_compared_without_case_accents_or_punctuation(typed, indexed):
    assert normalise_text(typed) == indexed
