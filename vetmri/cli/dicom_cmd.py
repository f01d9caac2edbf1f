"""``vetmri dicom``: talk to the configured DICOM nodes, check, import, export and send.

``echo NODE`` checks that a PACS node from the settings answers; ``inspect PATH`` reads a
folder, USB stick or file, checks every file and lists the studies with their animal and
owner (the files it refuses are named, one sentence each); ``import PATH`` brings prior
studies into the records; ``export STUDY --out DIR`` writes a study with a DICOMDIR;
``send STUDY --to NODE`` queues a study for a PACS and sends it; ``queue`` shows the send
queue and ``queue --retry`` sends what waits. ``vetmri recon --format dicom`` lands in
:func:`recon_to_dicom`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["register"]


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("dicom", help="DICOM: check PACS nodes, read DICOM folders")
    actions = parser.add_subparsers(dest="dicom_command", metavar="ACTION", required=True)
    echo = actions.add_parser("echo", help="check that a configured PACS node answers (C-ECHO)")
    echo.add_argument("node", metavar="NODE", help="a node name from the settings ([pacs.NODE])")
    echo.add_argument("--json", action="store_true", help="print JSON for other tools")
    echo.set_defaults(handler=_echo)
    inspect = actions.add_parser(
        "inspect", help="read and check DICOM files (folder, USB stick or file) and list their studies"
    )
    inspect.add_argument("path", type=Path, metavar="PATH", help="a folder (read recursively) or one file")
    inspect.add_argument("--json", action="store_true", help="print JSON for other tools")
    inspect.set_defaults(handler=_inspect)
    imports = actions.add_parser("import", help="import prior studies (folder, USB stick) into the records")
    imports.add_argument("path", type=Path, metavar="PATH", help="a folder (read recursively) or one file")
    imports.add_argument("--json", action="store_true", help="print JSON for other tools")
    imports.set_defaults(handler=_import)
    export = actions.add_parser("export", help="write a study with a DICOMDIR (USB stick, CD)")
    export.add_argument("study", metavar="STUDY", help="our study id (S-...) or its Study Instance UID")
    export.add_argument("--out", type=Path, required=True, metavar="DIR", help="an empty folder")
    export.add_argument("--anonymize", action="store_true", help="de-identify the copies (PS3.15 basic profile)")
    export.add_argument("--keep-characteristics", action="store_true",
                        help="with --anonymize: keep breed, sex, neutering, weight and age")
    export.add_argument("--json", action="store_true", help="print JSON for other tools")
    export.set_defaults(handler=_export)
    send = actions.add_parser("send", help="queue every series of a study for a PACS node and send now")
    send.add_argument("study", metavar="STUDY", help="our study id (S-...) or its Study Instance UID")
    send.add_argument("--to", required=True, metavar="NODE", help="a node name from the settings ([pacs.NODE])")
    send.add_argument("--json", action="store_true", help="print JSON for other tools")
    send.set_defaults(handler=_send)
    queue = actions.add_parser("queue", help="list the PACS send queue; --retry sends every waiting job now")
    queue.add_argument("--retry", action="store_true",
                       help="send every pending or failed job now, without waiting for its back-off")
    queue.add_argument("--watch", action="store_true",
                       help="keep sending: every due job, and what waited as soon as its PACS answers again (Ctrl-C stops)")
    queue.add_argument("--interval", type=float, default=10.0, metavar="S",
                       help="with --watch: seconds between checks of the queue and of a PACS that is down (default 10)")
    queue.add_argument("--json", action="store_true", help="print JSON for other tools")
    queue.set_defaults(handler=_queue)


def _echo(args: argparse.Namespace) -> int:
    from vetmri.cli.output import print_json
    from vetmri.dicom.association import describe_node, echo
    from vetmri.settings import load_settings

    settings = load_settings()
    node = settings.pacs_node(args.node)
    result = echo(node, calling_ae_title=settings.dicom.ae_title)
    if args.json:
        print_json({"node": node.name, "ae_title": node.ae_title, "host": node.host, "port": node.port,
                    "ok": True, "round_trip_s": round(result.round_trip_s, 4)})
    else:
        print(f"{describe_node(node)} answered the echo in {result.round_trip_s * 1e3:.0f} ms.")
    return 0


def _inspect(args: argparse.Namespace) -> int:
    from vetmri.cli.output import print_json, print_table
    from vetmri.dicom.reader import read_folder
    from vetmri.errors import UserInputError

    contents = read_folder(args.path)
    if args.json:
        print_json({
            "studies": [_study_dict(study) for study in contents.studies],
            "refused": [{"path": str(r.path), "reason": r.reason} for r in contents.refused],
        })
    else:
        for study in contents.studies:
            p = study.patient
            owner = " ".join(x for x in (p.owner.given, p.owner.family) if x)
            print(f"Study {study.study_instance_uid}")
            print(f"  {study.study_date or 'no date'}  {study.description or '(no description)'}  "
                  f"ID {study.study_id or '-'}  accession {study.accession_number or '-'}")
            print(f"  {p.pet_name or '(no name)'} ({p.patient_id or 'no ID'}): {p.species.common_name or p.species.description or 'species unknown'}"
                  f"{', ' + p.breed if p.breed else ''}{', ' + format(p.weight_kg, 'g') + ' kg' if p.weight_kg else ''}; "
                  f"owner {owner or 'unknown'}")
            print_table(("series", "modality", "images", "description"),
                        [(s.number if s.number is not None else "-", s.modality, len(s.instances), s.description)
                         for s in study.series])
            print()
        for refused in contents.refused:
            print(f"refused: {refused.reason}")
    if contents.refused:
        raise UserInputError(
            f"{len(contents.refused)} file(s) under {args.path} were refused (listed above); "
            "the others are readable."
        )
    return 0


def _study_dict(study) -> dict:
    from vetmri.dicom.patient import animal_fields

    return {
        "study_instance_uid": study.study_instance_uid, "study_id": study.study_id,
        "accession_number": study.accession_number, "description": study.description,
        "study_date": study.study_date.isoformat() if study.study_date else None,
        "patient": animal_fields(study.patient),
        "series": [
            {"series_instance_uid": s.series_instance_uid, "number": s.number, "modality": s.modality,
             "description": s.description, "body_part": s.body_part,
             "files": [str(i.path) for i in s.instances]}
            for s in study.series
        ],
    }


# -- records: import, export, send queue, recon to DICOM ---------------------------------------


def _store():
    from vetmri.records.store import open_store

    return open_store()


def _import(args: argparse.Namespace) -> int:
    from vetmri.cli.output import print_json
    from vetmri.dicom.study_import import import_dicom
    from vetmri.errors import UserInputError

    with _store() as store:
        result = import_dicom(store, args.path)
    if result.refused:
        for refused in result.refused:
            print(f"refused: {refused.reason}", file=sys.stderr)
        raise UserInputError(
            f"{len(result.refused)} file(s) under {args.path} were refused (listed above); nothing was imported. "
            "Remove or replace them and import again."
        )
    if args.json:
        print_json({
            "imported": [{"study": i.study.id, "study_instance_uid": i.study.study_uid, "pet": i.match.pet.id,
                          "owner": i.match.owner.id, "pet_match": i.match.how, "series": i.series, "files": i.files,
                          "notes": list(i.notes)} for i in result.imported],
            "skipped": [{"study_instance_uid": s.study_instance_uid, "reason": s.reason} for s in result.skipped],
        })
        return 0
    for item in result.imported:
        pet = item.match.pet
        print(f"{item.study.id}: {item.series} series, {item.files} files of {pet.name} ({pet.species}) -> pet {pet.id} "
              f"{item.match.how}, owner {item.match.owner.id} {item.match.owner.name}")
        for note in item.notes:
            print(f"  note: {note}")
    for skipped in result.skipped:
        print(f"skipped: {skipped.reason}")
    return 0


def _export(args: argparse.Namespace) -> int:
    from vetmri.cli.output import print_json
    from vetmri.dicom.study_export import export_study
    from vetmri.settings import load_settings

    settings = load_settings()
    with _store() as store:
        result = export_study(store, args.study, args.out, anonymize=args.anonymize,
                              keep_characteristics=args.keep_characteristics, uid_root=settings.dicom.uid_root)
    if args.json:
        print_json({"study": result.study_id, "dicomdir": str(result.dicomdir), "files": len(result.files),
                    "anonymized": result.anonymized, "pseudonym": result.pseudonym})
    else:
        how = f", de-identified as {result.pseudonym}" if result.anonymized else ""
        print(f"{result.study_id}: {len(result.files)} files and {result.dicomdir}{how}.")
    return 0


def job_dict(job) -> dict:
    return {"id": job.id, "study": job.study_id, "series": job.series_id, "destination": job.destination,
            "status": job.status, "attempts": job.attempts,
            "next_attempt_at": job.next_attempt_at.isoformat() if job.next_attempt_at else None,
            "last_error": job.last_error}


def _work(store, settings, *, override_backoff: bool, as_json: bool) -> list:
    from vetmri.dicom.send_queue import work_send_queue

    def progress(job, result) -> None:
        if not as_json:
            print(f"\r{job.id}: {result.path.name} {result.outcome}", end="", file=sys.stderr, flush=True)

    outcomes = work_send_queue(store, settings, override_backoff=override_backoff, on_result=progress)
    if outcomes and not as_json:
        print(file=sys.stderr)
    return outcomes


def outcome_lines(outcomes) -> None:
    for o in outcomes:
        job = o.job
        if job.status == "sent":
            print(f"{job.id} {job.series_id or job.study_id} -> {job.destination}: sent ({o.files} files).")
        elif job.status == "failed":
            print(f"{job.id} {job.series_id or job.study_id} -> {job.destination}: failed for good: {o.problem}.")
        else:
            print(f"{job.id} {job.series_id or job.study_id} -> {job.destination}: waiting, next try "
                  f"{job.next_attempt_at:%Y-%m-%d %H:%M:%S} UTC: {o.problem}.")


def _send(args: argparse.Namespace) -> int:
    from vetmri.cli.output import print_json
    from vetmri.dicom.send_queue import enqueue_study, find_study
    from vetmri.errors import OperationFailedError
    from vetmri.settings import load_settings

    settings = load_settings()
    with _store() as store:
        study = find_study(store, args.study)
        jobs = enqueue_study(store, study.id, args.to, settings)
        outcomes = _work(store, settings, override_backoff=False, as_json=args.json)
        mine = {j.id for j in jobs}
        current = [store.send_job(j) for j in sorted(mine)]
    if args.json:
        print_json({"study": study.id, "jobs": [job_dict(j) for j in current]})
    else:
        outcome_lines(outcomes)
    unsent = [j for j in current if j.status != "sent"]
    if unsent:
        raise OperationFailedError(
            f"{len(unsent)} of {len(current)} series of {study.id} are not sent yet; they stay queued "
            "('vetmri dicom queue' shows them, 'vetmri dicom queue --retry' sends them now)."
        )
    return 0


def _queue(args: argparse.Namespace) -> int:
    from vetmri.cli.output import print_json, print_table
    from vetmri.settings import load_settings

    if args.watch:
        from vetmri.cli.queue_watch import watch

        return watch(args)

    settings = load_settings()
    with _store() as store:
        outcomes = _work(store, settings, override_backoff=True, as_json=args.json) if args.retry else []
        jobs = store.send_jobs()
    if args.json:
        print_json([job_dict(j) for j in jobs])
        return 0
    outcome_lines(outcomes)
    if not jobs:
        print("The send queue is empty.")
        return 0
    print_table(("job", "study", "series", "to", "status", "attempts", "next try (UTC)", "last error"),
                [(j.id, j.study_id, j.series_id or "all", j.destination, j.status, j.attempts,
                  f"{j.next_attempt_at:%Y-%m-%d %H:%M:%S}" if j.next_attempt_at and j.status != "sent" else "-",
                  j.last_error or "-") for j in jobs])
    waiting = [j for j in jobs if j.status in ("pending", "sending", "failed")]
    return 1 if args.retry and waiting else 0


def recon_to_dicom(args: argparse.Namespace) -> int:
    """``vetmri recon RAW.h5 --format dicom --pet P-...``: DICOM series of the pet, in the records."""
    from vetmri.cli.output import print_json
    from vetmri.dicom.recon_export import write_raw_as_dicom
    from vetmri.dicom.study import Equipment
    from vetmri.errors import UserInputError
    from vetmri.cli.recon_cmd import recon_options
    from vetmri.settings import load_settings

    if not args.pet:
        raise UserInputError("DICOM output needs the pet's record: give --pet P-... (see 'vetmri records search').")
    settings = load_settings()

    def progress(group: str, stage: str, fraction: float) -> None:
        print(f"\r{group}: {stage} {fraction * 100:3.0f}%", end="", file=sys.stderr, flush=True)

    with _store() as store:
        result = write_raw_as_dicom(
            args.raw, store=store, pet_id=args.pet, uid_root=settings.dicom.uid_root, region=args.region,
            out_dir=args.out, groups=[args.group] if args.group else None,
            options=recon_options(args),
            equipment=Equipment(station_name=settings.dicom.ae_title), on_progress=progress,
        )
    print(file=sys.stderr)
    study = result.study
    if args.json:
        print_json({"study": study.id, "study_instance_uid": study.study_uid, "accession": study.accession,
                    "study_created": result.study_created, "raw_file": result.raw_file,
                    "series": [{"id": s.series_id, "group": s.group, "number": s.number, "description": s.description,
                                "folder": str(s.folder), "images": s.image_count,
                                "series_instance_uid": s.series_instance_uid} for s in result.series],
                    "not_written": [{"group": f.group, "reason": f.reason} for f in result.not_written]})
        return 2 if result.not_written else 0
    print(f"{'Created' if result.study_created else 'Added to'} study {study.id} ({study.region}, accession {study.accession}).")
    for s in result.series:
        print(f"  {s.series_id} #{s.number} {s.description}: {s.image_count} images in {s.folder}")
    for f in result.not_written:
        print(f"{f.group}: not written: {f.reason}", file=sys.stderr)
    return 2 if result.not_written else 0
