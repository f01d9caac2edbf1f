"""Power cuts while a series is written as DICOM and registered in the records: no file is
half-written under its final name, and every series reported written and registered is there."""

from __future__ import annotations

import random
from contextlib import suppress
from pathlib import Path

import pydicom
from powercut_fixtures import disk, full_run  # noqa: F401
from powercut_rounds import Outcome, Tally, run_rounds

from vetmri.dicom.writer import write_mr_series
from vetmri.records.integrity import verify_store
from vetmri.records.store import RecordStore

from .samples import make_patient, make_series, make_study, make_volume

SLICES = 4


class DicomWorkload:
    def __init__(self, disk) -> None:  # noqa: F811
        self.disk = disk
        self.number = 0
        self.study_id = ""
        self.folder = ""
        self.written: dict[str, int] = {}  # series folder (relative to the data folder) -> files
        self.registered: dict[str, str] = {}  # series record id -> its folder

    def work(self) -> int:
        self.this_round: list[str] = []
        done = 0
        store = None
        try:
            store = RecordStore(self.disk.mountpoint / "data")
            if not self.study_id:
                owner = store.add_owner("Anna Miller", "+34 600 123 456")
                pet = store.add_pet(owner.id, "Rex", "dog", 31.5)
                study = store.add_study(pet.id, "brain")
                if self.disk.power_off:
                    return done
                self.study_id, self.folder = study.id, study.folder
            for _ in range(2):
                self.number += 1
                relative = f"{self.folder}/dicom/{self.number:02d}"
                self.this_round.append(relative)
                written = write_mr_series(make_patient(), make_study(), make_series(number=self.number),
                                          make_volume(slices=SLICES), store.data_dir / relative, uid_root="2.25")
                if self.disk.power_off:
                    break
                self.written[relative] = len(written.paths)
                series = store.add_series(self.study_id, "TSE transverse", dicom_folder=relative,
                                          image_count=len(written.paths))
                if self.disk.power_off:
                    break
                self.registered[series.id] = relative
                done += 1
        except Exception:
            if not self.disk.power_off:
                raise
        finally:
            if store is not None:
                with suppress(Exception):
                    store.close()
        return done

    def check(self) -> Outcome:
        data = self.disk.backing / "data"
        problems, lost, unreadable = [], 0, 0
        # Only the folders written this round can hold a half-written file.
        for path in sorted(p for relative in self.this_round for p in (data / relative).glob("*.dcm")):
            try:
                pydicom.dcmread(path).pixel_array
            except Exception as exc:
                unreadable += 1
                problems.append(f"{path.relative_to(data)} is half-written: {exc}")
        for relative, count in self.written.items():
            present = len(list((data / relative).glob("IM*.dcm"))) if (data / relative).is_dir() else 0
            if present != count:
                lost += 1
                problems.append(f"series {relative}: {present} of {count} files written")
        if self.study_id:
            with RecordStore(data) as store:
                report = verify_store(store)
                unreadable += 0 if report.ok else 1
                problems += list(report.problems)
                for record_id, relative in self.registered.items():
                    try:
                        assert store.series(record_id).dicom_folder == relative
                    except Exception as exc:
                        lost += 1
                        problems.append(f"series record {record_id} lost ({type(exc).__name__})")
        return Outcome(lost, unreadable, tuple(problems))


def _run(disk, rounds: int, mode: str, seed: int) -> Tally:  # noqa: F811
    workload = DicomWorkload(disk)
    return run_rounds(disk, Tally(f"DICOM series ({mode})"), rounds, work=workload.work,
                      check=workload.check, mode=mode, seed=seed)


def test_no_series_reported_written_is_lost_or_half_written_when_everything_pending_is_cut(disk, full_run) -> None:  # noqa: F811
    tally = _run(disk, 600 if full_run else 25, "all", 7)
    assert (tally.lost, tally.unreadable) == (0, 0), "\n".join(tally.problems[:5])


def test_no_series_reported_written_is_lost_or_half_written_when_a_random_subset_is_kept(disk, full_run) -> None:  # noqa: F811
    tally = _run(disk, 600 if full_run else 25, "subset", 8)
    assert (tally.lost, tally.unreadable) == (0, 0), "\n".join(tally.problems[:5])
