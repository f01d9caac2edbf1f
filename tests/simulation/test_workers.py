"""Slice groups synthesised in forked worker processes: the same data bit for bit as in one
process, in order; an early stop, a dead worker and a killed simulator leave no process
behind and no hang."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from vetmri.errors import OperationFailedError
from vetmri.simulation.effects import EffectOptions
from vetmri.simulation.engine import prepare_sequence, simulate_sequence
from vetmri.simulation.phantom import load_phantom

from seqbuild import write_se

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

SLICES = (-0.012, -0.004, 0.004, 0.012)
OPTIONS = EffectOptions(seed=9, coil="head_large", magnet_temperature_change_k=0.01)


@pytest.fixture(scope="module")
def sequence(tmp_path_factory) -> Path:
    return write_se(tmp_path_factory.mktemp("workers") / "ms.seq", n=16, tr=0.4, slices=SLICES)


def children() -> list:
    return multiprocessing.active_children()


def test_two_worker_processes_give_the_data_of_one_process_bit_for_bit(sequence):
    phantom = load_phantom("test_tubes")
    one = simulate_sequence(sequence, phantom, options=OPTIONS, workers=1)
    two = simulate_sequence(sequence, phantom, options=OPTIONS, workers=2)
    assert len(one.acquisitions) == len(two.acquisitions) == 4 * 16
    for a, b in zip(one.acquisitions, two.acquisitions, strict=True):
        assert a.index == b.index and a.counters == b.counters
        np.testing.assert_array_equal(a.samples, b.samples)
    assert np.std(two.acquisitions[-1].samples) > 0
    assert one.notes == two.notes
    assert children() == []


def test_groups_from_workers_arrive_in_order_with_progress_before_each(sequence):
    log: list[str] = []
    run = prepare_sequence(sequence, load_phantom("test_tubes"), options=OPTIONS, workers=2,
                           on_progress=lambda fraction, message: log.append(message))
    slices = []
    for group in run.groups():
        log.append("group")
        slices.append({a.slab_centre_m[2] for a in group if a.slab_centre_m is not None})
    assert log == [entry for g in range(len(SLICES)) for entry in (f"slice group {g + 1} of {len(SLICES)}", "group")] + ["done"]
    assert [s.pop() for s in slices] == pytest.approx(list(SLICES))


def test_stopping_after_the_first_group_stops_the_workers(sequence):
    """An abort closes the stream mid-series: the workers are gone at once."""
    run = prepare_sequence(sequence, load_phantom("test_tubes"), options=OPTIONS, workers=2)
    stream = run.groups()
    next(stream)
    assert len(children()) == 2
    stream.close()
    assert children() == []


def test_a_worker_that_dies_ends_the_run_with_a_sentence(sequence):
    def kill_a_worker(fraction: float, message: str) -> None:
        if message.startswith("slice group 1"):  # reported before the groups are handed out
            os.kill(children()[0].pid, signal.SIGKILL)

    run = prepare_sequence(sequence, load_phantom("test_tubes"), options=OPTIONS, workers=2,
                           on_progress=kill_a_worker)
    with pytest.raises(OperationFailedError, match="worker process stopped unexpectedly"):
        for _ in run.groups():
            pass
    assert children() == []


def test_workers_die_with_a_killed_simulator(tmp_path, sequence):
    """SIGKILL of the simulating process takes its workers with it (none is left holding
    its files or sockets)."""
    script = tmp_path / "run.py"
    script.write_text(
        "import sys\n"
        "from vetmri.simulation.effects import EffectOptions\n"
        "from vetmri.simulation.engine import prepare_sequence\n"
        "from vetmri.simulation.phantom import load_phantom\n"
        f"run = prepare_sequence({str(sequence)!r}, load_phantom('test_tubes'), workers=2,\n"
        "                      options=EffectOptions(seed=1, coil='head_large'))\n"
        "for group in run.groups():\n"
        "    print('group', flush=True)\n"
        "    sys.stdin.readline()  # wait for the test, workers alive\n"
    )
    process = subprocess.Popen([sys.executable, str(script)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().strip() == "group"
        workers = _children_of(process.pid)
        assert len(workers) == 2
        process.kill()
        process.wait(timeout=10)
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(_alive(pid) for pid in workers)
    finally:
        if process.poll() is None:
            process.kill()


def _children_of(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(p) for p in (task / "children").read_text().split()]
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


class _LargeResults:
    """A target whose every task sends back 64 MB: more than a pipe holds, so a worker is
    still writing its result when the caller stops."""

    def block(self, index: int) -> np.ndarray:
        return np.full(8_000_000, float(index))


def test_stopping_while_workers_write_large_results_returns_and_leaves_no_process():
    import threading

    from vetmri.simulation.workers import group_pool

    finished = threading.Event()
    first: list = []

    def run() -> None:
        with group_pool(_LargeResults(), 2) as pool:
            assert pool.processes == 2
            results = pool.imap("block", [(i,) for i in range(8)])
            first.append(next(results))
            results.close()  # the other worker, and this one's next task, are mid-write
        finished.set()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(120)
    assert finished.is_set(), "stopping the workers hung on a half-written result"
    assert first and first[0][0] == 0.0 and first[0].shape == (8_000_000,)
    assert children() == []


class _LargeTasks:
    """Tasks and results both larger than a pipe holds (a group's echo weights and its readouts)."""

    def echo(self, values: np.ndarray) -> np.ndarray:
        return values * 2


def test_large_tasks_and_large_results_pass_both_ways_without_the_two_sides_waiting_on_each_other():
    import threading

    from vetmri.simulation.workers import group_pool

    out: list = []

    def run() -> None:
        with group_pool(_LargeTasks(), 2) as pool:
            out.extend(pool.imap("echo", [(np.full(2_000_000, float(i)),) for i in range(6)]))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(120)
    assert not thread.is_alive(), "the caller and a worker waited on each other"
    assert [float(o[0]) for o in out] == [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]
    assert children() == []
