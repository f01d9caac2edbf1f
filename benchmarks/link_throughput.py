"""Throughput of the scanner link against the in-process simulated backend, measured in
the same run.

Two comparisons, each printed as a markdown table with acquisitions/s, MB/s and the ratio:

1. The same series simulated and written to a raw file: in process vs through
   ``vetmri sim-server`` over loopback TCP (another process).
2. The link alone: a stored (pre-simulated) series replayed by a link server in another
   process, so the simulation time does not hide the link's cost; the peer is the same
   replay in process. Both write every acquisition to a raw file (append + flush), and
   the link is also measured without writing.

Run: ``OMP_NUM_THREADS=1 python benchmarks/link_throughput.py`` (options: ``--set
matrix=128,128``, ``--repeat 8`` replays of the stored series).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

from vetmri.acquisition.contract import Adjustments  # noqa: E402
from vetmri.acquisition.link import LinkBackend, LinkServer  # noqa: E402
from vetmri.acquisition.phantoms import phantom_for_exam  # noqa: E402
from vetmri.acquisition.runner import run_exam  # noqa: E402
from vetmri.acquisition.simulated import SimulatedBackend, SimulatedConditions  # noqa: E402
from vetmri.protocols.overrides import parse_override  # noqa: E402
from vetmri.protocols.planner import plan_exam  # noqa: E402
from vetmri.rawdata import Acquisition, RawExamWriter, header_to_xml, list_groups, read_series  # noqa: E402
from vetmri.scanner.profile import load_profile  # noqa: E402

PATIENT = ("cat", 3.0, "brain")
SERIES = 2


class ReplayBackend:
    """Streams a stored series' noise readouts, then its imaging readouts ``repeat`` times
    (no simulation)."""

    def __init__(self, raw: Path, group: str, repeat: int) -> None:
        series = read_series(raw, group)
        self.noise, self.imaging = list(series.noise), list(series.acquisitions)
        self.header = series.header
        self.repeat = repeat

    def capabilities(self):
        return load_profile()

    def calibrate(self, steps=None, *, on_progress=None) -> Adjustments:
        return Adjustments()

    def run(self, seq_text: str, mrd_header_xml: str, adjustments: Adjustments, *, on_progress=None) -> Iterator[Acquisition]:
        yield from self.noise  # noise first, once: a series has one noise scan
        for _ in range(self.repeat):
            yield from self.imaging

    def abort(self) -> None:
        pass


def _start(command: list[str]) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                               env={**os.environ, "OMP_NUM_THREADS": "1"})
    line = process.stdout.readline()
    match = re.search(r"listening on (\S+:\d+)", line)
    if match is None:
        process.kill()
        raise SystemExit(f"the server did not start: {line!r}")
    return process, match.group(1)


def _best(rounds: int, work) -> float:
    """The shortest of ``rounds`` timings of ``work()`` (the machine is shared)."""
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def _stop(process: subprocess.Popen) -> None:
    process.kill()
    process.wait()
    process.stdout.close()


def _row(name: str, count: int, megabytes: float, seconds: float) -> tuple[str, int, float, float, float]:
    return name, count, megabytes, seconds, count / seconds


def _print(title: str, rows: list, peer: str) -> None:
    print(f"\n### {title}\n")
    print("| path | acquisitions | MB | time (s) | acquisitions/s | MB/s | vs in process |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    base = next(r for r in rows if r[0] == peer)
    for name, count, mb, seconds, rate in rows:
        print(f"| {name} | {count} | {mb:.1f} | {seconds:.2f} | {rate:.0f} | {mb / seconds:.1f} | {rate / base[4]:.2f}x |")


def _megabytes(raw: Path) -> tuple[int, float]:
    count, size = 0, 0
    for group in list_groups(raw):
        s = read_series(raw, group)
        for a in s.noise + s.acquisitions:
            count += 1
            size += a.data.nbytes + 340
    return count, size / 1e6


def _replay_server(raw: Path, group: str, repeat: int) -> int:
    server = LinkServer(ReplayBackend(raw, group, repeat), port=0)
    host, port = server.address
    print(f"replay server: listening on {host}:{port}", flush=True)
    server.serve_forever()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", action="append", dest="overrides", metavar="KEY=VALUE",
                        default=None, help="series overrides (default: matrix=128,128 slices=4 averages=1)")
    parser.add_argument("--repeat", type=int, default=8, help="replays of the stored series in the link-only test")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds of each path; the best is shown")
    parser.add_argument("--replay-server", nargs=3, metavar=("RAW", "GROUP", "REPEAT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore", UserWarning)
    if args.replay_server:
        raw, group, repeat = args.replay_server
        return _replay_server(Path(raw), group, int(repeat))
    overrides = args.overrides or ["matrix=128,128", "slices=4", "averages=1"]
    plan = plan_exam(*PATIENT, overrides=[parse_override(s, None) for s in overrides])
    conditions = SimulatedConditions(coil=plan.coil, seed=1)
    phantom = phantom_for_exam(PATIENT[0], PATIENT[2], PATIENT[1])
    print(f"{PATIENT[0]} {PATIENT[1]:g} kg {PATIENT[2]}, series {SERIES} ({', '.join(overrides)}), "
          f"{os.cpu_count()} cores, OMP_NUM_THREADS={os.environ['OMP_NUM_THREADS']}", file=sys.stderr)
    adjustments = Adjustments()
    rounds = args.rounds
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        names = iter(range(10_000))

        def fresh(stem: str) -> Path:
            return folder / f"{stem}-{next(names)}.h5"

        # 1. simulate + write: in process vs sim-server (a warm-up run each, then the best of the rounds)
        local = SimulatedBackend(phantom, conditions=conditions)
        run_exam(plan, local, folder / "local.h5", series=[SERIES], adjustments=adjustments)
        local_s = _best(rounds, lambda: run_exam(plan, local, fresh("local"), series=[SERIES], adjustments=adjustments))
        server, address = _start([sys.executable, "-m", "vetmri", "sim-server", "--species", "cat", "--weight", "3",
                                  "--region", "brain", "--seed", "1", "--port", "0"])
        try:
            with LinkBackend.connect(address) as link:
                run_exam(plan, link, fresh("link"), series=[SERIES], adjustments=adjustments)
                link_s = _best(rounds, lambda: run_exam(plan, link, fresh("link"), series=[SERIES],
                                                        adjustments=adjustments))
        finally:
            _stop(server)
        count, mb = _megabytes(folder / "local.h5")
        _print(f"Simulate and write one series (best of {rounds})", [
            _row("in process (SimulatedBackend)", count, mb, local_s),
            _row("vetmri sim-server over loopback TCP", count, mb, link_s),
        ], "in process (SimulatedBackend)")

        # 2. the link alone: replay the stored series
        group = list_groups(folder / "local.h5")[0]
        replay = ReplayBackend(folder / "local.h5", group, args.repeat)
        noise = len(replay.noise)
        total = noise + (count - noise) * args.repeat
        total_mb = mb * total / count
        header_xml = header_to_xml(replay.header)

        def write(stream) -> None:
            with RawExamWriter(fresh("replay")) as writer:
                series_writer = writer.open_series(replay.header)
                for acquisition in stream:
                    series_writer.append(acquisition)

        replay_local_s = _best(rounds, lambda: write(replay.run("", header_xml, adjustments)))
        server, address = _start([sys.executable, __file__, "--replay-server", str(folder / "local.h5"), group,
                                  str(args.repeat)])
        try:
            with LinkBackend.connect(address) as link:
                replay_link_s = _best(rounds, lambda: write(link.run("", header_xml, adjustments)))
                received = sum(1 for _ in link.run("", header_xml, adjustments))
                link_only_s = _best(rounds, lambda: sum(1 for _ in link.run("", header_xml, adjustments)))
        finally:
            _stop(server)
        assert received == total
        _print(f"The link alone: a stored series replayed {args.repeat} times (best of {rounds})", [
            _row("in process, written to a raw file", total, total_mb, replay_local_s),
            _row("over loopback TCP, written to a raw file", total, total_mb, replay_link_s),
            _row("over loopback TCP, received and decoded only", total, total_mb, link_only_s),
        ], "in process, written to a raw file")
    print("\nratio: acquisitions/s of each path over the in-process peer measured in the same run.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
