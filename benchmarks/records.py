"""The record store at clinic size against plain TinyDB (default JSON storage) on the same data.

Builds 15,000 owners, 20,000 pets and 60,000 studies with the record store, writes the
same documents into a plain ``TinyDB(path)`` file, then times on both: opening (until the
first pet search can run; the studies are read on first use), opening and then looking a
study up by its Study Instance UID (which reads the studies), adding one study (durable on disk when the call returns), searching
pets by a partial owner name (with accents ignored, returning pets and owners), and
looking a pet up by microchip. Prints the medians as a markdown table with the ratio.
Opening is also given as CPU time of the process, which other programs competing for the
cores do not inflate.

Usage: python benchmarks/records.py [--owners N] [--pets N] [--studies N] [--repeats N]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from tinydb import Query, TinyDB

from vetmri.records.index import normalise_text
from vetmri.records.store import RecordStore

FIRST = ["Anna", "Björn", "Chloé", "David", "Élodie", "Farid", "Greta", "Hugo", "Inès", "Jonas", "Karin", "Luca",
         "Marta", "Nils", "Olga", "Pablo", "Renée", "Sven", "Tomás", "Ute"]
LAST = ["Müller", "García", "Dubois", "Rossi", "Nowak", "Jensen", "Silva", "Novák", "Bauer", "Lefèvre", "Øster",
        "Horváth", "Costa", "Ibáñez", "Kowalski", "Martin", "Schmidt", "Varga", "Weiß", "Zimmermann"]
PETS = ["Luna", "Max", "Bella", "Rocky", "Kiwi", "Nala", "Simba", "Milo", "Coco", "Filou"]
SPECIES = [("dog", 5, 40), ("cat", 2.5, 7), ("rabbit", 1, 4), ("ferret", 0.6, 1.8)]


def build(data: Path, owners: int, pets: int, studies: int, rng: random.Random) -> tuple[list[str], list[str]]:
    """Fill a record store; return the pet ids and microchips."""
    pet_ids, chips = [], []
    with RecordStore(data) as store:
        with store.bulk():
            owner_ids = [
                store.add_owner(f"{rng.choice(FIRST)} {rng.choice(LAST)}-{i}", f"+49 170 {i:07d}").id
                for i in range(owners)
            ]
            for i in range(pets):
                species, low, high = rng.choice(SPECIES)
                chip = f"276{i:012d}"
                pet = store.add_pet(rng.choice(owner_ids), rng.choice(PETS), species, round(rng.uniform(low, high), 1),
                                    microchip=chip, birth_date="2018-04-01")
                pet_ids.append(pet.id)
                chips.append(chip)
            for i in range(studies):
                store.add_study(rng.choice(pet_ids), rng.choice(["brain", "spine", "stifle", "abdomen"]),
                                study_date=f"20{15 + i % 9}-0{1 + i % 9}-1{i % 10}",
                                plan_summary="T2 TSE sag/tra, FLAIR tra, T1 SE tra pre/post contrast",
                                operator="Dr. Vet", referring_vet="Dr. Referrer", referring_clinic="Tierklinik Nord")
        store.compact()
    return pet_ids, chips


def study_uids(data: Path, count: int, rng: random.Random) -> list[str]:
    with RecordStore(data) as store:
        uids = [d["study_uid"] for d in store.tables()["studies"].values()]
    return rng.sample(uids, count)


def copy_to_tinydb(data: Path, path: Path) -> None:
    with RecordStore(data) as store:
        tables = store.tables()
    db = TinyDB(path)
    for name in ("owners", "pets", "studies"):
        db.table(name).insert_multiple(tables[name][k] for k in sorted(tables[name], key=int))
    db.close()


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1e3


def timed(function, *args) -> float:
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--owners", type=int, default=15_000)
    parser.add_argument("--pets", type=int, default=20_000)
    parser.add_argument("--studies", type=int, default=60_000)
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    rng = random.Random(7)
    queries = ["mül", "garc", "renee", "lefev", "novak", "ibanez", "weiss", "oster", "chloe dub", "zimm"]
    with tempfile.TemporaryDirectory(dir=Path.cwd()) as folder:
        data, plain = Path(folder) / "data", Path(folder) / "plain.json"
        start = time.perf_counter()
        pet_ids, chips = build(data, args.owners, args.pets, args.studies, rng)
        copy_to_tinydb(data, plain)
        print(f"built {args.owners} owners, {args.pets} pets, {args.studies} studies in {time.perf_counter() - start:.0f} s "
              f"(snapshots {sum(p.stat().st_size for p in (data / 'records').glob('*.json')) / 1e6:.0f} MB, "
              f"TinyDB file {plain.stat().st_size / 1e6:.0f} MB)", file=sys.stderr)

        ours: dict[str, list[float]] = {k: [] for k in ("open", "open_cpu", "open_study", "add", "search", "chip")}
        peer: dict[str, list[float]] = {k: [] for k in ours}
        for uid in study_uids(data, 5, rng):
            start, cpu = time.perf_counter(), time.process_time()
            RecordStore(data).close()
            ours["open"].append(time.perf_counter() - start)
            ours["open_cpu"].append(time.process_time() - cpu)
            start, cpu = time.perf_counter(), time.process_time()
            db = TinyDB(plain)
            len(db.table("pets"))
            peer["open"].append(time.perf_counter() - start)
            peer["open_cpu"].append(time.process_time() - cpu)
            db.close()
            start = time.perf_counter()
            with RecordStore(data) as store:
                assert store.study_by_uid(uid) is not None
            ours["open_study"].append(time.perf_counter() - start)
            start = time.perf_counter()
            db = TinyDB(plain)
            assert db.table("studies").search(Query().study_uid == uid)
            peer["open_study"].append(time.perf_counter() - start)
            db.close()

        store = RecordStore(data)
        db = TinyDB(plain)
        item = Query()
        for i in range(args.repeats):
            pet_id = rng.choice(pet_ids)
            ours["add"].append(timed(store.add_study, pet_id, "brain"))
            peer["add"].append(timed(db.table("studies").insert, {"pet": pet_id, "region": "brain", "study_date": "2024-01-01"}))
            query = queries[i % len(queries)]
            ours["search"].append(timed(store.search, query))

            def tinydb_search(text=query):
                # the same search in TinyDB's query language: owners by normalised name, then their pets
                owner_docs = db.table("owners").search(item.name.test(lambda v: text in normalise_text(v)))
                ids = [f"O-{d.doc_id:06d}" for d in owner_docs]
                return db.table("pets").search(item.owner.one_of(ids))

            peer["search"].append(timed(tinydb_search))
            chip = rng.choice(chips)
            ours["chip"].append(timed(store.pet_by_microchip, chip))
            db.table("pets").clear_cache()
            peer["chip"].append(timed(db.table("pets").search, item.microchip == chip))
        store.close()
        db.close()

    rows = [("open the store", "open", 1000.0), ("open the store, CPU time of the process", "open_cpu", 1000.0),
            ("open, then find a study by UID (reads the studies)", "open_study", None), ("add a study (durable)", "add", 50.0),
            ("search partial owner name", "search", 50.0), ("look up by microchip", "chip", None)]
    print(f"| operation ({args.pets} pets, {args.owners} owners, {args.studies} studies) | vetmri records (ms) | plain TinyDB (ms) | TinyDB / vetmri | target |")
    print("|---|---:|---:|---:|---|")
    for label, key, target in rows:
        mine, theirs = median_ms(ours[key]), median_ms(peer[key])
        goal = f"< {target:g} ms" if target else ""
        print(f"| {label} | {mine:.2f} | {theirs:.2f} | {theirs / mine:.1f}x | {goal} |")


if __name__ == "__main__":
    main()
