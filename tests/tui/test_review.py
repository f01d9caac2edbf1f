"""The review screen as a vet uses it, on real DICOM files of simulated exams of the
test-tube phantom: slices, window/level, a measured distance, an ROI, key images kept in
the records, a prior side by side, and what goes wrong said in one sentence."""

from __future__ import annotations

import asyncio
import re
import shutil

import pytest

from tests.tui.helpers import settle
from tests.tui.review_data import CURRENT, PRIOR, TUBES_1_TO_3_MM, review_data, simulated_studies  # noqa: F401
from tests.tui.review_helpers import open_series, review_app, run_review, text_of, tube_centres
from vetmri.records.key_images import key_images
from vetmri.records.store import open_store
from vetmri.settings import set_setting
from vetmri.tui.widgets.slice_image import FEW_GREYS_NOTE, SliceImage

pytestmark = pytest.mark.usefixtures("review_data")


async def _click_image_point(pilot, row: float, col: float) -> None:
    widget = pilot.app.screen.query_one("#main-image", SliceImage)
    cell = widget.cell_of(row, col)
    assert cell is not None, (row, col)
    await pilot.click("#main-image", offset=cell)
    await settle(pilot)


async def _wheel_up(pilot) -> None:
    """One notch of the mouse wheel up over the image (as the terminal's driver sends it)."""
    from textual.events import MouseScrollUp

    await pilot._post_mouse_events([MouseScrollUp], "#main-image", offset=(10, 10))


def test_scrolling_reaches_the_last_slice_by_keys_and_wheel():
    async def body(pilot) -> None:
        app = pilot.app
        screen = app.screen
        assert type(screen).__name__ == "ReviewScreen" and screen.series.description == "T2 TSE sagittal"
        assert "slice 3/5" in text_of(pilot, "#main-title")
        await pilot.press("end")
        await settle(pilot)
        assert "slice 5/5" in text_of(pilot, "#main-title")
        image = screen.query_one("#main-image", SliceImage)
        assert image.shown_key == screen.series.slices[-1].sop_instance_uid
        await pilot.press("down")  # already the last one
        await settle(pilot)
        assert "slice 5/5" in text_of(pilot, "#main-title")
        await _wheel_up(pilot)
        await _wheel_up(pilot)
        await settle(pilot)
        assert "slice 3/5" in text_of(pilot, "#main-title")
        assert image.shown_key == screen.series.slices[2].sop_instance_uid

    run_review(body)


def test_key_repeat_draws_only_the_newest_slice_and_revisits_come_from_the_cache():
    async def body(pilot) -> None:
        app = pilot.app
        await pilot.press("home", *["down"] * 4, *["up"] * 4, *["down"] * 4)
        await settle(pilot)
        screen = app.screen
        image = screen.query_one("#main-image", SliceImage)
        assert image.shown_key == screen.series.slices[4].sop_instance_uid
        drawn = image.renders
        assert drawn <= 5  # each slice once at most, however often the keys passed it
        await pilot.press("home", "end")
        await settle(pilot)
        assert image.renders == drawn and image.shown_key == screen.series.slices[4].sop_instance_uid

    run_review(body)


def test_window_level_by_preset_keys_and_drag_changes_the_grey_levels():
    async def body(pilot) -> None:
        app = pilot.app
        screen = app.screen
        image = screen.query_one("#main-image", SliceImage)
        assert "(brain)" in text_of(pilot, "#review-info")  # the first T2 preset
        before = image.samples.grey.astype(int).sum()
        await pilot.press("l")
        await settle(pilot)
        assert "(fluid)" in text_of(pilot, "#review-info")
        assert image.samples.grey.astype(int).sum() < before  # a wider, higher window: darker tissue
        width = screen.window.width
        await pilot.press("w", "right", "right", "up")
        await settle(pilot)
        assert screen.window.width == pytest.approx(width * 1.21) and "(custom)" in text_of(pilot, "#review-info")
        await pilot.press("escape")  # leaves the window tool, stays on the screen
        assert type(app.screen).__name__ == "ReviewScreen"
        level = screen.window.level
        centre = image.cell_of(32, 32)
        await pilot.mouse_down("#main-image", offset=centre)
        await pilot.hover("#main-image", offset=(centre[0], centre[1] - 3))
        await pilot.mouse_up("#main-image", offset=(centre[0], centre[1] - 3))
        await settle(pilot)
        assert screen.window.level > level  # dragged up: level raised

    run_review(body)


def test_a_known_distance_on_the_test_tubes_is_measured_within_one_pixel():
    async def body(pilot) -> None:
        app = pilot.app
        await open_series(pilot, "T2 TSE transverse")
        screen = app.screen
        slice_ = screen.series.slices[screen.index]
        first, _, third = tube_centres(slice_.pixels)
        await pilot.press("m")
        await _click_image_point(pilot, *first)
        await _click_image_point(pilot, *third)
        found = re.search(r"distance ([\d.]+) mm", text_of(pilot, "#review-info"))
        assert found, text_of(pilot, "#review-info")
        assert abs(float(found.group(1)) - TUBES_1_TO_3_MM) <= slice_.pixel_spacing_mm[1]
        await pilot.hover("#main-image", offset=screen.query_one("#main-image", SliceImage).cell_of(*first))
        info = text_of(pilot, "#review-info")
        assert re.search(r"= \d+", info) and re.search(r"[LR] [\d.]+ [DV] [\d.]+ C[rd] [\d.]+ mm", info)

    run_review(body)


