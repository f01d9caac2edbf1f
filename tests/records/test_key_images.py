"""Key images are kept with the study, survive reopening the store, and are refused
without the UIDs that name the image."""

from __future__ import annotations

import pytest

from vetmri.errors import UserInputError
from vetmri.records.key_images import key_images, mark_key_image, unmark_key_image
from vetmri.records.store import open_store


def _study(store):
    owner = store.add_owner("Ana Díaz", "600 123 456")
    pet = store.add_pet(owner.id, "Luna", "cat", 4.2)
    return store.add_study(pet.id, "brain")


def test_marked_images_are_found_after_reopening_the_store():
    with open_store() as store:
        study = _study(store)
        mark_key_image(store, study.id, series_uid="1.2.3", sop_instance_uid="1.2.3.2", series_number=2,
                       instance_number=5, series_description="T2 TSE transverse", note="mass")
        mark_key_image(store, study.id, series_uid="1.2.3", sop_instance_uid="1.2.3.1", series_number=2,
                       instance_number=1)
        mark_key_image(store, study.id, series_uid="1.2.3", sop_instance_uid="1.2.3.2", series_number=2,
                       instance_number=5, series_description="T2 TSE transverse", note="mass, left")
    with open_store() as store:
        found = key_images(store, study.id)
        assert [(k.instance_number, k.note) for k in found] == [(1, ""), (5, "mass, left")]
        assert found[1].series_description == "T2 TSE transverse" and found[1].marked_at
        assert unmark_key_image(store, study.id, "1.2.3.1") is True
        assert unmark_key_image(store, study.id, "1.2.3.1") is False
        assert [k.sop_instance_uid for k in key_images(store, study.id)] == ["1.2.3.2"]


def test_an_image_without_uids_or_an_unknown_study_is_one_sentence():
    with open_store() as store:
        study = _study(store)
        with pytest.raises(UserInputError, match="SOP Instance UIDs"):
            mark_key_image(store, study.id, series_uid="", sop_instance_uid="1.2")
        with pytest.raises(UserInputError, match="no study"):
            key_images(store, "S-000999")


def test_the_window_it_was_read_at_is_kept_and_old_files_without_it_still_read():
    import json

    from vetmri.records.key_images import KEY_IMAGES_FILE

    with open_store() as store:
        study = _study(store)
        mark_key_image(store, study.id, series_uid="1.2.3", sop_instance_uid="1.2.3.7", instance_number=7,
                       window_center=410.5, window_width=820)
        path = store.study_folder(study.id) / KEY_IMAGES_FILE
        saved = json.loads(path.read_text(encoding="utf-8"))["key_images"]
        saved.append({"series_uid": "1.2.3", "sop_instance_uid": "1.2.3.1", "instance_number": 1})  # written before
        path.write_text(json.dumps({"key_images": saved}), encoding="utf-8")
    with open_store() as store:
        old, new = key_images(store, study.id)
        assert (old.window_center, old.window_width) == (None, None)
        assert (new.window_center, new.window_width) == (410.5, 820.0)


def test_half_a_window_or_a_zero_width_is_one_sentence():
    with open_store() as store:
        study = _study(store)
        with pytest.raises(UserInputError, match="both its centre and its width"):
            mark_key_image(store, study.id, series_uid="1.2.3", sop_instance_uid="1.2.3.1", window_center=100)
        with pytest.raises(UserInputError, match="positive width"):
            mark_key_image(store, study.id, series_uid="1.2.3", sop_instance_uid="1.2.3.1", window_center=100,
                           window_width=0)
        assert key_images(store, study.id) == ()


def test_records_show_of_a_study_lists_its_key_images(run_vetmri):
    import json

    with open_store() as store:
        study = _study(store)
        mark_key_image(store, study.id, series_uid="1.2.3", sop_instance_uid="1.2.3.5", series_number=2,
                       instance_number=5, series_description="T2 TSE transverse", note="mass")
    shown = run_vetmri("records", "show", study.id, "--json")
    assert shown.returncode == 0, shown.stderr
    assert [(k["series_number"], k["instance_number"], k["note"]) for k in json.loads(shown.stdout)["key_images"]] \
        == [(2, 5, "mass")]
    text = run_vetmri("records", "show", study.id).stdout
    assert "key image: series 2 image 5 (mass)" in text
