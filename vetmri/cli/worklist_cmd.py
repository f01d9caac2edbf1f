"""``vetmri worklist``: the animals the clinic's worklist server has scheduled for MR.

Every scheduled animal is stored in the records (pet and owner matched or created, a
planned study with the worklist's Study Instance UID and accession); the listing says
what was added or matched.
"""

from __future__ import annotations

import argparse

__all__ = ["register"]


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("worklist", help="list the animals scheduled for MR (Modality Worklist)")
    parser.add_argument("--date", metavar="D", help="only this day: YYYY-MM-DD or 'today' (default: every day)")
    parser.add_argument(
        "--from", dest="node", metavar="NODE",
        help="the worklist node from the settings ([pacs.NODE]); needed when more than one is configured",
    )
    parser.add_argument("--json", action="store_true", help="print JSON for other tools")
    parser.set_defaults(handler=_worklist)


def _day(text: str | None):
    from datetime import date

    from vetmri.errors import UserInputError

    if text is None:
        return None
    if text.strip().lower() == "today":
        return date.today()
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UserInputError(f"--date takes YYYY-MM-DD or 'today', not {text!r}.") from None


def _worklist(args: argparse.Namespace) -> int:
    from vetmri.cli.output import print_json, print_table
    from vetmri.dicom.worklist import find_worklist
    from vetmri.errors import UserInputError
    from vetmri.settings import load_settings

    settings = load_settings()
    on = _day(args.date)
    if args.node:
        node = settings.pacs_node(args.node)
    elif len(settings.pacs) == 1:
        node = settings.pacs[0]
    else:
        known = ", ".join(n.name for n in settings.pacs)
        raise UserInputError(
            "Name the worklist node with --from NODE (configured: " + known + ")."
            if settings.pacs else
            "No DICOM node is configured; add the worklist server with 'vetmri settings set pacs.NAME AE_TITLE@HOST:PORT'."
        )
    scheduled = find_worklist(node, calling_ae_title=settings.dicom.ae_title, on=on)
    from vetmri.dicom.worklist_records import store_worklist
    from vetmri.records.store import open_store

    with open_store() as store:
        stored = store_worklist(store, scheduled)
    if args.json:
        print_json([{**item.scheduled.to_dict(), "records": _records_dict(item)} for item in stored])
        return 0
    if not scheduled:
        print(f"Nothing is scheduled{' on ' + on.isoformat() if on else ''} on {node.name}.")
        return 0
    print_table(
        ("scheduled", "patient ID", "pet", "species", "breed", "weight", "owner", "procedure", "accession", "records"),
        [
            (
                s.scheduled_start.strftime("%Y-%m-%d %H:%M") if s.scheduled_start else "-",
                s.patient_id, s.pet_name, s.species.common_name or s.species.description, s.breed or "-",
                f"{s.weight_kg:g} kg" if s.weight_kg is not None else "-",
                " ".join(x for x in (s.owner.given, s.owner.family) if x) or "-",
                s.requested_procedure or s.step_description or "-", s.accession_number or "-",
                _records_text(item),
            )
            for item in stored for s in (item.scheduled,)
        ],
    )
    for item in stored:
        if item.problem:
            print(f"not stored: {item.scheduled.patient_id} {item.scheduled.pet_name}: {item.problem}")
    return 0


def _records_text(item) -> str:
    if item.match is None:
        return "not stored (see below)"
    pet = f"{item.match.pet.id} {'added' if item.match.created else item.match.how}"
    study = f"{item.study.id} {'planned' if item.study_created else 'known'}"
    return f"{pet}; {study}"


def _records_dict(item) -> dict:
    if item.match is None:
        return {"stored": False, "problem": item.problem}
    return {"stored": True, "pet": item.match.pet.id, "owner": item.match.owner.id, "pet_match": item.match.how,
            "study": item.study.id, "study_created": item.study_created, "notes": list(item.match.notes)}
