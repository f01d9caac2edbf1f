"""Helpers of the Pilot tests."""

from __future__ import annotations

from textual.worker import WorkerCancelled, WorkerFailed


async def settle(pilot, delay: float = 0.05) -> None:
    """Wait until every worker is done and the screen is redrawn (a worker that failed is
    the app's to report: tests look for its notification; one cancelled was replaced by a
    newer exclusive worker, as a redrawn preview replaces the one under way)."""
    for _ in range(3):
        try:
            await pilot.app.workers.wait_for_complete()
        except (WorkerFailed, WorkerCancelled):
            pass
        await pilot.pause(delay)
