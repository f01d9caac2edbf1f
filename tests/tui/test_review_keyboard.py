"""The review without a mouse (gloves, SSH): the keyboard cursor reads the pixel under
it, measures the known tube distance within one pixel and places an ROI, and gives the
arrows back to the slices when it is switched off."""

from __future__ import annotations

import re

import pytest

from tests.tui.helpers import settle
from tests.tui.review_data import TUBES_1_TO_3_MM, review_data, simulated_studies  # noqa: F401
from tests.tui.review_helpers import open_series, run_review, text_of, tube_centres

pytestmark = pytest.mark.usefixtures("review_data")


def _keys_to(start: tuple[int, int], target: tuple[float, float]) -> list[str]:
    """The arrow presses moving the cursor from ``start`` to the pixel nearest ``target``:
    shift+arrows for each 8 pixels, plain arrows for the rest."""
    keys = []
    for delta, (minus, plus) in ((round(target[0]) - start[0], ("up", "down")),
                                 (round(target[1]) - start[1], ("left", "right"))):
        name = plus if delta > 0 else minus
        big, small = divmod(abs(delta), 8)
        keys += [f"shift+{name}"] * big + [name] * small
    return keys


async def _cursor_to(pilot, target: tuple[float, float]) -> None:
    await pilot.press(*_keys_to(pilot.app.screen.kbd_cursor, target))
    await settle(pilot)
    assert pilot.app.screen.kbd_cursor == (round(target[0]), round(target[1]))


def test_the_tube_distance_is_measured_with_the_keyboard_only():
    async def body(pilot) -> None:
        app = pilot.app
        await open_series(pilot, "T2 TSE transverse")
        screen = app.screen
        index = screen.index
        slice_ = screen.series.slices[index]
        first, _, third = tube_centres(slice_.pixels)
        await pilot.press("c")
        await settle(pilot)
        rows, cols = slice_.shape
        assert screen.kbd_cursor == (rows // 2, cols // 2)
        assert "cursor: arrows move" in text_of(pilot, "#review-info")
        await pilot.press("m")
        await _cursor_to(pilot, first)
        info = text_of(pilot, "#review-info")
        value = slice_.value_at(float(round(first[0])), float(round(first[1])))
        assert f"({round(first[0])}, {round(first[1])}) = {value:.0f}" in info
        assert re.search(r"[LR] [\d.]+ [DV] [\d.]+ C[rd] [\d.]+ mm", info)
        await pilot.press("space")
        await _cursor_to(pilot, third)
        await pilot.press("space")
        await settle(pilot)
        found = re.search(r"distance ([\d.]+) mm", text_of(pilot, "#review-info"))
        assert found, text_of(pilot, "#review-info")
        assert abs(float(found.group(1)) - TUBES_1_TO_3_MM) <= slice_.pixel_spacing_mm[1]
        assert screen.index == index  # the arrows moved the cursor, not the slice
        await pilot.press("escape", "c", "down")  # measuring done, cursor off: the arrows step slices again
        await settle(pilot)
        assert screen.kbd_cursor is None and screen.index == index + 1

    run_review(body)


def test_an_roi_is_placed_with_the_keyboard_cursor():
    async def body(pilot) -> None:
        app = pilot.app
        await open_series(pilot, "T2 TSE transverse")
        screen = app.screen
        _, (row, col), _ = tube_centres(screen.series.slices[screen.index].pixels)
        await pilot.press("r", "c")
        await _cursor_to(pilot, (row - 3, col - 3))
        await pilot.press("space")
        await _cursor_to(pilot, (row + 3, col + 3))
        await pilot.press("space")
        await settle(pilot)
        inside = re.search(r"ROI mean ([\d.]+) SD ([\d.]+)", text_of(pilot, "#review-info"))
        await _cursor_to(pilot, (row - 16, col - 3))  # air above the tube
        await pilot.press("space")
        await _cursor_to(pilot, (row - 11, col + 3))
        await pilot.press("space")
        await settle(pilot)
        beside = re.search(r"ROI mean ([\d.]+) SD", text_of(pilot, "#review-info"))
        assert inside and beside
        assert float(inside.group(1)) > 5 * float(beside.group(1))

    run_review(body)
