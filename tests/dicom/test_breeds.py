"""Breeds as the front desk types them, matched to the DICOM breed table (CID 7480)."""

from vetmri.dicom.breeds import match_breed
from vetmri.dicom.codes import breed_code, species_from_name


def test_common_names_aliases_and_beginnings_find_the_breed_of_the_species():
    labrador = match_breed("dog", "Labrador")
    assert (labrador.name, labrador.code.value) == ("Labrador retriever", "62137007")
    assert "recorded as 'Labrador retriever'" in labrador.note
    assert match_breed("dog", "GSD").name == "German shepherd"
    assert match_breed("cat", "DSH").name == "Domestic shorthaired"
    assert match_breed("dog", "labrador retriever").note == ""  # already the table's name
    assert match_breed("dog", "Weimar").name.lower().startswith("weimaraner")
    assert match_breed("cat", "Siamese").code.meaning == "Siamese cat"  # not the Siamese pig


def test_an_unknown_breed_stays_free_text_with_candidates_and_a_warning():
    unknown = match_breed("dog", "Dachshund")  # only the miniature and standard ones are coded
    assert unknown.code is None and unknown.name == "Dachshund"
    assert "kept as free text" in unknown.note and "no breed code" in unknown.note
    assert unknown.candidates and all("achshund" in c for c in unknown.candidates)
    assert match_breed("dog", "Ret").code is None  # three letters are too few to be a breed
    guinea_pig = match_breed("guinea_pig", "Abyssinian")
    assert guinea_pig.code is None and "no breed table for a guinea pig" in guinea_pig.note


def test_the_dicom_breed_code_follows_the_same_matching():
    dog = species_from_name("dog")
    assert breed_code(dog, "Labrador").value == "62137007"
    assert breed_code(dog, "Xyzzy") is None
