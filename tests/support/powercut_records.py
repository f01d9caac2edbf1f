"""The front desk and the exam room at work on the record store, for the power-cut tests.

:class:`RecordsWorkload` adds owners, pets, studies and series, moves study statuses,
queues sends and marks them sent, makes backups and restores them, each call on a store
opened through the power-cut mount. It keeps a ledger of what every acknowledged call
promised, and :meth:`RecordsWorkload.check` looks for it in the backing folder as a user
would after the power came back (``records verify`` and the records one by one).
"""

from __future__ import annotations

import copy
import random
from contextlib import suppress
from pathlib import Path
from typing import Any

from powercut_fs import PowerCutDisk
from powercut_rounds import Outcome

from vetmri.errors import UserInputError
from vetmri.records.backups import list_backups, make_backup, read_backup, restore_backup
from vetmri.records.integrity import verify_store
from vetmri.records.store import RecordStore

COMPACT_AT_BYTES = 3_000  # small, so cuts also land inside compactions
STATUSES = ("scanning", "acquired", "reconstructed", "completed")
_TABLES = {"O": "owners", "P": "pets", "S": "studies", "SE": "series", "Q": "sends"}
Ledger = dict[str, tuple[str, Any]]  # record id -> (field, value) an acknowledged call left


def read_field(store: RecordStore, record_id: str, name: str) -> Any:
    """One field of the record ``record_id`` as the store reads it now."""
    prefix = record_id.split("-")[0]
    getter = {"O": store.owner, "P": store.pet, "S": store.study, "SE": store.series, "Q": store.send_job}[prefix]
    return getattr(getter(record_id), name)