def test_an_roi_in_a_tube_has_its_signal_and_one_beside_it_none():
    async def body(pilot) -> None:
        app = pilot.app
        await open_series(pilot, "T2 TSE transverse")
        screen = app.screen
        slice_ = screen.series.slices[screen.index]
        _, (row, col), _ = tube_centres(slice_.pixels)
        await pilot.press("r")
        await _click_image_point(pilot, row - 3, col - 3)
        await _click_image_point(pilot, row + 3, col + 3)
        inside = re.search(r"ROI mean ([\d.]+) SD ([\d.]+)", text_of(pilot, "#review-info"))
        await _click_image_point(pilot, row - 16, col - 3)  # air above the tube (radius 6.4 pixels)
        await _click_image_point(pilot, row - 11, col + 3)
        beside = re.search(r"ROI mean ([\d.]+) SD", text_of(pilot, "#review-info"))
        assert inside and beside
        assert float(inside.group(1)) > 5 * float(beside.group(1))
        assert float(inside.group(2)) < 0.5 * float(inside.group(1))

    run_review(body)


def test_a_key_image_is_kept_in_the_records_and_can_be_unmarked():
    async def scenario() -> None:
        app = review_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            screen = app.screen
            await pilot.press("end", "k")
            await settle(pilot)
            shown = screen.series.slices[-1]
            assert "★ key image" in text_of(pilot, "#main-title")
            with open_store() as store:
                marked = key_images(store, CURRENT)
            assert [(k.sop_instance_uid, k.instance_number, k.series_description) for k in marked] == \
                [(shown.sop_instance_uid, shown.instance_number, "T2 TSE sagittal")]
            assert (app.context.settings().data.dir / marked[0].dicom_file).is_file()
            await pilot.press("k")
            await settle(pilot)
            assert "key image" not in text_of(pilot, "#main-title")
        with open_store() as store:
            assert key_images(store, CURRENT) == ()

    asyncio.run(scenario())


def test_the_prior_is_shown_beside_at_the_same_position_and_scrolls_with_it():
    async def body(pilot) -> None:
        app = pilot.app
        await open_series(pilot, "T2 TSE transverse")
        await pilot.press("p")
        await settle(pilot)
        screen = app.screen
        assert screen.query_one("#prior-pane").display
        title = text_of(pilot, "#prior-title")
        assert f"prior {PRIOR} 20.02.2026" in title and "T2 TSE transverse" in title
        prior_image = screen.query_one("#prior-image", SliceImage)
        for key in ("home", "down", "end"):
            await pilot.press(key)
            await settle(pilot)
            here = screen.series.slices[screen.index]
            there = screen.prior.slices[screen.prior_index]
            assert abs(here.location_mm - there.location_mm) < 0.5  # the same plan: the same positions
            assert prior_image.shown_key == there.sop_instance_uid
            assert f"slice {screen.prior_index + 1}/5" in text_of(pilot, "#prior-title")
        await pilot.press("p")
        assert not screen.query_one("#prior-pane").display

    run_review(body)


def test_review_opens_from_the_pets_studies_and_from_the_palette():
    async def scenario() -> None:
        from tests.tui.conftest import FIXED_NOW
        from vetmri.tui.app import VetmriApp
        from vetmri.tui.screens.pet_detail import PetDetailScreen

        app = VetmriApp(clock=lambda: FIXED_NOW, watch_status=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            app.push_screen(PetDetailScreen("P-000001"))
            await settle(pilot)
            await pilot.press("v")  # the newest study is highlighted
            await settle(pilot)
            assert type(app.screen).__name__ == "ReviewScreen" and app.screen.study_id == CURRENT
            await pilot.press("escape", "escape")
            await settle(pilot)
            await pilot.press("ctrl+p", *"Review images")
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            assert type(app.screen).__name__ == "ReviewScreen" and app.screen.series is not None

    asyncio.run(scenario())


@pytest.mark.parametrize("forced", [False, True])
def test_few_grey_levels_are_said_on_screen_unless_true_colour_is_forced(monkeypatch, forced):
    async def scenario() -> None:
        monkeypatch.delenv("COLORTERM", raising=False)
        monkeypatch.setenv("TERM", "xterm-256color")  # what an SSH session usually gives
        if forced:
            set_setting("tui.truecolor", "true")
        app = review_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            image = app.screen.query_one("#main-image", SliceImage)
            last = "".join(s.text for s in image.render_line(image.size.height - 1))
            assert (FEW_GREYS_NOTE[:40] in last) is not forced

    asyncio.run(scenario())


def test_images_missing_on_disk_are_one_sentence_not_a_crash(review_data):  # noqa: F811
    async def scenario() -> None:
        with open_store() as store:
            folder = store.data_dir / store.series_of_study(CURRENT)[1].dicom_folder
        shutil.rmtree(folder)
        app = review_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            messages = [n.message for n in app._notifications]
            assert messages == [f"{folder} does not exist; the series' DICOM files may have been moved."]
            assert type(app.screen).__name__ == "ReviewScreen"

    asyncio.run(scenario())


def test_an_unknown_study_is_one_sentence_and_exit_2(run_vetmri):
    result = run_vetmri("tui", "--study", "S-000099")
    assert result.returncode == 2
    assert result.stderr.strip() == "vetmri: There is no study S-000099; find it with 'vetmri records search'."
