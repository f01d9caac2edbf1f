"""How soon a slice reconstructed during a simulated scan is on the acquisition screen.

Runs a dog-brain exam (the demo dog, series 0-2 by default) on the simulated scanner in the
terminal UI (headless, 120x40) in a throw-away data folder, and reports for each series the
time from a slice's last readout to its picture on screen (median and max over the slices
drawn), against the series' own slice interval (scan time / slices) as the peer: the ratio
says how small the wait is next to the time the scanner takes to give the next slice.

    python benchmarks/tui_live_slice.py [--series 0,1,2]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", default="0,1,2")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="vetmri-bench-live-")
    os.environ["VETMRI_CONFIG"] = f"{folder}/settings.toml"
    os.environ["VETMRI_DATA_DIR"] = f"{folder}/data"
    asyncio.run(run(tuple(int(i) for i in args.series.split(","))))


async def run(series: tuple[int, ...]) -> None:
    from vetmri.exam import ExamRequest, SeriesStarted, demo_pet
    from vetmri.records.store import open_store
    from vetmri.tui.app import VetmriApp
    from vetmri.tui.widgets.live_slice import LiveSlicePanel

    with open_store() as store:
        pet = demo_pet(store)
    app = VetmriApp(watch_status=False)
    started: dict[int, SeriesStarted] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.5)
        original = app._exam_event

        def spy(event):
            if isinstance(event, SeriesStarted):
                started[event.index] = event
            original(event)

        app._exam_event = spy
        t0 = time.monotonic()
        app.start_exam(ExamRequest(pet.id, "brain", series=series, training=True))
        app.action_acquisition()
        while app.exam_running or time.monotonic() - t0 < 1.0:
            await pilot.pause(0.05)
        await pilot.pause(0.5)
        latencies = app.screen.query_one(LiveSlicePanel).latencies
        wall = time.monotonic() - t0
    print(f"exam of {len(series)} series in {wall:.1f} s wall; {len(latencies)} slices drawn")
    print(f"{'series':<28} {'drawn':>5} {'median ms':>10} {'max ms':>8} {'slice interval s':>17} {'median/interval':>16}")
    everything = []
    for index in series:
        own = [lat for i, _, lat in latencies if i == index]
        event = started.get(index)
        if not own or event is None:
            continue
        everything += own
        interval = event.scan_time_s / max(1, event.slices)
        median = statistics.median(own)
        print(f"{event.description:<28} {len(own):>5} {median * 1e3:>10.1f} {max(own) * 1e3:>8.1f} "
              f"{interval:>17.2f} {median / interval:>16.5f}")
    if everything:
        print(f"{'all':<28} {len(everything):>5} {statistics.median(everything) * 1e3:>10.1f} "
              f"{max(everything) * 1e3:>8.1f}")


if __name__ == "__main__":
    main()
