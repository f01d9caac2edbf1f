"""``vetmri acquire``: run a planned exam on a scanner over the scanner link and write the
raw MRD file (the layout of ``vetmri simulate``), every acquisition flushed as it arrives.

Running the same command again resumes an exam cut short: series already complete in the
file are kept and skipped, a series cut short is replaced, the others are acquired.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from vetmri.cli.exam_options import add_plan_arguments

__all__ = ["register"]


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "acquire", help="run a planned exam on the scanner over the network; writes MRD raw data as it arrives",
        description="Plan an exam (--species --weight --region), calibrate the scanner at --scanner HOST:PORT and "
        "acquire the series into one MRD raw file. Run it again after a dropped link: complete series are kept, "
        "the one cut short is acquired again. Progress goes to stderr.",
    )
    parser.add_argument("--scanner", metavar="HOST:PORT",
                        help="the scanner link (default: [scanner] address of the settings)")
    add_plan_arguments(parser, verb="acquire")
    parser.add_argument("--out", type=Path, required=True, metavar="RAW.h5", help="the MRD raw data file to write")
    parser.add_argument("--timeout", type=float, default=30.0, metavar="S",
                        help="give up when the scanner sends nothing for this many seconds (default 30)")
    parser.add_argument("--json", action="store_true", help="print a JSON summary for other tools")
    parser.set_defaults(handler=_acquire)


def _address(args: argparse.Namespace) -> str:
    from vetmri.settings import load_settings

    return args.scanner or load_settings().scanner.address


def _pending(plan, out: Path, indices: list[int]) -> list[int]:
    """The series still to acquire: complete groups are skipped, incomplete ones removed."""
    from vetmri.rawdata import list_groups, series_group_name
    from vetmri.rawdata.completeness import remove_series, series_is_complete

    if not out.exists():
        return indices
    present = set(list_groups(out))
    pending = []
    for index in indices:
        group = series_group_name(index, plan.series[index].parameters.name)
        if group in present and series_is_complete(out, group):
            print(f"{group}: already complete in {out}, kept", file=sys.stderr)
            continue
        if group in present:
            print(f"{group}: cut short in an earlier run, acquiring it again", file=sys.stderr)
            remove_series(out, group)
        pending.append(index)
    return pending


def _acquire(args: argparse.Namespace) -> int:
    from vetmri.acquisition.contract import ScanAborted
    from vetmri.acquisition.link import LinkBackend, parse_address
    from vetmri.acquisition.runner import run_exam
    from vetmri.cli.exam_options import plan_from_arguments, print_exam_summary, print_progress, print_written, require_patient
    from vetmri.errors import OperationFailedError, UserInputError

    require_patient(args)
    if args.timeout <= 0:
        raise UserInputError("--timeout must be a positive number of seconds.")
    if args.out.exists() and args.out.is_dir():
        raise UserInputError(f"{args.out} is a folder; give the path of the .h5 file to write.")
    host, port = parse_address(_address(args))
    plan = plan_from_arguments(args)  # bad input is refused before anything is sent
    indices = list(range(len(plan.series))) if args.series is None else [args.series]
    if args.series is not None and not 0 <= args.series < len(plan.series):
        raise UserInputError(f"There is no series {args.series}; this exam has series 0 to {len(plan.series) - 1} "
                             "(see 'vetmri protocols show').")
    current = {"group": ""}

    def written(group: str, count: int, total: int) -> None:
        current["group"] = group
        print_written(group, count, total)

    with LinkBackend(host, port, timeout_s=args.timeout) as scanner:
        plan = plan_from_arguments(args, scanner.capabilities())
        pending = _pending(plan, args.out, indices)
        if not pending:
            run = None
        else:
            try:
                run = run_exam(plan, scanner, args.out, series=pending, on_progress=print_progress, on_acquisition=written)
            except ScanAborted:
                print(file=sys.stderr)
                raise OperationFailedError(f"The scanner aborted the scan during {current['group'] or 'the calibration'}; "
                                           f"{args.out} keeps every acquisition received, run the same command again "
                                           "to acquire what is missing.") from None
            except OperationFailedError as exc:
                print(file=sys.stderr)
                where = f" during {current['group']}" if current["group"] else ""
                raise OperationFailedError(f"{str(exc).rstrip('.')}{where}; {args.out} keeps every acquisition received, "
                                           "run the same command again to acquire what is missing.") from None
    print(file=sys.stderr)
    summary = _summary(args, scanner, run)
    print_exam_summary(summary, as_json=args.json, verb="acquired")
    return 0


def _summary(args: argparse.Namespace, scanner, run) -> dict:
    return {
        "file": str(args.out),
        "scanner": {"address": scanner.address, "software": scanner.software, "profile": scanner.profile.name},
        "adjustments": None if run is None else run.adjustments.to_dict() | {"noise_covariance": None},
        "calibration_s": 0.0 if run is None else round(run.calibration_s, 2),
        "series": [] if run is None else [
            {"index": s.index, "name": s.name, "group": s.group, "acquisitions": s.acquisitions,
             "scan_time_s": round(s.scan_time_s, 2), "wall_time_s": round(s.wall_time_s, 2)} for s in run.series],
    }
