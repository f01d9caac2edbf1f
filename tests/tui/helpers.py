"""Helpers of the Pilot tests."""

from __future__ import annotations


async def settle(pilot, delay: float = 0.05) -> None:
    """Wait until every worker is done and the screen is redrawn."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(delay)
