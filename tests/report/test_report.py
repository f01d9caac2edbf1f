"""``vetmri report``: the referring vet's PDF rendered by poppler (pdftoppm, pdftotext)
shows the pet, the owner, the series and the comment as text, and the image of each
series where the page has it, matching the slice; key images carry the window they were
reviewed at; the PNG is page 1; bad input is one sentence."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from scipy import ndimage
from skimage.transform import resize

from tests.dicom.exam import add_pet, recon_to_dicom, write_raw_exam
from vetmri.dicom.series_slice import read_series_slice


@pytest.fixture
def study(tmp_path, run_vetmri):
    pet = add_pet(run_vetmri)
    assert run_vetmri("records", "edit", pet["id"], "--dob", "2020-02-01").returncode == 0
    return recon_to_dicom(run_vetmri, write_raw_exam(tmp_path / "exam.h5"), pet["id"])


def page_image(pdf: Path, out: Path, dpi: int = 100) -> np.ndarray:
    done = subprocess.run(["pdftoppm", "-r", str(dpi), "-f", "1", "-l", "1", "-gray", "-png", str(pdf), str(out)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    (png,) = out.parent.glob(out.name + "*.png")
    return np.asarray(Image.open(png).convert("L"), dtype=np.float32)


def image_boxes(page: np.ndarray, min_px: int) -> list[tuple[slice, slice]]:
    """Bounding boxes of the large non-white blocks of a page (the pictures), top left first."""
    labels, _ = ndimage.label(page < 245)
    boxes = [b for b in ndimage.find_objects(labels)
             if b[0].stop - b[0].start >= min_px and b[1].stop - b[1].start >= min_px]
    return sorted(boxes, key=lambda b: (b[0].start, b[1].start))


def windowed(folder: str, index=None, center=None, width=None) -> np.ndarray:
    picked = read_series_slice(Path(folder), index)
    c = picked.window_center if center is None else center
    w = picked.window_width if width is None else width
    return np.clip((picked.pixels - (c - w / 2)) / w, 0, 1) * 255


def correlation(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.corrcoef(a.ravel(), b.ravel())[0, 1])


def test_the_pdf_shows_the_pet_and_the_middle_slice_of_each_series(study, tmp_path, run_vetmri):
    pdf = tmp_path / "rex.pdf"
    done = run_vetmri("report", study["study"], "--out", str(pdf), "--comment", "Mild motion in the T1 series.", "--json")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["images"] == 2 and summary["key_images"] == 0 and summary["format"] == "pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-"

    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for expected in ("MRI report: Rex", "Labrador retriever", "Anna Miller", "31.5 kg", "t2 tse brain", "t1 gre brain",
                     "Mild motion in the T1 series.", "slice 2/3", "No vitals were recorded", "male, neutered"):
        assert expected in text, expected
    size = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "595.276 x 841.89 pts (A4)" in size

    page = page_image(pdf, tmp_path / "page")
    boxes = image_boxes(page, min_px=120)
    assert len(boxes) == 2, boxes  # one picture a series
    for box, series in zip(boxes, study["series"]):
        shown = page[box]
        assert shown.std() > 20  # not blank
        expected = resize(windowed(series["folder"]), shown.shape, order=0, preserve_range=True)
        assert correlation(shown, expected) > 0.9


def test_a_key_image_is_shown_with_the_window_it_was_reviewed_at(study, tmp_path):
    from vetmri.records.store import open_store
    from vetmri.report import KeyImage, VitalsEntry, gather_report, write_report
    from vetmri.settings import load_settings

    series_id = study["series"][1]["id"]
    picked = read_series_slice(Path(study["series"][1]["folder"]), 0)
    center, width = float(np.percentile(picked.pixels, 60)), float(picked.pixels.std())
    with open_store() as store:
        content = gather_report(store, load_settings(), study["study"], comment="",
                                key_images=[KeyImage(series_id, 0, center, width, "ventricles")],
                                vitals=[VitalsEntry("09:42", (("HR", "92 /min"), ("SpO2", "98 %"))),
                                        VitalsEntry("09:47", (("HR", "88 /min"), ("SpO2", "97 %")), "isoflurane 1.5 %")])
    assert content.images[0].key and not content.images[1].key  # the key image first
    assert f"slice 1/3, W {width:.0f} L {center:.0f}: ventricles" in content.images[0].caption
    pdf = write_report(content, tmp_path / "key.pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Key image: #2 t1 gre brain" in text and "92 /min" in text and "isoflurane 1.5 %" in text
    page = page_image(pdf, tmp_path / "page")
    shown = page[image_boxes(page, min_px=120)[0]]
    reviewed = resize(windowed(study["series"][1]["folder"], 0, center, width), shown.shape, order=0, preserve_range=True)
    as_stored = resize(windowed(study["series"][1]["folder"], 0), shown.shape, order=0, preserve_range=True)
    assert correlation(shown, reviewed) > 0.9
    assert np.abs(shown - reviewed).mean() < np.abs(shown - as_stored).mean()  # the reviewed window, not the file's


def test_the_png_is_page_one(study, tmp_path, run_vetmri):
    png = tmp_path / "rex.png"
    done = run_vetmri("report", study["study"], "--out", str(png))
    assert done.returncode == 0, done.stderr
    assert f"written to {png}" in done.stdout
    picture = np.asarray(Image.open(png).convert("L"), dtype=np.float32)
    assert picture.shape[0] == 1754 and picture.shape[1] in (1240, 1241)  # A4 (210 x 297 mm) at 150 dpi
    assert len(image_boxes(picture, min_px=180)) == 2


def test_bad_input_is_one_sentence(study, tmp_path, run_vetmri):
    done = run_vetmri("report", study["study"], "--out", str(tmp_path / "rex.docx"))
    assert done.returncode == 2 and "FILE.pdf or FILE.png" in done.stderr and "Traceback" not in done.stderr
    done = run_vetmri("report", "S-000099", "--out", str(tmp_path / "x.pdf"))
    assert done.returncode == 2 and "There is no study S-000099" in done.stderr
    pet = add_pet(run_vetmri, name="Mia")
    from vetmri.records.store import open_store

    with open_store() as store:
        empty = store.add_study(pet["id"], "brain")
    done = run_vetmri("report", empty.id, "--out", str(tmp_path / "x.pdf"))
    assert done.returncode == 2 and "has no images yet" in done.stderr


def test_ages_read_as_people_say_them():
    from datetime import date

    from vetmri.report import age_text

    assert age_text(date(2020, 2, 1), date(2026, 12, 6)) == "6 years 10 months"
    assert age_text(date(2026, 5, 10), date(2026, 12, 6)) == "6 months"
    assert age_text(date(2026, 11, 10), date(2026, 12, 6)) == "3 weeks"
    assert age_text(None, date(2026, 12, 6)) == "unknown"


def test_the_key_images_marked_at_review_and_the_vitals_logged_are_in_the_report(study, tmp_path, run_vetmri):
    from vetmri.records.key_images import mark_key_image
    from vetmri.records.store import open_store

    series = study["series"][1]
    files = sorted(Path(series["folder"]).glob("*.dcm"))
    import pydicom

    ds = pydicom.dcmread(files[0])
    with open_store() as store:
        mark_key_image(store, study["study"], series_uid=str(ds.SeriesInstanceUID), sop_instance_uid=str(ds.SOPInstanceUID),
                       series_number=int(ds.SeriesNumber), instance_number=int(ds.InstanceNumber),
                       series_description=str(ds.SeriesDescription), dicom_file=str(files[0]), note="left ventricle")
    done = run_vetmri("records", "vitals", study["study"], "--heart-rate", "92", "--spo2", "98", "--note", "iso 1.5 %")
    assert done.returncode == 0, done.stderr
    pdf = tmp_path / "rex.pdf"
    done = run_vetmri("report", study["study"], "--out", str(pdf), "--json")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["key_images"] == 1 and summary["images"] == 2  # the key image, and the other series' middle slice
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Key image: #2 t1 gre brain, slice 1/3" in text and "left ventricle" in text
    assert "92 /min" in text and "98 %" in text and "iso 1.5 %" in text
    page = page_image(pdf, tmp_path / "page")
    shown = page[image_boxes(page, min_px=120)[0]]  # the key image comes first
    order = sorted(files, key=lambda p: int(pydicom.dcmread(p, stop_before_pixels=True).InstanceNumber))
    index = order.index(files[0])
    expected = resize(windowed(series["folder"], index), shown.shape, order=0, preserve_range=True)
    assert correlation(shown, expected) > 0.9


def test_a_key_image_marked_with_its_window_is_printed_with_it(study, tmp_path, run_vetmri):
    """The window the review stored with the key image (not the file's) is the one printed."""
    import pydicom

    from vetmri.records.key_images import mark_key_image
    from vetmri.records.store import open_store

    series = study["series"][1]
    files = sorted(Path(series["folder"]).glob("*.dcm"), key=lambda p: int(pydicom.dcmread(p).InstanceNumber))
    ds = pydicom.dcmread(files[0])
    picked = read_series_slice(Path(series["folder"]), 0)
    center, width = float(np.percentile(picked.pixels, 60)), float(picked.pixels.std())
    with open_store() as store:
        mark_key_image(store, study["study"], series_uid=str(ds.SeriesInstanceUID), sop_instance_uid=str(ds.SOPInstanceUID),
                       series_number=int(ds.SeriesNumber), instance_number=int(ds.InstanceNumber),
                       window_center=center, window_width=width)
    pdf = tmp_path / "rex.pdf"
    done = run_vetmri("report", study["study"], "--out", str(pdf))
    assert done.returncode == 0, done.stderr
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert f"slice 1/3, W {width:.0f} L {center:.0f}" in text
    page = page_image(pdf, tmp_path / "page")
    shown = page[image_boxes(page, min_px=120)[0]]
    reviewed = resize(windowed(series["folder"], 0, center, width), shown.shape, order=0, preserve_range=True)
    as_stored = resize(windowed(series["folder"], 0), shown.shape, order=0, preserve_range=True)
    assert correlation(shown, reviewed) > 0.9
    assert np.abs(shown - reviewed).mean() < np.abs(shown - as_stored).mean()


def test_a_report_into_a_missing_folder_is_one_sentence(study, tmp_path, run_vetmri):
    done = run_vetmri("report", study["study"], "--out", str(tmp_path / "nowhere" / "rex.pdf"))
    assert done.returncode == 2
    assert done.stderr.strip() == (f"vetmri: The folder {tmp_path / 'nowhere'} does not exist; choose an existing "
                                   "folder for the report.")
