"""Power cuts during an acquisition: the raw file opens (after its journal is replayed) and
holds every readout reported written."""

from __future__ import annotations

from powercut_raw import RawWorkload
from powercut_rounds import Tally, run_rounds


def test_every_readout_reported_written_survives_a_cut_of_everything_pending(disk, full_run) -> None:
    workload = RawWorkload(disk)
    tally = run_rounds(disk, Tally("raw MRD (cut all pending)"), 1000 if full_run else 50,
                       work=workload.work, check=workload.check, mode="all", seed=4)
    assert (tally.lost, tally.unreadable) == (0, 0), "\n".join(tally.problems[:5])


def test_every_readout_reported_written_survives_a_cut_that_keeps_a_random_subset(disk, full_run) -> None:
    workload = RawWorkload(disk)
    tally = run_rounds(disk, Tally("raw MRD (random subset kept)"), 1000 if full_run else 30,
                       work=workload.work, check=workload.check, mode="subset", seed=5)
    assert (tally.lost, tally.unreadable) == (0, 0), "\n".join(tally.problems[:5])


def test_without_its_journal_the_hdf5_file_loses_readouts(disk) -> None:
    """The same acquisition with HDF5 flushes only (no journal) loses what it reported written."""
    workload = RawWorkload(disk, durable=False)
    tally = run_rounds(disk, Tally("raw MRD without journal"), 12, work=workload.work, check=workload.check,
                       mode="all", seed=6)
    assert tally.lost > 0
