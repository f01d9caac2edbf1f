"""``vetmri exam --demo``: the quickest way to see the product, a whole dog-brain exam."""

from __future__ import annotations

from pathlib import Path

import pydicom

from tests.dicom.tools import dciodvfy
from tests.exam.conftest import exam_json, study_record


def test_the_demo_exam_writes_every_series_as_valid_dicom_and_the_records_list_them(run_vetmri):
    result = run_vetmri("exam", "--demo", "--json", timeout=900)
    assert result.returncode == 0, result.stderr
    summary = exam_json(result)
    assert summary["status"] == "complete"
    names = [s["description"] for s in summary["series"]]
    assert names[0].startswith("Localizer") and len(names) == 7
    assert [s["number"] for s in summary["series"]] == list(range(1, 8))
    for series in summary["series"]:
        files = sorted(Path(series["dicom_dir"]).glob("*.dcm"))
        assert len(files) == series["images"] > 0
        for path in (files[0], files[-1]):
            code, problems = dciodvfy(path)
            assert code == 0, (path, problems)
    localizer = [pydicom.dcmread(p) for p in Path(summary["series"][0]["dicom_dir"]).glob("*.dcm")]
    assert len({tuple(round(float(v), 3) for v in ds.ImageOrientationPatient) for ds in localizer}) == 3
    assert all(ds.PatientSpeciesDescription and ds.PatientName for ds in localizer)
    study = study_record(run_vetmri, summary["study"])
    assert study["status"] == "complete"
    assert [s["description"] for s in study["series"]] == names

    again = exam_json(run_vetmri("exam", "--demo", "--series", "1", "--json", timeout=600))
    assert again["study"] != summary["study"]
    assert study_record(run_vetmri, again["study"])["pet_id"] == study["pet_id"]  # the same demonstration dog
