"""``vetmri records ...``: owners, pets and studies at the front desk, and the store's upkeep.

Every change is on disk (fsynced) before the command prints it and exits 0.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

__all__ = ["register"]


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("records", help="owners, pets and studies: add, edit, search, verify, back up")
    actions = parser.add_subparsers(dest="records_command", metavar="ACTION", required=True)

    owner = actions.add_parser("add-owner", help="register an owner")
    owner.add_argument("--name", required=True)
    owner.add_argument("--phone", required=True)
    owner.add_argument("--email", default="")
    owner.add_argument("--address", default="")
    _json(owner, _add_owner)

    demo = actions.add_parser("add-demo", help="register the demonstration owner and dog (once; for trying the workstation)")
    _json(demo, _add_demo)

    pet = actions.add_parser("add-pet", help="register a pet of an owner")
    pet.add_argument("--owner", required=True, metavar="OWNER_ID")
    pet.add_argument("--name", required=True)
    pet.add_argument("--species", required=True, help="dog, cat, rabbit, ... (vetmri protocols species)")
    pet.add_argument("--weight", required=True, metavar="KG", help="body weight in kilograms")
    _pet_options(pet)
    _json(pet, _add_pet)

    edit = actions.add_parser("edit", help="change an owner (O-...), a pet (P-...) or a study's referral (S-...)")
    edit.add_argument("id", metavar="ID")
    for flag in ("--name", "--phone", "--email", "--address"):
        edit.add_argument(flag)
    edit.add_argument("--owner", metavar="OWNER_ID", help="give the pet to another owner")
    edit.add_argument("--species")
    edit.add_argument("--weight", metavar="KG", help="add a weighing (today, or --weighed-on)")
    edit.add_argument("--weighed-on", metavar="YYYY-MM-DD")
    _pet_options(edit, editing=True)
    _json(edit, _edit)

    search = actions.add_parser("search", help="find pets by pet or owner name, phone, microchip, Patient ID")
    search.add_argument("text", nargs="?", default="")
    search.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="with a study on or after")
    search.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="with a study on or before")
    search.add_argument("--limit", type=int, default=50)
    _json(search, _search)

    show = actions.add_parser("show", help="one owner, pet or study with what belongs to it")
    show.add_argument("id", metavar="ID")
    _json(show, _show)

    listing = actions.add_parser("list", help="list owners, pets or studies")
    listing.add_argument("what", choices=("owners", "pets", "studies", "sends"))
    listing.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="studies on or after")
    listing.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="studies on or before")
    _json(listing, _list)

    merge = actions.add_parser("merge", help="merge a duplicate pet into the one to keep")
    merge.add_argument("keep", metavar="KEEP_PET_ID")
    merge.add_argument("duplicate", metavar="DUPLICATE_PET_ID")
    _json(merge, _merge)

    verify = actions.add_parser("verify", help="check the store; exit 0 only when it is intact")
    _json(verify, _verify)

    backup = actions.add_parser("backup", help="back up the records now (or --list the backups)")
    backup.add_argument("--keep", type=int, default=None, help="backups to keep (default: the settings)")
    backup.add_argument("--list", action="store_true", help="list the backups instead")
    _json(backup, _backup)

    restore = actions.add_parser("restore", help="replace the records by a backup (the current state is backed up first)")
    restore.add_argument("file", type=Path)
    restore.add_argument("--yes", action="store_true", help="confirm replacing the current records")
    _json(restore, _restore)

    vitals = actions.add_parser("vitals", help="record a study's vital signs under anaesthesia (or --list its log)")
    vitals.add_argument("study", metavar="STUDY_ID")
    vitals.add_argument("--heart-rate", metavar="BPM", help="heart rate, beats per minute")
    vitals.add_argument("--spo2", metavar="PERCENT", help="haemoglobin oxygen saturation, %%")
    vitals.add_argument("--etco2", metavar="MMHG", help="end-tidal CO2, mmHg")
    vitals.add_argument("--temperature", metavar="CELSIUS", help="body temperature, degrees Celsius")
    vitals.add_argument("--note", default="", help="drugs given, fluid rate, ...")
    vitals.add_argument("--operator", default="")
    vitals.add_argument("--list", action="store_true", help="print the study's anaesthesia log instead")
    _json(vitals, _vitals)

    export = actions.add_parser("export", help="export the records to JSON or CSV")
    export.add_argument("--format", choices=("json", "csv"), default="json")
    export.add_argument("--output", type=Path, required=True, help="JSON file, or folder for CSV files")
    _json(export, _export)


def _json(parser: argparse.ArgumentParser, handler: Any) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON for other tools")
    parser.set_defaults(handler=handler)


def _pet_options(parser: argparse.ArgumentParser, *, editing: bool = False) -> None:
    parser.add_argument("--breed")
    parser.add_argument("--sex", choices=("female", "male", "unknown"))
    neutered = parser.add_mutually_exclusive_group()
    neutered.add_argument("--neutered", action="store_true", default=None)
    neutered.add_argument("--not-neutered", dest="neutered", action="store_false")
    parser.add_argument("--dob", metavar="YYYY-MM-DD", help="date of birth")
    parser.add_argument("--microchip", metavar="DIGITS", help="15-digit ISO 11784 number")
    parser.add_argument("--markings", help="colour and markings")
    parser.add_argument("--referring-vet", metavar="NAME",
                        help="the vet who referred it" + (" (of a study S-..., or a pet's default for its new studies)"
                                                          if editing else " (the default for its studies)"))
    parser.add_argument("--referring-clinic", metavar="NAME", help="the referring vet's clinic")
    parser.add_argument("--alert", action="append", metavar="TEXT",
                        help="a warning for the staff, e.g. aggressive (repeat for more)"
                        + ("; replaces the pet's alerts" if editing else ""))


def _open():
    from vetmri.records.backups import backup_if_due
    from vetmri.records.store import open_store
    from vetmri.settings import load_settings

    settings = load_settings()
    store = open_store(settings.data.dir, uid_root=settings.dicom.uid_root)
    backup_if_due(store, keep=_keep(settings, None))
    return store


def _keep(settings: Any, flag: int | None) -> int:
    return settings.records.backups_kept if flag is None else flag


def _weight(text: str | None) -> float | None:
    from vetmri.protocols.species import parse_weight_kg

    return None if text is None else parse_weight_kg(text)


def _breed(species: str, typed: str | None) -> str:
    """The breed to store: the DICOM breed table's name when it matches (a note on stderr
    says what was recorded, or that the breed stays free text)."""
    import sys

    from vetmri.dicom.breeds import match_breed
    from vetmri.records.validation import clean_species

    if not typed or not typed.strip():
        return ""
    match = match_breed(clean_species(species).name, typed)
    if match.note:
        print(f"note: {match.note}", file=sys.stderr)
    return match.name


def _emit(args: argparse.Namespace, data: Any, lines: list[str]) -> None:
    from vetmri.cli.output import print_json

    if args.json:
        print_json(data)
    else:
        for line in lines:
            print(line)


def _add_owner(args: argparse.Namespace) -> int:
    from vetmri.records.views import owner_dict, owner_line

    with _open() as store:
        owner = store.add_owner(args.name, args.phone, email=args.email, address=args.address)
    _emit(args, owner_dict(owner), [f"added {owner_line(owner)}"])
    return 0


def _add_demo(args: argparse.Namespace) -> int:
    from vetmri.exam.demo import demo_pet
    from vetmri.records.views import pet_dict, pet_line

    with _open() as store:
        pet = demo_pet(store)
    _emit(args, pet_dict(pet), [pet_line(pet)])
    return 0


def _add_pet(args: argparse.Namespace) -> int:
    from vetmri.records.views import pet_dict, pet_line

    weight = _weight(args.weight)
    breed = _breed(args.species, args.breed)
    with _open() as store:
        pet = store.add_pet(
            args.owner, args.name, args.species, weight, breed=breed, sex=args.sex or "unknown",
            neutered=args.neutered, birth_date=args.dob, microchip=args.microchip or "",
            markings=args.markings or "", alerts=args.alert or (),
            referring_vet=args.referring_vet or "", referring_clinic=args.referring_clinic or "",
        )
    _emit(args, pet_dict(pet), [f"added {pet_line(pet)}"])
    return 0


def _edit(args: argparse.Namespace) -> int:
    from vetmri.errors import UserInputError
    from vetmri.records.views import owner_dict, owner_line, pet_dict, pet_line

    kind = args.id.strip()[:1].upper()
    referral = {k: getattr(args, k) for k in ("referring_vet", "referring_clinic") if getattr(args, k) is not None}
    with _open() as store:
        if kind == "S" and not args.id.strip().upper().startswith("SE"):
            return _edit_study(args, store, referral)
        if kind == "O":
            changes = {k: getattr(args, k) for k in ("name", "phone", "email", "address") if getattr(args, k) is not None}
            pet_only = [f for f in ("owner", "species", "weight", "breed", "sex", "neutered", "dob", "microchip", "markings", "alert",
                                    "referring_vet", "referring_clinic") if getattr(args, f) is not None]
            if pet_only:
                raise UserInputError(f"--{pet_only[0].replace('_', '-')} is a pet field; give a pet id (P-...) to change it.")
            owner = store.edit_owner(args.id, **changes) if changes else store.owner(args.id)
            _emit(args, owner_dict(owner), [f"saved {owner_line(owner)}"])
            return 0
        if kind != "P":
            raise UserInputError(f"{args.id!r} is neither an owner id (O-...), a pet id (P-...) nor a study id (S-...).")
        if args.phone is not None or args.email is not None or args.address is not None:
            raise UserInputError("Phone, e-mail and address belong to the owner; edit the owner's id (O-...).")
        names = {"owner": "owner_id", "name": "name", "species": "species", "breed": "breed", "sex": "sex",
                 "neutered": "neutered", "dob": "birth_date", "microchip": "microchip",
                 "markings": "markings", "alert": "alerts"}
        changes = {field: getattr(args, flag) for flag, field in names.items() if getattr(args, flag) is not None}
        changes.update(referral)
        if args.breed is not None:
            changes["breed"] = _breed(args.species or store.pet(args.id).species, args.breed)
        pet = store.edit_pet(args.id, **changes) if changes else store.pet(args.id)
        if args.weight is not None:
            pet = store.record_weight(pet.id, _weight(args.weight), day=args.weighed_on)  # type: ignore[arg-type]
    _emit(args, pet_dict(pet), [f"saved {pet_line(pet)}"])
    return 0


def _edit_study(args: argparse.Namespace, store, referral: dict[str, str]) -> int:
    """``records edit S-... --referring-vet NAME --referring-clinic NAME``: a study's referral."""
    from vetmri.errors import UserInputError
    from vetmri.records.views import record_dict, study_line

    others = [f for f in ("name", "phone", "email", "address", "owner", "species", "weight", "weighed_on", "breed", "sex",
                          "neutered", "dob", "microchip", "markings", "alert") if getattr(args, f) is not None]
    if others:
        raise UserInputError(f"--{others[0].replace('_', '-')} is not a study field; a study's referral is changed with "
                             "--referring-vet and --referring-clinic.")
    study = store.edit_study(args.id, **referral) if referral else store.study(args.id)
    _emit(args, record_dict(study), [f"saved {study_line(study)}  referred by {study.referring_vet or '-'}, "
                                     f"{study.referring_clinic or '-'}"])
    return 0


