"""``vetmri protocols list|show``: the species protocols and the exam plan for one animal."""

from __future__ import annotations

import argparse

__all__ = ["register"]


def register(commands: argparse._SubParsersAction) -> None:
    from vetmri.cli.exam_options import add_plan_arguments

    parser = commands.add_parser("protocols", help="species protocols and exam plans")
    actions = parser.add_subparsers(dest="protocols_command", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="species, weight ranges, size classes and regions")
    listing.add_argument("--json", action="store_true", help="print JSON for other tools")
    listing.set_defaults(handler=_list)
    show = actions.add_parser("show", help="the exam plan for one animal and region")
    add_plan_arguments(show, required=True)
    show.add_argument("--series", type=int, metavar="INDEX",
                      help="apply --set to this series only (0-based)")
    show.add_argument("--json", action="store_true", help="print JSON for other tools")
    show.set_defaults(handler=_show)


def _list(args: argparse.Namespace) -> int:
    from vetmri.cli.output import print_json, print_table
    from vetmri.protocols.library import load_library

    library = load_library()
    rows = []
    for species in library.catalog.species:
        rows.append({
            "species": species.name,
            "weight_range_kg": list(species.weight_range_kg),
            "size_classes": [{"name": c.name, "min_kg": c.min_kg, "max_kg": c.max_kg}
                             for c in species.size_classes],
            "regions": list(library.protocols[species.name].regions),
        })
    if args.json:
        print_json(rows)
        return 0
    print_table(("species", "weight (kg)", "size classes", "regions"), [
        (r["species"], f"{r['weight_range_kg'][0]:g}-{r['weight_range_kg'][1]:g}",
         ", ".join(c["name"] for c in r["size_classes"]), ", ".join(r["regions"])) for r in rows])
    return 0


def _show(args: argparse.Namespace) -> int:
    from vetmri.cli.exam_options import plan_from_arguments
    from vetmri.cli.output import print_json, print_table

    plan = plan_from_arguments(args)
    data = plan.to_dict()
    if args.json:
        print_json(data)
        return 0
    skull = f", {data['skull_type']} skull" if data["skull_type"] else ""
    print(f"{data['species']} {data['weight_kg']:g} kg ({data['size_class']}{skull}), "
          f"{data['region']}, coil {data['coil']}")
    print_table(
        ("#", "series", "TE/TR/TI ms", "FOV mm", "matrix", "slices", "avg", "time", "SNR", "min TE/TR"),
        [(i, s["name"],
          "/".join(f"{v:g}" for v in (s["te_ms"], s["tr_ms"], s["ti_ms"]) if v is not None),
          f"{s['fov_mm'][0]:g}x{s['fov_mm'][1]:g}", f"{s['matrix'][0]}x{s['matrix'][1]}",
          f"{s['slices']}x{s['slice_mm']:g}mm", s["averages"], f"{s['scan_time_s'] / 60:.1f} min",
          f"{s['predicted_snr']:.1f}/{s['target_snr']:g}", f"{s['min_te_ms']:g}/{s['min_tr_ms']:g}")
         for i, s in enumerate(data["series"])])
    print(f"total {data['total_time_s'] / 60:.1f} min of a {data['budget']['max_exam_min']:g} min budget; "
          "SNR is predicted/target: doubling the averages gives x1.41 SNR for x2 time, halving "
          "the pixel size costs x4 SNR.")
    print(f"variant {data['variant']}; predicted quality (SSIM against the noise-free image, CNR of a 2 mm lesion):")
    for i, s in enumerate(data["series"]):
        q = s.get("quality")
        if q:
            print(f"  {i} {s['name']}: SSIM {q['ssim']:.3f}, lesion CNR {q['lesion_cnr']:.1f}, "
                  f"R {s['acceleration']:g}, reconstruction {s['reconstruction']}")
    for s in data["series"]:
        for a in s["adjustments"]:
            print(f"adjusted: {s['name']}: {a['parameter']} {a['from']} -> {a['to']} ({a['reason']})")
        for v in s["violations"]:
            print(f"NOT FEASIBLE: {s['name']}: {v['parameter']}: {v['message']}")
    for warning in data["warnings"]:
        print(f"warning: {warning}")
    return 0
