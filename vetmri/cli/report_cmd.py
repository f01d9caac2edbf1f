"""``vetmri report STUDY --out FILE.pdf|FILE.png``: the report for the referring vet.

Clinic and station, the pet, its owner, the referring vet and clinic, the exam, the
series with their parameters and scan times, the key images (else the middle slice of
each series) with their window, the technician's comment and the anaesthesia log; an A4
PDF, or its first page as a PNG for messaging apps.
"""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["register"]


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "report", help="the report for the referring vet: an A4 PDF, or page 1 as a PNG",
        description="Write the report of a study for the referring vet: FILE.pdf (A4, prints in black and white) "
        "or FILE.png (page 1, for messaging apps).",
    )
    parser.add_argument("study", metavar="STUDY", help="our study id (S-...) or its Study Instance UID")
    parser.add_argument("--out", type=Path, required=True, metavar="FILE", help="FILE.pdf or FILE.png")
    parser.add_argument("--comment", default="", metavar="TEXT", help="the technician's comment")
    parser.add_argument("--json", action="store_true", help="print JSON for other tools")
    parser.set_defaults(handler=_report)


def _report(args: argparse.Namespace) -> int:
    import time

    from vetmri.cli.output import print_json
    from vetmri.errors import UserInputError
    from vetmri.records.store import open_store
    from vetmri.report import FORMATS
    from vetmri.report.sources import study_report
    from vetmri.settings import load_settings

    if args.out.suffix.lower() not in FORMATS:
        raise UserInputError(f"The report is written as FILE.pdf or FILE.png, not {args.out.name!r}; "
                             "name the file with one of those.")
    settings = load_settings()
    started = time.perf_counter()
    with open_store(settings.data.dir, uid_root=settings.dicom.uid_root) as store:
        content, path = study_report(store, settings, args.study, args.out, comment=args.comment)
    elapsed = time.perf_counter() - started
    if args.json:
        print_json({"study": content.study_id, "out": str(path), "format": path.suffix.lower().lstrip("."),
                    "images": len(content.images), "key_images": sum(i.key for i in content.images),
                    "series": len(content.series), "training": content.training, "render_s": round(elapsed, 3)})
    else:
        print(f"{content.study_id}: report for {content.pet_name} with {len(content.images)} images written to "
              f"{path} in {elapsed:.1f} s.")
    return 0
