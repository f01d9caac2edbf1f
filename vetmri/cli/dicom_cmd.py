"""``vetmri dicom``: talk to the configured DICOM nodes and check DICOM files.

``echo NODE`` checks that a PACS node from the settings answers; ``inspect PATH`` reads a
folder, USB stick or file, checks every file and lists the studies with their animal and
owner (the files it refuses are named, one sentence each).
"""

from __future__ import annotations

import argparse
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
    p = study.patient
    return {
        "study_instance_uid": study.study_instance_uid, "study_id": study.study_id,
        "accession_number": study.accession_number, "description": study.description,
        "study_date": study.study_date.isoformat() if study.study_date else None,
        "patient": {
            "patient_id": p.patient_id, "pet_name": p.pet_name,
            "owner": {"family": p.owner.family, "given": p.owner.given},
            "species": p.species.common_name or p.species.description,
            "species_description": p.species.description,
            "species_code": p.species.code.value if p.species.code else None,
            "breed": p.breed, "sex": p.sex, "neutered": p.neutered, "weight_kg": p.weight_kg,
            "birth_date": p.birth_date.isoformat() if p.birth_date else None,
            "responsible_organization": p.responsible_organization,
        },
        "series": [
            {"series_instance_uid": s.series_instance_uid, "number": s.number, "modality": s.modality,
             "description": s.description, "body_part": s.body_part,
             "files": [str(i.path) for i in s.instances]}
            for s in study.series
        ],
    }
