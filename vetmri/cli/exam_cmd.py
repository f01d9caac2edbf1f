"""``vetmri exam``: one animal through a whole exam, from its record to the PACS.

``vetmri exam --pet P-... --region R`` plans the exam for the pet, files it as a study,
calibrates the scanner the settings name (the simulator, or the scanner link), acquires
every series into the study's raw file, reconstructs and writes each as DICOM, queues the
sends and records the status. ``--resume S-...`` finishes a cut exam; ``--demo`` runs the
demonstration dog's brain exam on the simulator. Ctrl-C stops cleanly (exit 130).
"""

from __future__ import annotations

import argparse
import sys

__all__ = ["register"]


def register(commands: argparse._SubParsersAction) -> None:
    from vetmri.cli.exam_options import add_simulator_arguments

    parser = commands.add_parser(
        "exam", help="run a whole exam of a pet: plan, scan, images, DICOM, records, PACS",
        description="Run an exam of a pet in the records on the scanner of the settings ([scanner] backend): "
        "--pet P-... --region R, or --resume S-... to finish a cut exam, or --demo for the demonstration dog. "
        "Progress goes to stderr; Ctrl-C stops the exam (what was received is kept; resume it later).",
    )
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--pet", metavar="P-...", help="the pet to examine (see 'vetmri records search')")
    which.add_argument("--resume", metavar="S-...", help="finish this study's exam (the series cut short again)")
    which.add_argument("--demo", nargs="?", const="", default=None, metavar="CASE",
                       help="the demonstration dog's brain exam on the simulator; with a CASE, that training case "
                       "(dog-brain-mass, cat-spine-lesion, ...: see docs/exam.md)")
    parser.add_argument("--region", help="body region (see 'vetmri protocols list')")
    parser.add_argument("--series", metavar="LIST", help="acquire only these series, 0-based and comma-separated (e.g. 0,2,3)")
    parser.add_argument("--repeat", type=int, metavar="INDEX", help="with --resume: acquire this series again (the animal moved)")
    parser.add_argument("--set", action="append", default=[], metavar="[INDEX:]KEY=VALUE", dest="overrides",
                        help="override a series parameter (every series, or series INDEX only); repeatable")
    parser.add_argument("--acceleration", metavar="R", help="undersample every series' phase encoding R-fold (compressed sensing)")
    parser.add_argument("--max-exam-min", metavar="MIN", help="anaesthesia budget of the exam")
    parser.add_argument("--variant", default="standard", metavar="standard|quick",
                        help="protocol variant: quick = at most half the scan time, with the reconstruction that suits it")
    parser.add_argument("--send", metavar="NODE", help="send each series to this PACS node of the settings as it is written")
    parser.add_argument("--position", metavar="POSITION",
                        help="the animal on the bed, e.g. 'sternal head first' or 'left lateral tail first'")
    parser.add_argument("--operator", default="", help="who runs the exam")
    parser.add_argument("--referring-vet", default="", metavar="NAME", help="the referring vet (kept with the study, in the report)")
    parser.add_argument("--referring-clinic", default="", metavar="NAME", help="the referring clinic")
    parser.add_argument("--json", action="store_true", help="print a JSON summary for other tools")
    add_simulator_arguments(parser)
    parser.set_defaults(handler=_exam)


def _number(text: str | None, flag: str, *, low: float, high: float) -> float | None:
    from vetmri.errors import UserInputError

    if text is None:
        return None
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        value = float("nan")
    if not low <= value <= high:
        raise UserInputError(f"{flag} must be a number from {low:g} to {high:g}, not {text!r}.")
    return value


def _series(text: str | None) -> tuple[int, ...] | None:
    from vetmri.errors import UserInputError

    if text is None:
        return None
    try:
        values = tuple(int(part) for part in text.split(","))
    except ValueError:
        values = ()
    if not values or min(values) < 0:
        raise UserInputError(f"--series must be series indices of 0 or more separated by commas (e.g. 0,2,3), not {text!r}.")
    return values


def _request(args: argparse.Namespace, pet_id: str, region: str):
    from vetmri.cli.exam_options import simulated_conditions
    from vetmri.exam import ExamRequest

    return ExamRequest(
        pet_id=pet_id, region=region, series=_series(args.series), overrides=tuple(args.overrides),
        acceleration=_number(args.acceleration, "--acceleration", low=1, high=8), send_to=args.send,
        position=(args.position or "").strip().lower(), operator=args.operator,
        max_exam_min=_number(args.max_exam_min, "--max-exam-min", low=1, high=600), phantom=args.phantom,
        texture=not getattr(args, "no_texture", False),
        conditions=simulated_conditions(args, None), training=args.demo is not None, variant=args.variant,
        lesions=bool(args.demo),  # a training case draws its phantom's lesions
        referring_vet=args.referring_vet, referring_clinic=args.referring_clinic,
    )


