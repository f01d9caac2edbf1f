"""Synthesising a run's slice groups on every core: forked worker processes, or the
calling process when one is enough.

Each slice group is independent once the phase graph's echo weights are known (its noise
has its own seeded generator), so the groups of a run are spread over worker processes
forked from the caller: the children inherit the prepared run (the sequence, the
phantom, the layout of every readout) and receive only small task descriptions; they send
back the finished readouts. Results come back in the groups' order, so the data are
the same bit for bit however many processes made them.

The workers reset SIGTERM to its default and ignore SIGINT (Ctrl-C reaches the parent,
which stops them), write nothing to the parent's terminal, and on Linux die with their
parent, so a killed simulator leaves no orphan holding its sockets or files open.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import sys
import threading
import warnings
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any

from vetmri.errors import OperationFailedError

__all__ = ["WORKER_START_TIMEOUT_S", "GroupPool", "available_cores", "group_pool"]

#: How long the forked workers may take to answer their first task before the simulation
#: gives up on them and runs in the calling process.
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


class GroupPool:
    """Calls methods of one target object on many arguments, in order: in worker processes
    when it has any, else in the calling process.

    Attributes
    ----------
    processes : int
        Worker processes (0: everything runs in the calling process).
    """

    def __init__(self, target: Any, executor: ProcessPoolExecutor | None = None, processes: int = 0):
        self.target, self._executor, self.processes = target, executor, processes

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
        if self._executor is None:
            call = getattr(self.target, method)
            for args in arguments:
                yield call(*args)
            return
        try:
            yield from self._executor.map(_call_in_worker, [(method, tuple(args)) for args in arguments])
        except BrokenProcessPool:
            raise OperationFailedError(
                "A simulation worker process stopped unexpectedly (killed, or out of memory); run the "
                "simulation again, with fewer slices or a smaller matrix if it happens again."
            ) from None


@contextmanager
def group_pool(target: Any, processes: int) -> Iterator[GroupPool]:
    """A :class:`GroupPool` over ``target`` with up to ``processes`` forked workers (fewer
    than 2, no fork available, or inside a daemon process: the calling process does the
    work). The workers are stopped when the block ends, also when the caller stops early."""
    executor = _start_workers(target, processes) if processes >= 2 and _can_fork() else None
    try:
        yield GroupPool(target, executor, processes if executor is not None else 0)
    finally:
        if executor is not None:
            _stop_workers(executor)


def _start_workers(target: Any, processes: int) -> ProcessPoolExecutor | None:
    """Fork the workers now, with ``target`` in their memory."""
    global _FORKED_TARGET
    with _FORK_LOCK:
        _FORKED_TARGET = target
        try:
            executor = ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork"),
                                           initializer=_worker_started)
            try:  # with fork, the first task starts every worker
                executor.submit(os.getpid).result(timeout=WORKER_START_TIMEOUT_S)
            except TimeoutError:  # a worker forked while another thread held a lock it needs
                log.warning("the simulation workers did not start within %g s; simulating in one process",
                            WORKER_START_TIMEOUT_S)
                _stop_workers(executor)
                return None
            return executor
        except (OSError, BrokenProcessPool) as exc:  # no processes left: do the work here
            log.warning("could not start %d simulation workers (%s); simulating in one process", processes, exc)
            return None
        finally:
            _FORKED_TARGET = None


def _stop_workers(executor: ProcessPoolExecutor) -> None:
    """Cancel what has not started and stop the workers at once (an abort must not wait
    for the groups in flight)."""
    processes = list((getattr(executor, "_processes", None) or {}).values())
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:  # a worker stuck on a lock inherited at the fork ignores nothing but SIGKILL
        process.join(5)
        if process.is_alive():
            process.kill()
    executor.shutdown(wait=True, cancel_futures=True)  # its manager thread reaps them


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


def _call_in_worker(task: tuple[str, tuple]) -> Any:
    method, args = task
    return getattr(_FORKED_TARGET, method)(*args)
