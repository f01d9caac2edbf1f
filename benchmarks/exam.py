"""The demonstration exam end to end (calibration to the last DICOM file and record) on the
simulated scanner, against its own scan time measured in the same run.

For each series: its scan time on the real scanner, the wall time here from its start to
its DICOM registered, when its first slice image was ready, and the time from its last
readout to its DICOM files on disk (the target: within 2 s for 2D Cartesian series).
The exam runs twice in one fresh data folder: first with no sequence built yet (a new
workstation), then again (the sequences of the same protocol come from the cache, as on
every later day of a clinic). Target on 2 cores: the whole exam at least 50x faster than
the scan.

Run: ``OMP_NUM_THREADS=1 python benchmarks/exam.py`` (options: ``--runs 1``, ``--series 1 2``).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")


def _run(data: Path, series: tuple[int, ...] | None, texture: bool = True) -> tuple[list[dict], dict]:
    os.environ["VETMRI_DATA_DIR"] = str(data)
    os.environ["VETMRI_CONFIG"] = str(data.parent / "settings.toml")
    from vetmri.exam import CalibrationStepDone, ExamRequest, ExamSession, SeriesDone, SeriesStarted, SliceImageReady, demo_pet
    from vetmri.records.store import open_store
    from vetmri.settings import load_settings

    settings = load_settings()
    rows: dict[int, dict] = {}
    marks: dict[str, float] = {}
    t0 = time.perf_counter()

    def on_event(event) -> None:
        now = time.perf_counter() - t0
        if isinstance(event, CalibrationStepDone) and event.step == "done":
            marks["calibration_s"] = now
        elif isinstance(event, SeriesStarted):
            rows[event.index] = {"name": event.description, "start": now, "first_slice": None}
        elif isinstance(event, SliceImageReady) and rows[event.index]["first_slice"] is None:
            rows[event.index]["first_slice"] = now - rows[event.index]["start"]
        elif isinstance(event, SeriesDone):
            rows[event.index].update(scan=event.scan_time_s, wall=event.wall_time_s, dicom=event.dicom_after_last_readout_s,
                                     images=event.images, method=event.method)

    with open_store(settings.data.dir, uid_root=settings.dicom.uid_root) as store:
        pet = demo_pet(store)
        outcome = ExamSession(store, settings, on_event=on_event).start(ExamRequest(pet.id, "brain", series=series, texture=texture))
    marks["wall_s"] = time.perf_counter() - t0
    marks["scan_s"] = outcome.scan_time_s
    marks["status"] = outcome.status
    return [rows[i] for i in sorted(rows)], marks


def main(argv: list[str] | None = None) -> int:
    import warnings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2, help="1: only a cold sequence cache")
    parser.add_argument("--series", type=int, nargs="*", help="series indices (default: all)")
    parser.add_argument("--texture", choices=("on", "off", "both"), default="on",
                        help="the realistic phantom (default), the piecewise-constant one, or both in turn "
                             "(their wall-time ratio printed at the end)")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore", UserWarning)
    print(f"dog 35 kg brain (the demo exam), {os.cpu_count()} cores, OMP_NUM_THREADS={os.environ['OMP_NUM_THREADS']}, "
          f"load {os.getloadavg()[0]:.1f} at the start")
    textures = {"on": (True,), "off": (False,), "both": (False, True)}[args.texture]
    walls: dict[bool, list[float]] = {t: [] for t in textures}
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "data"
        for run in range(args.runs):
            for texture in textures:
                rows, marks = _run(data, tuple(args.series) if args.series else None, texture)
                walls[texture].append(marks["wall_s"])
                label = "sequences built during the exam" if run == 0 else "sequences from the cache"
                label += ", textured phantom" if texture else ", piecewise-constant phantom"
                print(f"\n### run {run + 1}: {label} ({marks['status']})\n")
                print("| series | images | recon | scan s | wall s | first slice after s | DICOM after last readout s | scan / wall |")
                print("|---|---:|---|---:|---:|---:|---:|---:|")
                print(f"| calibration | - | - | - | {marks['calibration_s']:.1f} | - | - | - |")
                for r in rows:
                    if "scan" not in r:
                        print(f"| {r['name']} | failed | | | | | | |")
                        continue
                    first = "-" if r["first_slice"] is None else f"{r['first_slice']:.1f}"
                    print(f"| {r['name']} | {r['images']} | {r['method']} | {r['scan']:.1f} | {r['wall']:.1f} | {first} | "
                          f"{r['dicom']:.2f} | {r['scan'] / r['wall']:.1f}x |")
                print(f"| **exam** | | | {marks['scan_s']:.1f} | {marks['wall_s']:.1f} | | | "
                      f"**{marks['scan_s'] / marks['wall_s']:.1f}x** |", flush=True)
    if len(textures) == 2:
        ratios = [on / off for off, on in zip(walls[False], walls[True])]
        print("\ntextured / piecewise-constant phantom, exam wall time: "
              + ", ".join(f"run {i + 1}: {r:.2f}x" for i, r in enumerate(ratios)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