def _check_flags(args: argparse.Namespace) -> None:
    from vetmri.errors import UserInputError

    if not (args.pet or args.resume or args.demo is not None):
        raise UserInputError("Say which exam: --pet P-... --region R, --resume S-..., or --demo.")
    if args.pet and not args.region:
        raise UserInputError("Give the body region with --region (see 'vetmri protocols list').")
    if args.resume:
        extra = [flag for flag, value in (("--region", args.region), ("--series", args.series), ("--set", args.overrides),
                                          ("--acceleration", args.acceleration), ("--position", args.position)) if value]
        if extra:
            raise UserInputError(f"{extra[0]} does not apply to --resume: a resumed exam keeps its plan.")
    elif args.repeat is not None:
        raise UserInputError("--repeat goes with --resume S-... (repeat a series of an exam already run).")


def _route_library_warnings() -> None:
    """Library notices (pypulseq's RF dead-time warning) go to the log file, not the screen."""
    import logging

    logging.captureWarnings(True)
    target = logging.getLogger("py.warnings")
    target.propagate = False
    target.handlers = list(logging.getLogger("vetmri").handlers) or [logging.NullHandler()]


def _exam(args: argparse.Namespace) -> int:
    import queue
    import threading

    from vetmri.cli.exam_progress import ExamPrinter
    from vetmri.errors import OperationFailedError, VetmriError
    from vetmri.exam import DEMO_REGION, ExamSession, demo_pet
    from vetmri.records.store import open_store
    from vetmri.settings import load_settings

    _check_flags(args)
    if args.repeat is not None and args.repeat < 0:
        from vetmri.errors import UserInputError

        raise UserInputError("--repeat must be a series index of 0 or more.")
    settings = load_settings()
    if args.send:
        settings.pacs_node(args.send)  # refuses a node that is not configured, before anything runs
    case = None
    if args.demo:
        from vetmri.exam.training import training_case

        case = training_case(args.demo)  # an unknown case: one sentence naming the cases
    if args.demo is not None:
        from dataclasses import replace

        settings = replace(settings, scanner=replace(settings.scanner, backend="sim"))
    _route_library_warnings()
    printer = ExamPrinter()
    events: queue.Queue = queue.Queue()
    result: dict = {}

    with open_store(settings.data.dir, uid_root=settings.dicom.uid_root) as store:
        if case is not None:
            from vetmri.exam.training import training_pet

            request = _request(args, training_pet(store, case).id, args.region or case.region)
        elif args.demo is not None:
            request = _request(args, demo_pet(store).id, args.region or DEMO_REGION)
        elif args.pet:
            request = _request(args, args.pet, args.region)
        session = ExamSession(store, settings, on_event=events.put)

        def work() -> None:
            try:
                result["outcome"] = session.resume(args.resume, repeat=args.repeat) if args.resume else session.start(request)
            except BaseException as exc:  # handed to the main thread, which reports it
                result["error"] = exc
            finally:
                events.put(None)

        worker = threading.Thread(target=work, name="vetmri-exam", daemon=True)
        worker.start()
        interrupted = False
        while True:
            try:
                event = events.get()
                if event is None:
                    break
                printer(event)
            except KeyboardInterrupt:
                if not interrupted:
                    interrupted = True
                    session.abort("The exam was interrupted (Ctrl-C).")
        worker.join()
    if "error" in result:
        error = result["error"]
        if isinstance(error, VetmriError):
            raise error
        raise error
    outcome = result["outcome"]
    if args.json:
        from vetmri.cli.output import print_json

        print_json(outcome.to_dict())
    if interrupted:
        print(f"vetmri: the exam was interrupted; study {outcome.study_id} keeps what was acquired, "
              f"finish it with 'vetmri exam --resume {outcome.study_id}'.", file=sys.stderr)
        return 130
    if outcome.status != "complete":
        raise OperationFailedError(f"{outcome.reason.rstrip('.')}; study {outcome.study_id} keeps what was acquired, "
                                   f"finish it with 'vetmri exam --resume {outcome.study_id}'.")
    if not args.json:
        print(f"study {outcome.study_id} complete: {len(outcome.series)} series written, "
              f"{outcome.scan_time_s / 60:.1f} min of scan in {outcome.wall_time_s:.1f} s")
    return 0
