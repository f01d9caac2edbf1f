"""``vetmri phantom list|show|render``: the numerical phantoms the simulator images."""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["register"]


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("phantom", help="list, describe and render the simulator's phantoms")
    actions = parser.add_subparsers(dest="phantom_command", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="the shipped phantoms")
    listing.add_argument("--json", action="store_true", help="print JSON for other tools")
    listing.set_defaults(handler=_list)
    for name, helptext, handler in (("show", "shapes and tissues of one phantom", _show),
                                    ("render", "write a PNG of one plane through a phantom", _render)):
        sub = actions.add_parser(name, help=helptext)
        sub.add_argument("name", metavar="NAME", help="a shipped phantom (see 'vetmri phantom list') or a .toml file")
        sub.add_argument("--weight", type=float, metavar="KG", help="scale to this body weight")
        sub.add_argument("--variant", metavar="NAME", help="skull-type variant, e.g. brachycephalic")
        sub.add_argument("--lesions", action="store_true", help="include the optional lesions")
        if name == "show":
            sub.add_argument("--json", action="store_true", help="print JSON for other tools")
        else:
            sub.add_argument("--out", type=Path, required=True, metavar="FILE.png", help="where to write the image")
            sub.add_argument("--plane", default="transverse", choices=("transverse", "dorsal", "sagittal"))
            sub.add_argument("--position-mm", type=float, default=0.0, help="plane position along its normal")
            sub.add_argument("--pixel-mm", type=float, default=0.5, help="pixel size (0.1 to 5 mm)")
            sub.add_argument("--contrast", default="t2w", choices=("pd", "t1w", "t2w", "flair"))
        sub.set_defaults(handler=handler)


def _load(args: argparse.Namespace):
    from vetmri.simulation.phantom import load_phantom, scale_phantom

    phantom = load_phantom(args.name)
    return scale_phantom(phantom, weight_kg=args.weight, variant=args.variant, lesions=args.lesions)


def _list(args: argparse.Namespace) -> int:
    from vetmri.cli.output import print_json, print_table
    from vetmri.simulation.phantom import list_phantoms, load_phantom

    phantoms = [load_phantom(name) for name in list_phantoms()]
    rows = [
        {"name": p.name, "species": list(p.species), "region": p.region,
         "reference_weight_kg": p.reference_weight_kg, "weight_range_kg": list(p.weight_range_kg),
         "variants": [v.name for v in p.variants], "description": p.description}
        for p in phantoms
    ]
    if args.json:
        print_json(rows)
        return 0
    print_table(("name", "species", "region", "weights (kg)", "description"),
                [(r["name"], ", ".join(r["species"]), r["region"],
                  f"{r['weight_range_kg'][0]:g}-{r['weight_range_kg'][1]:g}", r["description"]) for r in rows])
    return 0


def _show(args: argparse.Namespace) -> int:
    from vetmri.cli.output import print_json, print_table

    phantom = _load(args)
    low, high = phantom.extent_m()
    data = {
        "name": phantom.name, "description": phantom.description, "species": list(phantom.species),
        "region": phantom.region, "reference_weight_kg": phantom.reference_weight_kg,
        "weight_kg": phantom.weight_kg, "variant": phantom.variant, "scale_factor": phantom.scale_factor,
        "scale_exponent": phantom.scale_exponent, "scale_source": phantom.scale_source,
        "extent_mm": [[round(v * 1e3, 1) for v in low], [round(v * 1e3, 1) for v in high]],
        "shapes": [{"name": s.name, "type": s.kind, "tissue": s.tissue.name, "lesion": s.lesion,
                    "centre_mm": [round(v * 1e3, 2) for v in s.centre_m],
                    "semi_axes_mm": [round(v * 1e3, 2) for v in s.semi_axes_m]} for s in phantom.shapes],
        "tissues": [t.to_dict() for t in phantom.tissues()],
    }
    if args.json:
        print_json(data)
        return 0
    print(f"{phantom.name}: {phantom.description}")
    size = " x ".join(f"{(h - l) * 1e3:.0f}" for l, h in zip(low, high))
    print(f"scale factor {phantom.scale_factor:.3f} (reference {phantom.reference_weight_kg:g} kg, "
          f"exponent {phantom.scale_exponent:g}); extent {size} mm (x, y, z)")
    print()
    print_table(("tissue", "PD", "T1 ms", "T2 ms", "T2' ms", "shift ppm", "source"),
                [(t.name, f"{t.pd:g}", f"{t.t1_s * 1e3:g}", f"{t.t2_s * 1e3:g}", f"{t.t2prime_s * 1e3:g}",
                  f"{t.chemical_shift_ppm:g}", t.source) for t in phantom.tissues()])
    print(f"\n{len(phantom.shapes)} shapes ({sum(s.lesion for s in phantom.shapes)} lesion shapes)")
    return 0


def _render(args: argparse.Namespace) -> int:
    import numpy as np
    from skimage.io import imsave

    from vetmri.errors import OperationFailedError, UserInputError
    from vetmri.simulation.render import render_plane

    if not 0.1 <= args.pixel_mm <= 5:
        raise UserInputError(f"--pixel-mm must be from 0.1 to 5, not {args.pixel_mm:g}.")
    if args.out.suffix.lower() != ".png":
        raise UserInputError(f"--out must name a .png file, not {args.out.name}.")
    phantom = _load(args)
    image = render_plane(phantom, plane=args.plane, position_m=args.position_mm * 1e-3,
                         pixel_m=args.pixel_mm * 1e-3, contrast=args.contrast)
    try:
        imsave(args.out, (np.clip(image, 0, 1) * 255).astype(np.uint8), check_contrast=False)
    except OSError as exc:
        raise OperationFailedError(f"Cannot write {args.out}: {exc.strerror or exc}.") from None
    print(f"wrote {args.out} ({image.shape[1]} x {image.shape[0]} pixels)")
    return 0