class RecordsWorkload:
    """One clinic's use of the record store, step by step, with a ledger of what was promised."""

    def __init__(self, disk: PowerCutDisk, rng: random.Random, *, steps: int = 6, strict: bool = True) -> None:
        self.disk = disk
        self.strict = strict  # False: a store that lost records may refuse a step (the mutation run)
        self.rng = rng
        self.steps = steps
        self.ledger: Ledger = {}
        self.kinds: dict[str, str] = {}  # record id -> owner/pet/study/series/send
        self.backups: dict[str, Ledger] = {}  # backup file name -> ledger when it was made
        self.inflight: list[tuple[str, str, Any]] = []  # (id, field, value) the cut call may have left
        self.inflight_restore: Ledger | None = None
        self._tables: dict | None = None
        self.rotating: list[str] = []  # backups a cut backup or restore may have rotated away

    # -- the work ---------------------------------------------------------------------------

    def work(self) -> int:
        acknowledged = 0
        store = None
        try:
            store = RecordStore(self.disk.mountpoint / "data", compact_at_bytes=COMPACT_AT_BYTES)
            for _ in range(self.steps):
                if not self._step(store):
                    break
                acknowledged += 1
        except UserInputError:
            if self.strict:
                raise
        except Exception:
            if not self.disk.power_off:
                raise

        finally:
            if store is not None:
                with suppress(Exception):
                    store.close()
        return acknowledged

    def _ids(self, kind: str) -> list[str]:
        return [k for k, v in self.kinds.items() if v == kind and k in self.ledger]

    def _step(self, store: RecordStore) -> bool:
        """One call; whether it was acknowledged (returned while the power was on)."""
        owners, pets, studies = self._ids("owner"), self._ids("pet"), self._ids("study")
        choices = ["owner"] + ["pet"] * bool(owners) + ["study", "status", "series", "send"] * bool(pets and studies or pets)
        choices += ["deliver"] * bool(self._ids("send")) + ["backup"] * bool(owners) + ["restore"] * bool(self.backups)
        action = self.rng.choice(choices)
        self.inflight, self.inflight_restore, self.rotating = [], None, []
        if action == "owner":
            name = f"Owner {self.rng.randrange(10**6)} Núñez"
            result = store.add_owner(name, "+34 600 123 456")
            done = {result.id: ("name", name)}
            kind = "owner"
        elif action == "pet":
            name = f"Pet {self.rng.randrange(10**6)}"
            result = store.add_pet(self.rng.choice(owners), name, "cat", 4.2)
            done, kind = {result.id: ("name", name)}, "pet"
        elif action == "study" or (not studies and action in ("status", "series", "send")):
            result = store.add_study(self.rng.choice(pets), "brain", plan_summary="T2 TSE, FLAIR")
            done, kind = {result.id: ("status", "planned")}, "study"
            self._folders = getattr(self, "_folders", {})
            self._folders[result.id] = result.folder
        elif action == "status":
            study, status = self.rng.choice(studies), self.rng.choice(STATUSES)
            self.inflight = [(study, "status", status)]
            store.set_study_status(study, status)
            done, kind = {study: ("status", status)}, "study"
        elif action == "series":
            description = f"T2 TSE {self.rng.randrange(1000)}"
            result = store.add_series(self.rng.choice(studies), description, )
            done, kind = {result.id: ("description", description)}, "series"
        elif action == "send":
            study = self.rng.choice(studies)
            result = store.enqueue_send(study, "pacs")
            if result.id in self.ledger:  # the job still pending for this study and node
                return not self.disk.power_off
            done, kind = {result.id: ("status", result.status)}, "send"
        elif action == "deliver":
            waiting = [j for j in self._ids("send") if self.ledger[j][1] == "pending"]
            self.inflight = [(j, "status", "sending") for j in waiting]
            job = store.claim_next_send()
            if job is None or self.disk.power_off:
                return not self.disk.power_off
            self.ledger[job.id] = ("status", "sending")
            self.inflight = [(job.id, "status", "sent")]
            store.mark_sent(job.id)
            done, kind = {job.id: ("status", "sent")}, "send"
        elif action == "backup":
            self.rotating = self._oldest(store, keep=4)
            backup = make_backup(store, keep=4)
            if self.disk.power_off:
                return False
            self.backups[backup.path.name] = copy.deepcopy(self.ledger)
            self._forget_rotated(store)
            return True
        else:
            name = self.rng.choice(sorted(self.backups))
            self.inflight_restore = self.backups[name]
            self.rotating = self._oldest(store, keep=5)
            safety = restore_backup(store, store.data_dir / "backups" / name, keep=4)
            if self.disk.power_off:
                return False
            self.backups[safety.path.name] = copy.deepcopy(self.ledger)
            self.ledger = copy.deepcopy(self.inflight_restore)
            self.inflight_restore = None
            self._forget_rotated(store)
            return True
        if self.disk.power_off:
            return False
        self.ledger.update(done)
        for record_id in done:
            self.kinds.setdefault(record_id, kind)
        self.inflight = []
        return True

    @staticmethod
    def _oldest(store: RecordStore, *, keep: int) -> list[str]:
        """The backups a new one made with ``keep`` deletes."""
        names = [p.name for p in list_backups(store)]
        return names[:max(0, len(names) + 1 - keep)]

    def _forget_rotated(self, store: RecordStore) -> None:
        kept = {p.name for p in list_backups(store)}
        self.backups = {name: ledger for name, ledger in self.backups.items() if name in kept}

    # -- after the power came back ---------------------------------------------------------

    def check(self) -> Outcome:
        problems: list[str] = []
        try:
            store = RecordStore(self.disk.backing / "data", compact_at_bytes=COMPACT_AT_BYTES)
        except Exception as exc:
            return Outcome(lost=len(self.ledger), unreadable=1, problems=(f"store does not open: {exc}",))
        try:
            self._tables = store.tables()  # one consistent copy, read once
            report = verify_store(store)
            unreadable = 0 if report.ok else 1
            problems += [f"verify: {p}" for p in report.problems]
            candidates = [self.ledger] + ([self.inflight_restore] if self.inflight_restore is not None else [])
            missing = min((self._missing(store, ledger) for ledger in candidates), key=len)
            problems += missing
            for line in missing:  # counted once; the next rounds go on from what is there
                self.ledger.pop(line.split()[0].split(".")[0], None)
            if not missing and len(candidates) > 1 and not self._missing(store, candidates[1]):
                self.ledger = copy.deepcopy(candidates[1])  # the restore was durable after all
            for record_id, name, value in self.inflight:
                with suppress(Exception):
                    if read_field(store, record_id, name) == value:
                        self.ledger[record_id] = (name, value)
            folders = getattr(self, "_folders", {})
            lost_folders = [s for s, f in folders.items() if s in self.ledger and not (store.data_dir / f).is_dir()]
            problems += [f"study folder of {s} is gone" for s in lost_folders]
            rotated = self.rotating
            for name in list(self.backups):
                path = store.data_dir / "backups" / name
                try:
                    read_backup(path)
                except Exception as exc:
                    if name in rotated and not path.exists():
                        del self.backups[name]
                        continue
                    unreadable += 1
                    problems.append(f"backup {name}: {exc}")
                    del self.backups[name]
            return Outcome(lost=len(missing) + len(lost_folders), unreadable=unreadable, problems=tuple(problems))
        finally:
            self._tables = None
            store.close()

    def _missing(self, store: RecordStore, ledger: Ledger) -> list[str]:
        tables = self._tables if self._tables is not None else store.tables()
        missing = []
        for record_id, (name, value) in ledger.items():
            prefix, number = record_id.split("-")
            doc = tables.get(_TABLES[prefix], {}).get(str(int(number)))
            if doc is None:
                missing.append(f"{record_id} is gone")
                continue
            found = doc.get(name)
            if found != value and (record_id, name, found) not in self.inflight:
                missing.append(f"{record_id}.{name} is {found!r}, acknowledged {value!r}")
        return missing
