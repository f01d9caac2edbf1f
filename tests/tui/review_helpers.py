"""What the review tests share: the app opened on a study's review, run until it has
settled, and the small readings of the screen they assert on."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import numpy as np
from scipy import ndimage

from tests.tui.helpers import settle
from tests.tui.review_data import CURRENT


def review_app(study: str = CURRENT):
    """The app as ``vetmri tui --study`` opens it, at the tests' fixed clock."""
    from tests.tui.conftest import FIXED_NOW
    from vetmri.tui.app import VetmriApp

    return VetmriApp(clock=lambda: FIXED_NOW, watch_status=False, review_study=study)


def run_review(body: Callable[..., Awaitable[None]], study: str = CURRENT, size: tuple[int, int] = (120, 40)) -> None:
    """Open the review of ``study`` at ``size``, let it settle, then run ``body(pilot)``."""

    async def scenario() -> None:
        app = review_app(study)
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            await body(pilot)

    asyncio.run(scenario())


def text_of(pilot, selector: str) -> str:
    return str(pilot.app.screen.query_one(selector).render())


async def open_series(pilot, description: str) -> None:
    """Page through the study's series until ``description`` is shown."""
    screen = pilot.app.screen
    for _ in range(8):
        if screen.series is not None and screen.series.description == description:
            return
        await pilot.press("pagedown")
        await settle(pilot)
    raise AssertionError(f"{description} not found; at {screen.entry}")


def tube_centres(pixels: np.ndarray) -> list[tuple[float, float]]:
    """Centroids (row, col) of the bright tubes, left to right."""
    labels, count = ndimage.label(pixels > 0.1 * pixels.max())
    centres = ndimage.center_of_mass(pixels, labels, range(1, count + 1))
    sizes = ndimage.sum(np.ones_like(pixels), labels, range(1, count + 1))
    return sorted((c for c, s in zip(centres, sizes) if s > 30), key=lambda c: c[1])
