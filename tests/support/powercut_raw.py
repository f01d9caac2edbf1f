"""An acquisition writing raw MRD data through the power-cut mount, for the power-cut tests.

Each round resumes the exam file (as a scan resumed after the power came back), opens a new
series and writes slice groups of readouts. The ledger holds, per series, how many readouts
:meth:`SeriesWriter.extend` reported written; the check rebuilds the file from its journal
(:func:`vetmri.rawdata.recover_raw_file`, as the workstation does when it opens it) and reads
it back with the project's reader.
"""

from __future__ import annotations

import multiprocessing
from contextlib import suppress

import numpy as np
from powercut_fs import PowerCutDisk
from powercut_rounds import Outcome

from vetmri.rawdata import (
    Acquisition, EncodingCounters, EncodingLimits, Limit, RawExamWriter, SeriesHeader, list_groups, read_series,
    recover_raw_file, series_group_name,
)

LINES, SAMPLES, GROUPS = 16, 16, 4  # readouts per slice group, samples, slice groups per series
ROUNDS_PER_FILE = 4


def header(index: int) -> SeriesHeader:
    return SeriesHeader(
        encoded_matrix=(SAMPLES, LINES, 1), encoded_fov_m=(0.2, 0.2, 0.005),
        recon_matrix=(SAMPLES, LINES, 1), recon_fov_m=(0.2, 0.2, 0.005),
        limits=EncodingLimits(kspace_encoding_step_1=Limit(0, LINES - 1, LINES // 2), slice=Limit(0, GROUPS - 1, 0)),
        series_name=f"t2 tse {index}", series_index=index, channels=2,
    )


def readout(series: int, slice_: int, ky: int) -> Acquisition:
    data = np.full((2, SAMPLES), series + 1j * (slice_ * LINES + ky), np.complex64)
    return Acquisition(data, EncodingCounters(kspace_encode_step_1=ky, slice=slice_), center_sample=SAMPLES // 2)


class RawWorkload:
    """Series after series of slice groups, with the readouts acknowledged per series."""

    def __init__(self, disk: PowerCutDisk, *, durable: bool = True) -> None:
        self.disk = disk
        self.durable = durable
        self.round = 0
        self.acknowledged: dict[tuple[str, str], int] = {}  # (file, group) -> readouts reported written
        self.torn_before_recovery = 0  # files that did not open before their journal was replayed
        self.broken: set[str] = set()  # files found unreadable (counted once)

    def _file(self) -> str:
        return f"raw/exam-{self.round // ROUNDS_PER_FILE:03d}.h5"

    def work(self) -> int:
        """One round in a child process: HDF5 may crash (SIGSEGV) when its writes fail, as
        a machine losing power would stop; what the child acknowledged comes back by pipe."""
        name, index = self._file(), self.round % ROUNDS_PER_FILE
        self.current = name
        self.round += 1
        context = multiprocessing.get_context("fork")
        receive, send = context.Pipe(duplex=False)
        child = context.Process(target=self._write_series, args=(send, name, index))
        child.start()
        send.close()
        done = 0
        while True:
            try:
                key, count = receive.recv()
            except EOFError:
                break
            self.acknowledged[key] = count
            done = count
        child.join()
        if child.exitcode and not self.disk.power_off:
            raise AssertionError(f"the raw writer failed with the power on (exit code {child.exitcode})")
        return done

    def _write_series(self, send, name: str, index: int) -> None:
        writer = None
        try:
            writer = RawExamWriter(self.disk.mountpoint / name, durable=self.durable)
            series = writer.open_series(header(index))
            if self.disk.power_off:
                return
            key = (name, series_group_name(index, header(index).series_name))
            send.send((key, 0))
            for slice_ in range(GROUPS):
                series.extend([readout(index, slice_, ky) for ky in range(LINES)])
                if self.disk.power_off:
                    break
                send.send((key, (slice_ + 1) * LINES))
        except Exception:
            if not self.disk.power_off:
                raise
        finally:
            if writer is not None:
                with suppress(Exception):
                    writer.close()
            send.close()

    def check(self) -> Outcome:
        lost = unreadable = 0
        problems: list[str] = []
        # Only the file of this round was written since the last check: the others cannot change.
        for name in sorted({n for n, _ in self.acknowledged} & {self.current}):
            path = self.disk.backing / name
            try:
                list_groups(path)
            except Exception:
                self.torn_before_recovery += 1
            try:
                if self.durable:
                    recover_raw_file(path)
                groups = set(list_groups(path))
            except Exception as exc:
                unreadable += name not in self.broken
                self.broken.add(name)
                lost += sum(n for (f, _), n in self.acknowledged.items() if f == name)
                problems.append(f"{name} does not open: {exc}")
                for key in [k for k in self.acknowledged if k[0] == name]:
                    self.acknowledged[key] = 0  # counted once
                continue
            for (file, group), count in self.acknowledged.items():
                if file != name:
                    continue
                try:
                    acquisitions = read_series(path, group).acquisitions if group in groups else ()
                except Exception as exc:
                    acquisitions = ()
                    problems.append(f"{name}:{group} does not read: {exc}")
                index = int(group[:2])
                wanted = {(s, k) for s in range(GROUPS) for k in range(LINES) if s * LINES + k < count}
                found = {(a.counters.slice, a.counters.kspace_encode_step_1) for a in acquisitions
                         if a.data[0, 0] == index + 1j * (a.counters.slice * LINES + a.counters.kspace_encode_step_1)}
                missing = len(wanted - found)
                if missing:
                    lost += missing
                    problems.append(f"{name}:{group} lost {missing} of {count} acknowledged readouts")
                    self.acknowledged[(file, group)] = 0
        return Outcome(lost, unreadable, tuple(problems))
