"""``vetmri simulate``: run a planned exam (or any Pulseq file) on the simulated scanner
and write the raw MRD file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["register"]


def register(commands: argparse._SubParsersAction) -> None:
    from vetmri.cli.exam_options import add_plan_arguments, add_simulator_arguments

    parser = commands.add_parser(
        "simulate", help="simulate an exam (or a Pulseq file) on the built-in scanner simulator; writes MRD raw data",
        description="Either plan an exam (--species --weight --region) and simulate its series, or simulate a "
        "Pulseq file (--seq FILE.seq --phantom NAME|FILE). Progress goes to stderr.",
    )
    parser.add_argument("--seq", type=Path, metavar="FILE.seq", help="simulate this Pulseq file instead of a planned exam")
    add_plan_arguments(parser, verb="simulate")
    parser.add_argument("--out", type=Path, required=True, metavar="RAW.h5", help="the MRD raw data file to write")
    add_simulator_arguments(parser)
    parser.add_argument("--fov-mm", metavar="R,C", help="with --seq: field of view (phase, readout) the file encodes")
    parser.add_argument("--matrix", metavar="R,C", help="with --seq: image matrix (phase, readout)")
    parser.add_argument("--json", action="store_true", help="print a JSON summary for other tools")
    parser.set_defaults(handler=_simulate)


def _pair(text: str | None, what: str, kind: type) -> tuple | None:
    from vetmri.errors import UserInputError

    if text is None:
        return None
    parts = text.split(",")
    try:
        values = tuple(kind(p) for p in parts)
    except ValueError:
        values = ()
    if len(values) != 2 or min(values) <= 0:
        raise UserInputError(f"{what} must be two positive numbers ROWS,COLS (e.g. 128,128), not {text!r}.")
    return values


def _simulate(args: argparse.Namespace) -> int:
    from vetmri.cli.exam_options import print_exam_summary
    from vetmri.errors import UserInputError

    planned = any(v is not None for v in (args.species, args.weight, args.region))
    if args.seq is not None and planned:
        raise UserInputError("Give either --seq (a Pulseq file) or --species/--weight/--region (a planned exam), not both.")
    if args.seq is None:
        if args.fov_mm or args.matrix:
            raise UserInputError("--fov-mm and --matrix apply to --seq files; for a planned exam use --set fov_mm=R,C or matrix=R,C.")
        missing = [f"--{n}" for n in ("species", "weight", "region") if getattr(args, n) is None]
        if missing:
            raise UserInputError(f"Give {', '.join(missing)} (or --seq FILE.seq --phantom NAME to simulate a Pulseq file).")
    elif args.phantom is None:
        raise UserInputError("A Pulseq file needs a phantom to image: add --phantom NAME (see 'vetmri phantom list') or --phantom FILE.toml.")
    if args.out.exists() and args.out.is_dir():
        raise UserInputError(f"{args.out} is a folder; give the path of the .h5 file to write.")
    summary = _run_seq(args) if args.seq is not None else _run_plan(args)
    print(file=sys.stderr)
    print_exam_summary(summary, as_json=args.json, verb="simulated")
    return 0


def _summary(run) -> dict:
    return {
        "file": str(run.path),
        "adjustments": run.adjustments.to_dict() | {"noise_covariance": None},
        "calibration_s": round(run.calibration_s, 2),
        "series": [{"index": s.index, "name": s.name, "group": s.group, "acquisitions": s.acquisitions,
                    "scan_time_s": round(s.scan_time_s, 2), "wall_time_s": round(s.wall_time_s, 2),
                    "notes": list(s.notes)} for s in run.series],
    }


def _run_plan(args: argparse.Namespace) -> dict:
    from vetmri.acquisition.runner import run_exam
    from vetmri.cli.exam_options import plan_from_arguments, print_progress, print_written, simulated_backend
    from vetmri.scanner.profile import load_profile
    from vetmri.settings import load_settings

    plan = plan_from_arguments(args)
    backend = simulated_backend(args, plan, load_profile(load_settings().scanner.profile))
    series = None if args.series is None else [args.series]
    run = run_exam(plan, backend, args.out, series=series, on_progress=print_progress, on_acquisition=print_written)
    return _summary(run)


def _run_seq(args: argparse.Namespace) -> dict:
    from vetmri.acquisition.runner import run_sequence_file
    from vetmri.acquisition.simulated import SimulatedBackend
    from vetmri.cli.exam_options import print_progress, simulated_conditions
    from vetmri.scanner.profile import load_profile
    from vetmri.settings import load_settings
    from vetmri.simulation.phantom import load_phantom

    fov = _pair(args.fov_mm, "--fov-mm", float)
    matrix = _pair(args.matrix, "--matrix", int)
    profile = load_profile(load_settings().scanner.profile)
    from dataclasses import replace

    phantom = replace(load_phantom(args.phantom), textured=not getattr(args, "no_texture", False))
    backend = SimulatedBackend(phantom, profile=profile, conditions=simulated_conditions(args, None))
    run = run_sequence_file(args.seq, backend, args.out, fov_mm=fov, matrix=matrix, on_progress=print_progress)
    return _summary(run)
