"""Synthesising a run's slice groups on every core: forked worker processes, or the
calling process when one is enough.

Each slice group is independent once the phase graph's echo weights are known (its noise
has its own seeded generator), so the groups of a run are spread over worker processes
forked from the caller: the children inherit the prepared run (the sequence, the
phantom, the layout of every readout) and receive only small task descriptions; they send
back the finished readouts. Results come back in the groups' order, so the data are
the same bit for bit however many processes made them.

Each worker has its own pipe, and the caller reads the results itself: stopping the
workers (an abort, a full disk) closes the pipes and never waits for a result half
written. (The standard library's process pool reads every result in one thread from one
shared queue, and that thread waits forever for the rest of a result whose worker was
stopped while writing it: an exam that ended on a full disk could hang there.)

The workers reset SIGTERM to its default and ignore SIGINT (Ctrl-C reaches the parent,
which stops them), write nothing to the parent's terminal, and on Linux die with their
parent, so a killed simulator leaves no orphan holding its sockets or files open.
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import threading
import time
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from vetmri.errors import OperationFailedError

__all__ = ["WORKER_START_TIMEOUT_S", "GroupPool", "available_cores", "group_pool"]

#: How long the forked workers may take to report ready before the simulation gives up on
#: them and runs in the calling process.
WORKER_START_TIMEOUT_S = 30.0

log = logging.getLogger(__name__)

_FORK_LOCK = threading.Lock()
_FORKED_TARGET: Any = None  # the object the children call methods of (set around the fork)
_PR_SET_PDEATHSIG = 1


def available_cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


class _Workers:
    """Forked worker processes, each on its own pipe: the caller hands out tasks and reads
    results itself, so stopping the workers never waits on a half-sent message (a pool
    with a shared result queue and a reader thread hangs when a worker is stopped while it
    writes a large result)."""

    def __init__(self, processes: list, pipes: list):
        self.processes, self.pipes = processes, pipes

    def imap(self, method: str, arguments: list[tuple]) -> Iterator:
        """Each worker holds one task at a time: it is handed the next only once its result
        is read, so it is then waiting for it (a task carries echo weights, larger than a
        pipe holds; sent to a worker busy writing a result, the two would wait on each
        other). The next task goes out before the caller gets the result."""
        pending = list(enumerate(arguments))
        pending.reverse()
        held: dict[Any, int] = {}  # pipe -> index of the task its worker holds
        sentinels = {process.sentinel: pipe for process, pipe in zip(self.processes, self.pipes)}
        done: dict[int, Any] = {}
        wanted = 0
        while wanted < len(arguments):
            for pipe in self.pipes:
                if pending and pipe not in held:
                    index, args = pending.pop()
                    try:
                        pipe.send((method, args))
                    except OSError:
                        raise _broken() from None
                    held[pipe] = index
            while wanted in done:
                yield done.pop(wanted)
                wanted += 1
            if wanted >= len(arguments):
                return
            watched = list(held) + [s for s, pipe in sentinels.items() if pipe in held]
            for ready in multiprocessing.connection.wait(watched):
                if ready in sentinels:  # a worker ended: only its last result may still be read
                    if not _has_data(sentinels[ready]):
                        raise _broken()
                    continue
                try:
                    ok, value = ready.recv()
                except (EOFError, OSError):
                    raise _broken() from None
                index = held.pop(ready)
                if not ok:
                    raise value
                done[index] = value

    def stop(self) -> None:
        """Stop every worker at once by SIGTERM (an abort does not wait for the groups in
        flight) and close the pipes, which ends a waiting worker too; SIGKILL for one that is
        still there after 5 s (stuck on a lock inherited at the fork)."""
        for process, pipe in zip(self.processes, self.pipes):
            try:
                if process.is_alive():
                    process.terminate()
            finally:
                pipe.close()
        for process in self.processes:
            process.join(5)
            if process.is_alive():
                process.kill()
                process.join(5)


def _has_data(pipe) -> bool:
    try:
        return pipe.poll()
    except (EOFError, OSError):
        return False


def _broken() -> OperationFailedError:
    return OperationFailedError(
        "A simulation worker process stopped unexpectedly (killed, or out of memory); run the "
        "simulation again, with fewer slices or a smaller matrix if it happens again.")


class GroupPool:
    """Calls methods of one target object on many arguments, in order: in worker processes
    when it has any, else in the calling process.

    Attributes
    ----------
    processes : int
        Worker processes (0: everything runs in the calling process).
    """

    def __init__(self, target: Any, workers: _Workers | None = None):
        self.target, self._workers = target, workers
        self.processes = len(workers.processes) if workers is not None else 0

    def map(self, method: str, arguments: Iterable[tuple]) -> list:
        """``[target.method(*a) for a in arguments]``."""
        return list(self.imap(method, arguments))

    def imap(self, method: str, arguments: Iterable[tuple]) -> Iterator:
        """``target.method(*a)`` for each of ``arguments``, yielded in order as they finish.

        Raises
        ------
        OperationFailedError
            A worker process died (killed, or out of memory).
        """
        if self._workers is None:
            call = getattr(self.target, method)
            for args in arguments:
                yield call(*args)
            return
        yield from self._workers.imap(method, [tuple(a) for a in arguments])


@contextmanager
def group_pool(target: Any, processes: int) -> Iterator[GroupPool]:
    """A :class:`GroupPool` over ``target`` with up to ``processes`` forked workers (fewer
    than 2, no fork available, or inside a daemon process: the calling process does the
    work). The workers are stopped when the block ends, also when the caller stops early."""
    workers = _start_workers(target, processes) if processes >= 2 and _can_fork() else None
    try:
        yield GroupPool(target, workers)
    finally:
        if workers is not None:
            workers.stop()


def _start_workers(target: Any, processes: int) -> _Workers | None:
    """Fork the workers now, with ``target`` in their memory; None (the caller does the
    work) when they cannot be started or do not all report ready within
    :data:`WORKER_START_TIMEOUT_S`."""
    global _FORKED_TARGET
    context = multiprocessing.get_context("fork")
    with _FORK_LOCK:
        _FORKED_TARGET = target
        started, pipes = [], []
        try:
            for _ in range(processes):
                mine, theirs = context.Pipe(duplex=True)
                process = context.Process(target=_worker_main, args=(theirs,), daemon=True,
                                          name="vetmri-simulation-worker")
                process.start()
                theirs.close()
                started.append(process)
                pipes.append(mine)
        except OSError as exc:  # no processes left: do the work here
            log.warning("could not start %d simulation workers (%s); simulating in one process", processes, exc)
            _Workers(started, pipes).stop()
            return None
        finally:
            _FORKED_TARGET = None
    workers = _Workers(started, pipes)
    deadline = time.monotonic() + WORKER_START_TIMEOUT_S
    for pipe in pipes:
        try:
            ready = pipe.poll(max(0.0, deadline - time.monotonic())) and pipe.recv() == "ready"
        except (EOFError, OSError):
            ready = False
        if not ready:  # a worker forked while another thread held a lock it needs
            log.warning("the simulation workers did not start within %g s; simulating in one process",
                        WORKER_START_TIMEOUT_S)
            workers.stop()
            return None
    return workers


def _worker_main(pipe) -> None:
    _worker_started()
    target = _FORKED_TARGET
    pipe.send("ready")
    while True:
        try:
            task = pipe.recv()
        except (EOFError, OSError):  # the caller closed the pipe: the pool stops
            return
        method, args = task
        try:
            reply = (True, getattr(target, method)(*args))
        except BaseException as exc:  # handed to the caller, which raises it
            reply = (False, exc)
        try:
            pipe.send(reply)
        except (OSError, ValueError):
            return
        except Exception as exc:  # noqa: BLE001 - an exception that does not pickle
            pipe.send((False, OperationFailedError(f"A simulation worker failed: {exc}.")))


def _can_fork() -> bool:
    if "fork" not in multiprocessing.get_all_start_methods():
        return False
    return not multiprocessing.current_process().daemon


def _worker_started() -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # fresh standard streams: a thread of the parent (a server's logging) may have held the
    # inherited ones' locks at the fork; the workers have nothing to say (the parent reports)
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the worker
    sys.stderr = open(os.devnull, "w")  # noqa: SIM115
    warnings.simplefilter("ignore")
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # no prctl: the pool's own shutdown still applies
            pass
        if os.getppid() == 1:  # the parent died before prctl took effect
            os._exit(1)

