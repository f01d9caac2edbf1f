"""Options shared by the commands that plan an exam (``protocols show``, ``sequence write``,
``simulate``, ``acquire``, ``sim-server``): the patient and plan, the simulated scanner's
conditions, progress lines.

Standard library only at the top; the core is imported inside the functions.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

__all__ = [
    "add_patient_arguments",
    "add_plan_arguments",
    "add_simulator_arguments",
    "plan_from_arguments",
    "print_exam_summary",
    "print_progress",
    "print_written",
    "require_patient",
    "simulated_backend",
    "simulated_conditions",
]


def add_patient_arguments(parser: argparse.ArgumentParser, *, required: bool = False) -> None:
    """--species --weight --region --breed --skull."""
    parser.add_argument("--species", required=required, help="species name or alias (see 'protocols list')")
    parser.add_argument("--weight", required=required, metavar="KG", help="body weight in kilograms")
    parser.add_argument("--region", required=required, help="body region (see 'protocols list')")
    parser.add_argument("--breed", help="breed (dogs: looked up for the skull type)")
    parser.add_argument("--skull", help="skull type: brachycephalic, mesaticephalic or dolichocephalic")


def add_plan_arguments(parser: argparse.ArgumentParser, *, verb: str | None = None, required: bool = False) -> None:
    """The patient, --set, --acceleration and the time budgets; with ``verb``, also
    --series/--all (which series to run)."""
    add_patient_arguments(parser, required=required)
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", dest="overrides",
                        help="override a series parameter by its JSON name (repeatable; arrays "
                        "comma-separated, e.g. fov_mm=180,160)")
    parser.add_argument("--acceleration", metavar="R", help="undersample the phase encoding R-fold "
                        "(the same as --set acceleration=R)")
    parser.add_argument("--max-exam-min", type=float, metavar="MIN", help="anaesthesia budget of the exam")
    parser.add_argument("--max-series-min", type=float, metavar="MIN", help="time budget of one series")
    parser.add_argument("--variant", default="standard", metavar="standard|quick",
                        help="protocol variant: quick = at most half the scan time (fewer averages, undersampling) "
                        "with the reconstruction that suits it")
    if verb is None:
        return
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--series", type=int, metavar="INDEX", help=f"{verb} this series only (0-based)")
    which.add_argument("--all", action="store_true", help=f"{verb} every series (the default)")


def add_simulator_arguments(parser: argparse.ArgumentParser) -> None:
    """The simulated scanner's patient phantom and conditions (as for ``vetmri simulate``)."""
    parser.add_argument("--phantom", metavar="NAME|FILE", help="phantom to image (default: the one for species and region)")
    parser.add_argument("--no-texture", action="store_true",
                        help="piecewise-constant phantom: no folds, septa or tissue heterogeneity (docs/phantoms.md)")
    parser.add_argument("--seed", type=int, default=0, metavar="N", help="seed of the noise and the magnet's maps")
    parser.add_argument("--no-noise", action="store_true", help="leave out thermal noise")
    parser.add_argument("--no-effects", action="store_true", help="ideal magnet: no B0 map, drift or RF error")
    parser.add_argument("--drift-hz", type=float, default=0.0, metavar="F",
                        help="the magnet's drift from its nominal frequency (the Larmor search finds it)")
    parser.add_argument("--rf-error", type=float, default=1.0, metavar="SCALE",
                        help="actual over nominal flip angle before RF calibration (1.2 = 20 %% too much)")
    parser.add_argument("--shim-error", metavar="X,Y,Z",
                        help="linear field error before shimming, Hz/m along x, y, z (the shim finds it)")
    parser.add_argument("--b1-falloff", type=float, default=0.0, metavar="F",
                        help="flip-angle loss at the coil's radius (0.2 = 20 %% less at the edge)")
    parser.add_argument("--interference-hz", metavar="F[,F...]",
                        help="external interference lines, Hz from the Larmor frequency (no RF room)")
    parser.add_argument("--motion", choices=("rigid", "respiratory"), help="the patient moves during each series")
    parser.add_argument("--motion-mm", type=float, default=2.0, metavar="MM",
                        help="with --motion: peak displacement in mm (default 2)")


def require_patient(args: argparse.Namespace, *, hint: str = "") -> None:
    """Refuse (exit 2) when --species, --weight or --region is missing."""
    from vetmri.errors import UserInputError

    missing = [f"--{n}" for n in ("species", "weight", "region") if getattr(args, n) is None]
    if missing:
        raise UserInputError(f"Give {', '.join(missing)}{hint}.")