def _search(args: argparse.Namespace) -> int:
    from vetmri.records.views import hit_dict, pet_line

    with _open() as store:
        hits = store.search(args.text, seen_from=args.date_from, seen_to=args.date_to, limit=args.limit)
    lines = [f"{pet_line(h.pet)}  owner {h.owner.id} {h.owner.name} {h.owner.phone}" for h in hits] or ["no pet found"]
    _emit(args, [hit_dict(h) for h in hits], lines)
    return 0


def _show(args: argparse.Namespace) -> int:
    from vetmri.records.views import show_record

    with _open() as store:
        data, lines = show_record(store, args.id)
    _emit(args, data, lines)
    return 0


def _list(args: argparse.Namespace) -> int:
    from vetmri.records.views import list_records

    with _open() as store:
        data, lines = list_records(store, args.what, args.date_from, args.date_to)
    _emit(args, data, lines)
    return 0


def _merge(args: argparse.Namespace) -> int:
    from vetmri.records.views import pet_dict, pet_line

    with _open() as store:
        pet = store.merge_pets(args.keep, args.duplicate)
    _emit(args, pet_dict(pet), [f"merged into {pet_line(pet)}; former Patient IDs: {', '.join(pet.former_patient_ids)}"])
    return 0


def _verify(args: argparse.Namespace) -> int:
    from vetmri.records.integrity import verify_store

    with _open() as store:
        report = verify_store(store)
    counts = ", ".join(f"{n} {t}" for t, n in report.counts.items())
    lines = [f"records intact: {counts}" if report.ok else f"records NOT intact ({len(report.problems)} problems): {counts}"]
    lines += [f"problem: {p}" for p in report.problems] + [f"note: {n}" for n in report.notes]
    _emit(args, report.to_dict(), lines)
    return 0 if report.ok else 1


