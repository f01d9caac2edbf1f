"""``vetmri sequence write``: the Pulseq file of one series of an exam plan."""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["register"]


def register(commands: argparse._SubParsersAction) -> None:
    from vetmri.cli.exam_options import add_plan_arguments

    parser = commands.add_parser("sequence", help="Pulseq sequence files of planned series")
    actions = parser.add_subparsers(dest="sequence_command", metavar="ACTION", required=True)
    write = actions.add_parser("write", help="write the .seq file of one series of an exam plan")
    add_plan_arguments(write, required=True)
    write.add_argument("--series", type=int, required=True, metavar="INDEX",
                       help="which series (0-based, as listed by 'protocols show')")
    write.add_argument("--out", type=Path, required=True, metavar="FILE.seq", help="where to write it")
    write.add_argument("--json", action="store_true", help="print a JSON summary for other tools")
    write.set_defaults(handler=_write)


def _write(args: argparse.Namespace) -> int:
    from vetmri.cli.output import print_json
    from vetmri.cli.exam_options import plan_from_arguments
    from vetmri.errors import UserInputError
    from vetmri.scanner.profile import load_profile
    from vetmri.sequences.api import write_sequence
    from vetmri.settings import load_settings

    plan = plan_from_arguments(args)
    if not 0 <= args.series < len(plan.series):
        raise UserInputError(f"There is no series {args.series}; this exam has series 0 to "
                             f"{len(plan.series) - 1} (see 'vetmri protocols show').")
    series = plan.series[args.series]
    result = write_sequence(series, load_profile(load_settings().scanner.profile), args.out)
    summary = {
        "file": str(args.out),
        "series": series.parameters.name,
        "blocks": result.blocks,
        "duration_s": round(result.duration_s, 3),
        "max_gradient_mt_per_m": round(result.gradients.max_amplitude_t_per_m * 1e3, 3),
        "max_slew_t_per_m_per_s": round(result.gradients.max_slew_t_per_m_per_s, 3),
    }
    if args.json:
        print_json(summary)
    else:
        print(f"wrote {args.out}: {summary['series']}, {result.blocks} blocks, "
              f"{result.duration_s / 60:.1f} min, gradients up to {summary['max_gradient_mt_per_m']:g} mT/m "
              f"and {summary['max_slew_t_per_m_per_s']:g} T/m/s")
    return 0
