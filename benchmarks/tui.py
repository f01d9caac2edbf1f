"""The terminal UI against the command line doing the same in the same run.

1. Launch to the first drawn screen: the real ``vetmri`` started in tmux until its
   patients screen shows the pets, against ``vetmri records search`` printing them.
2. Search as you type at 20k pets: per keystroke of an owner's name, from the key to the
   redrawn results (the app driven by Textual's Pilot), against one
   ``vetmri records search PREFIX`` per keystroke and against the core search call itself.

Usage: python benchmarks/tui.py [--pets 20000] [--runs 5]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

FIRST = ["Bella", "Luna", "Max", "Mochi", "Rex", "Nala", "Milo", "Coco", "Simba", "Lola", "Oscar", "Kira"]
FAMILY = ["Müller", "García", "Lee", "Novak", "Rossi", "Dubois", "Silva", "Kowalski", "Jensen", "Öztürk"]
SPECIES = [("dog", 8.0, 40.0), ("cat", 2.5, 7.0), ("rabbit", 1.0, 4.0)]
QUERY = "kowals"


def fill_store(pets: int) -> None:
    """``pets`` pets of ``pets // 2`` owners in the store the environment names."""
    from vetmri.records.store import open_store

    rng = random.Random(7)
    with open_store() as store, store.bulk():
        owners = [store.add_owner(f"{rng.choice(FIRST)} {rng.choice(FAMILY)}-{i}", f"030 {1000000 + i}").id
                  for i in range(max(1, pets // 2))]
        for i in range(pets):
            species, low, high = rng.choice(SPECIES)
            store.add_pet(owners[i % len(owners)], f"{rng.choice(FIRST)} {i}", species, round(rng.uniform(low, high), 1))


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1e3


def launch_in_tmux(vetmri: Path, env: dict[str, str], wanted: str) -> float:
    """Seconds from starting ``vetmri`` in tmux to ``wanted`` on its screen."""
    session = f"vetmri-bench-{uuid.uuid4().hex[:8]}"
    setting = " ".join(f"{k}={env[k]}" for k in ("VETMRI_CONFIG", "VETMRI_DATA_DIR"))
    start = time.perf_counter()
    tmux = ["tmux", "-L", session]  # a server of its own, apart from anyone else's sessions
    subprocess.run([*tmux, "new-session", "-d", "-s", session, "-x", "120", "-y", "40",
                    f"env {setting} {vetmri}"], check=True)
    try:
        while True:
            screen = subprocess.run([*tmux, "capture-pane", "-p", "-t", session], capture_output=True, text=True).stdout
            if wanted in screen:
                return time.perf_counter() - start
            if time.perf_counter() - start > 60:
                raise RuntimeError(f"vetmri did not show {wanted!r} within 60 s:\n{screen}")
            time.sleep(0.01)
    finally:
        subprocess.run([*tmux, "send-keys", "-t", session, "C-q"], capture_output=True)
        time.sleep(0.3)
        subprocess.run([*tmux, "kill-server"], capture_output=True)


def cli_seconds(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, capture_output=True, check=True)
    return time.perf_counter() - start


def keystroke_latencies(query: str) -> list[float]:
    """Seconds from each key of ``query`` to its results drawn, in the app."""
    from vetmri.tui.app import VetmriApp
    from vetmri.tui.screens.patients import PatientsScreen

    drawn: dict[str, float] = {}
    original = PatientsScreen.on_patients_screen_search_done

    def timed(self, message):
        original(self, message)
        drawn.setdefault(message.text, time.perf_counter())

    PatientsScreen.on_patients_screen_search_done = timed  # type: ignore[method-assign]

    async def drive() -> list[float]:
        app = VetmriApp(watch_status=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.press("slash")
            latencies = []
            for n in range(1, len(query) + 1):
                start = time.perf_counter()
                await pilot.press(query[n - 1])
                while query[:n] not in drawn:
                    await asyncio.sleep(0.001)
                latencies.append(drawn[query[:n]] - start)
            return latencies

    try:
        return asyncio.run(drive())
    finally:
        PatientsScreen.on_patients_screen_search_done = original  # type: ignore[method-assign]


def core_search_seconds(query: str) -> list[float]:
    from vetmri.records.store import open_store

    with open_store() as store:
        store.search("")
        out = []
        for n in range(1, len(query) + 1):
            start = time.perf_counter()
            store.search(query[:n], limit=50)
            out.append(time.perf_counter() - start)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pets", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if not shutil.which("tmux"):
        sys.exit("benchmarks/tui.py needs tmux (make system-deps).")
    vetmri = Path(sys.executable).with_name("vetmri")
    rows: list[tuple[str, str, float, str]] = []
    for pets in (10, args.pets):
        with tempfile.TemporaryDirectory() as home:
            env = {**os.environ, "VETMRI_CONFIG": f"{home}/settings.toml", "VETMRI_DATA_DIR": f"{home}/data"}
            os.environ.update({k: env[k] for k in ("VETMRI_CONFIG", "VETMRI_DATA_DIR")})
            started = time.perf_counter()
            fill_store(pets)
            print(f"{pets} pets registered in {time.perf_counter() - started:.1f} s", file=sys.stderr)
            launch_in_tmux(vetmri, env, "Today")  # warm the file cache
            first = [launch_in_tmux(vetmri, env, "Today") for _ in range(args.runs)]  # the screen drawn
            tui = [launch_in_tmux(vetmri, env, " kg ") for _ in range(args.runs)]  # and the pets listed
            cli = [cli_seconds([str(vetmri), "records", "search", "--limit", "50"], env) for _ in range(args.runs)]
            rows.append((f"launch, {pets} pets", "TUI: first screen drawn", median_ms(first), ""))
            rows.append(("", "TUI: pets listed", median_ms(tui), ""))
            rows.append(("", "CLI: vetmri records search", median_ms(cli), f"{median_ms(first) / median_ms(cli):.2f}"))
            if pets == args.pets:
                keys = [s for _ in range(args.runs) for s in keystroke_latencies(QUERY)]
                cli_keys = [cli_seconds([str(vetmri), "records", "search", QUERY[:n]], env)
                            for _ in range(max(1, args.runs // 2)) for n in range(1, len(QUERY) + 1)]
                core = [s for _ in range(args.runs) for s in core_search_seconds(QUERY)]
                label = f"per keystroke, {pets} pets"
                rows.append((label, "TUI key to results drawn", median_ms(keys), ""))
                rows.append(("", "CLI records search per prefix", median_ms(cli_keys),
                             f"{median_ms(keys) / median_ms(cli_keys):.2f}"))
                rows.append(("", "core store.search() alone", median_ms(core),
                             f"{median_ms(keys) / median_ms(core):.2f}"))
                rows.append(("", "TUI worst keystroke", max(keys) * 1e3, ""))
    print(f"{'measurement':26} {'what':32} {'median ms':>10} {'TUI / this':>11}")
    for measurement, what, ms, ratio in rows:
        print(f"{measurement:26} {what:32} {ms:10.1f} {ratio:>11}")


if __name__ == "__main__":
    main()