def _backup(args: argparse.Namespace) -> int:
    from vetmri.records.backups import list_backups, make_backup
    from vetmri.settings import load_settings

    with _open() as store:
        if args.list:
            paths = list_backups(store)
            _emit(args, [str(p) for p in paths], [str(p) for p in paths] or ["no backups yet"])
            return 0
        backup = make_backup(store, keep=_keep(load_settings(), args.keep))
    _emit(args, {"path": str(backup.path), "created_at": backup.created_at, "counts": backup.counts},
          [f"backed up to {backup.path}"])
    return 0


def _restore(args: argparse.Namespace) -> int:
    from vetmri.errors import UserInputError
    from vetmri.records.backups import read_backup, restore_backup
    from vetmri.settings import load_settings

    read_backup(args.file)
    if not args.yes:
        raise UserInputError("A restore replaces every current record; add --yes to confirm (the current state is backed up first).")
    with _open() as store:
        safety = restore_backup(store, args.file, keep=_keep(load_settings(), None))
        counts = store.counts()
    _emit(args, {"restored_from": str(args.file), "previous_state": str(safety.path), "counts": counts},
          [f"restored {args.file}; the previous records are in {safety.path}"])
    return 0


def _export(args: argparse.Namespace) -> int:
    from vetmri.records.export import export_csv, export_json

    with _open() as store:
        counts = export_csv(store, args.output) if args.format == "csv" else export_json(store, args.output)
    _emit(args, {"output": str(args.output), "format": args.format, "counts": counts},
          [f"exported {sum(counts.values())} records to {args.output}"])
    return 0


def _vitals(args: argparse.Namespace) -> int:
    from vetmri.errors import UserInputError
    from vetmri.records.vitals import record_vitals, vitals_of_study

    given = {"heart_rate_bpm": args.heart_rate, "spo2_percent": args.spo2, "etco2_mmhg": args.etco2,
             "temperature_c": args.temperature}
    with _open() as store:
        if args.list:
            if any(v is not None for v in given.values()):
                raise UserInputError("--list prints the log; leave out the vital signs (or leave out --list to record them).")
            log = vitals_of_study(store, args.study)
            _emit(args, [v.to_dict() for v in log], [v.line() for v in log] or [f"no vital signs recorded for {args.study}"])
            return 0
        entry = record_vitals(store, args.study, **given, note=args.note, operator=args.operator)
    _emit(args, entry.to_dict(), [f"recorded {entry.id} for {entry.study_id}: {entry.line()}"])
    return 0
