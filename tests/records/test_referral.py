"""Who referred a pet: kept on the pet as the default for its new studies, which keep
their own (a later change of the pet's vet does not rewrite an old study's)."""

from __future__ import annotations

import json

import pytest

from vetmri.errors import UserInputError
from vetmri.records.store import open_store


def test_the_pets_referring_vet_is_the_default_of_its_new_studies():
    with open_store() as store:
        owner = store.add_owner("Ana Díaz", "600 123 456")
        pet = store.add_pet(owner.id, "Luna", "cat", 4.2, referring_vet=" Dr. Vidal ", referring_clinic="Clínica Sol")
        first = store.add_study(pet.id, "brain")
        given = store.add_study(pet.id, "spine", referring_vet="Dr. Roca")
        store.edit_pet(pet.id, referring_vet="Dr. Pons", referring_clinic="")
        later = store.add_study(pet.id, "brain")
    with open_store() as store:
        assert (store.pet(pet.id).referring_vet, store.pet(pet.id).referring_clinic) == ("Dr. Pons", "")
        assert (store.study(first.id).referring_vet, store.study(first.id).referring_clinic) == ("Dr. Vidal", "Clínica Sol")
        assert (store.study(given.id).referring_vet, store.study(given.id).referring_clinic) == ("Dr. Roca", "Clínica Sol")
        assert (store.study(later.id).referring_vet, store.study(later.id).referring_clinic) == ("Dr. Pons", "")


def test_a_pet_registered_without_one_gives_studies_none_and_a_too_long_name_is_one_sentence():
    with open_store() as store:
        owner = store.add_owner("Ana Díaz", "600 123 456")
        pet = store.add_pet(owner.id, "Luna", "cat", 4.2)
        assert pet.referring_vet == "" and store.add_study(pet.id, "brain").referring_vet == ""
        with pytest.raises(UserInputError, match="referring vet"):
            store.edit_pet(pet.id, referring_vet="x" * 65)


def test_the_command_line_sets_the_pets_and_a_studys_referral(run_vetmri):
    def ok(*args):
        done = run_vetmri(*args)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout) if "--json" in args else done.stdout

    owner = ok("records", "add-owner", "--name", "Tom Lee", "--phone", "030 1234567", "--json")
    pet = ok("records", "add-pet", "--owner", owner["id"], "--name", "Mochi", "--species", "cat", "--weight", "3",
             "--referring-vet", "Dr. Weiss", "--referring-clinic", "Tierarztpraxis Nord", "--json")
    assert (pet["referring_vet"], pet["referring_clinic"]) == ("Dr. Weiss", "Tierarztpraxis Nord")
    with open_store() as store:
        study = store.add_study(pet["id"], "brain")
    assert study.referring_vet == "Dr. Weiss"
    edited = ok("records", "edit", study.id, "--referring-vet", "Dr. Braun", "--json")
    assert (edited["referring_vet"], edited["referring_clinic"]) == ("Dr. Braun", "Tierarztpraxis Nord")
    assert "referring vet: Dr. Braun" in ok("records", "show", study.id)
    assert ok("records", "edit", pet["id"], "--referring-clinic", "Praxis Süd", "--json")["referring_clinic"] == "Praxis Süd"
    wrong = run_vetmri("records", "edit", study.id, "--breed", "Siamese")
    assert wrong.returncode == 2
    assert wrong.stderr.strip() == ("vetmri: --breed is not a study field; a study's referral is changed with "
                                    "--referring-vet and --referring-clinic.")
    owner_wrong = run_vetmri("records", "edit", owner["id"], "--referring-vet", "Dr. X")
    assert owner_wrong.returncode == 2 and "--referring-vet is a pet field" in owner_wrong.stderr
