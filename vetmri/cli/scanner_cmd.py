"""``vetmri scanner show``: the scanner profile in use (or check another profile file)."""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["register"]


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("scanner", help="show the scanner profile (field, limits, coils)")
    actions = parser.add_subparsers(dest="scanner_command", metavar="ACTION", required=True)
    show = actions.add_parser("show", help="print the scanner profile in use")
    show.add_argument(
        "--profile", type=Path, metavar="FILE", help="check and print this profile file instead"
    )
    show.add_argument("--json", action="store_true", help="print JSON for other tools")
    show.set_defaults(handler=_show)


def _show(args: argparse.Namespace) -> int:
    from vetmri.cli.output import print_json, print_table
    from vetmri.scanner.profile import load_profile
    from vetmri.settings import load_settings

    path = args.profile if args.profile is not None else load_settings().scanner.profile
    profile = load_profile(path)
    if args.json:
        print_json(profile.to_dict())
        return 0
    m, g, rf, adc, t = profile.magnet, profile.gradients, profile.rf, profile.adc, profile.timing
    print(profile.name)
    print_table(
        ("quantity", "value"),
        [
            ("B0", f"{m.b0_t:g} T, Larmor {m.larmor_hz / 1e6:.4f} MHz"),
            ("B0 drift", f"{m.drift_hz_per_k:+.0f} Hz per K of magnet temperature"),
            ("homogeneity", f"{m.homogeneity_ppm:g} ppm over {m.dsv_m * 1e3:.0f} mm DSV"),
            ("gradients", f"{g.max_amplitude_t_per_m * 1e3:g} mT/m, {g.max_slew_t_per_m_per_s:g} T/m/s, rise {g.rise_time_s * 1e3:.2f} ms"),
            ("RF", f"dead time {rf.dead_time_s * 1e6:g} us, ring-down {rf.ringdown_time_s * 1e6:g} us, max B1 {rf.max_b1_t * 1e6:g} uT"),
            ("ADC", f"dead time {adc.dead_time_s * 1e6:g} us, max {adc.max_samples} samples, raster {adc.raster_time_s * 1e9:g} ns"),
            ("rasters", f"gradient {t.gradient_raster_time_s * 1e6:g} us, RF {t.rf_raster_time_s * 1e6:g} us, block {t.block_duration_raster_s * 1e6:g} us"),
            ("bore", f"{profile.bore.clear_diameter_m * 1e3:.0f} mm clear, animals up to {profile.bore.max_subject_diameter_m * 1e3:.0f} mm across"),
        ],
    )
    print()
    print_table(
        ("coil", "channels", "opening", "subject width", "body parts"),
        [
            (
                c.name,
                c.channels,
                f"{c.inner_diameter_m * 1e3:.0f} x {c.length_m * 1e3:.0f} mm",
                f"{c.min_subject_m * 1e3:.0f}-{c.max_subject_m * 1e3:.0f} mm",
                ", ".join(c.anatomy),
            )
            for c in profile.coils
        ],
    )
    return 0