def plan_from_arguments(args: argparse.Namespace, profile: Any = None) -> Any:
    """The exam plan the arguments describe, for a scanner profile (the configured one by
    default; the scanner's own when driving it over the link). As ``protocols show``
    plans it; commands without --set/--series plan the protocol as it stands."""
    from vetmri.errors import UserInputError
    from vetmri.protocols.overrides import parse_override
    from vetmri.protocols.planner import plan_exam
    from vetmri.protocols.species import parse_weight_kg

    if profile is None:
        from vetmri.scanner.profile import load_profile
        from vetmri.settings import load_settings

        profile = load_profile(load_settings().scanner.profile)
    series = getattr(args, "series", None)
    overrides = [parse_override(text, series) for text in getattr(args, "overrides", [])]
    if getattr(args, "acceleration", None) is not None:
        from_flag = parse_override(f"acceleration={args.acceleration}", series)
        for o in overrides:
            if o.key == "acceleration" and o.value != from_flag.value:
                raise UserInputError(f"--acceleration {args.acceleration} conflicts with "
                                     f"--set acceleration={o.value:g}; give one of them.")
        overrides.append(from_flag)
    return plan_exam(args.species, parse_weight_kg(args.weight), args.region, breed=args.breed, skull=args.skull,
                     overrides=overrides, max_exam_min=getattr(args, "max_exam_min", None),
                     max_series_min=getattr(args, "max_series_min", None), profile=profile,
                     variant=getattr(args, "variant", "standard"))


def simulated_backend(args: argparse.Namespace, plan: Any, profile: Any) -> Any:
    """The simulated scanner with the patient of ``plan`` in the bore, as ``vetmri simulate``
    builds it (same phantom, coil and conditions for the same options)."""
    from vetmri.acquisition.phantoms import phantom_for_exam
    from vetmri.acquisition.simulated import SimulatedBackend

    phantom = phantom_for_exam(plan.species, plan.region, plan.weight_kg, skull=plan.skull_type, phantom=args.phantom,
                               texture=not getattr(args, "no_texture", False))
    return SimulatedBackend(phantom, profile=profile, conditions=simulated_conditions(args, plan.coil))


def simulated_conditions(args: argparse.Namespace, coil: str | None) -> Any:
    """The simulated machine the options describe (``--no-effects``: an ideal magnet)."""
    from vetmri.acquisition.simulated import SimulatedConditions
    from vetmri.errors import UserInputError

    shim = (0.0, 0.0, 0.0)
    if args.shim_error is not None:
        shim = _numbers(args.shim_error)
        if len(shim) != 3:
            raise UserInputError(f"--shim-error must be three numbers X,Y,Z in Hz/m (e.g. 400,0,0), not {args.shim_error!r}.")
    lines = _numbers(args.interference_hz) if args.interference_hz is not None else ()
    if args.interference_hz is not None and not lines:
        raise UserInputError(f"--interference-hz must be numbers in Hz separated by commas (e.g. 1500,-4200), "
                             f"not {args.interference_hz!r}.")
    ideal = args.no_effects
    return SimulatedConditions(drift_hz=0.0 if ideal else args.drift_hz, b1_scale=1.0 if ideal else args.rf_error,
                               shim_error_hz_per_m=(0.0, 0.0, 0.0) if ideal else shim,
                               b1_falloff=0.0 if ideal else args.b1_falloff, interference_hz=lines,
                               motion=args.motion or "none", motion_amplitude_m=args.motion_mm / 1e3 if args.motion else 0.0,
                               b0_inhomogeneity=not ideal, noise=not args.no_noise, coil=coil, seed=args.seed)


def _numbers(text: str) -> tuple[float, ...]:
    """Comma-separated numbers; empty when any part is not a number."""
    try:
        return tuple(float(v) for v in text.split(","))
    except ValueError:
        return ()


def print_progress(fraction: float, message: str) -> None:
    """One progress line on stderr, rewritten in place."""
    print(f"\r{fraction * 100:5.1f}% {message[:70]:<70}", end="", file=sys.stderr, flush=True)


def print_written(group: str, written: int, total: int) -> None:
    """After each acquisition is flushed to the file."""
    print(f"\r{group}: written {written}/{total} acquisitions{' ' * 20}", end="", file=sys.stderr, flush=True)


def print_exam_summary(summary: dict[str, Any], *, as_json: bool, verb: str) -> None:
    """The series written (or the JSON summary for other tools) after a run."""
    if as_json:
        from vetmri.cli.output import print_json

        print_json(summary)
        return
    for s in summary["series"]:
        print(f"{s['group']}: {s['acquisitions']} acquisitions, scan time {s['scan_time_s'] / 60:.1f} min, "
              f"{verb} in {s['wall_time_s']:.1f} s")
        for note in s.get("notes", ()):
            print(f"  note: {note}")
    if summary["series"]:
        print(f"wrote {summary['file']}")
    else:
        print(f"nothing to acquire: {summary['file']} holds every series asked for")
