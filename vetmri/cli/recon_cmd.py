"""``vetmri recon RAW.h5 --out DIR``: reconstruct the series of a raw MRD file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["register"]


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("recon", help="reconstruct images from a raw MRD file (.h5)")
    parser.add_argument("raw", type=Path, metavar="RAW.h5", help="MRD/ISMRMRD raw data file")
    parser.add_argument("--out", type=Path, metavar="DIR", help="folder for the images (DICOM: default the study folder)")
    parser.add_argument("--format", choices=("npy", "png", "dicom"), default="npy", help="output format (default npy)")
    parser.add_argument("--method", choices=("auto", "fft", "cs"), default="auto", help="auto: compressed sensing when undersampled")
    parser.add_argument("--denoise", choices=("none", "nlm", "tv"), default="none", help="denoise the complex image (noise level from the noise scan)")
    parser.add_argument("--group", metavar="NAME", help="reconstruct only this series group (default: all)")
    parser.add_argument("--json", action="store_true", help="print what was written as JSON")
    parser.add_argument("--pet", metavar="PET_ID", help="DICOM: the pet in the records (P-...)")
    parser.add_argument("--region", help="DICOM: body region of a new study, when the raw data do not name it")
    parser.set_defaults(handler=_recon)


def _recon(args: argparse.Namespace) -> int:
    from vetmri.errors import UserInputError

    if args.format == "dicom":
        from vetmri.cli.dicom_cmd import recon_to_dicom

        return recon_to_dicom(args)
    if args.out is None:
        raise UserInputError("Give the folder for the images with --out DIR.")
    from vetmri.rawdata import list_groups
    from vetmri.recon import ReconOptions, reconstruct_series
    from vetmri.recon.export import write_series

    groups = list_groups(args.raw)
    if not groups:
        raise UserInputError(f"{args.raw} holds no MRD series groups; give a raw data file written by the scanner or another MRD tool.")
    if args.group is not None:
        if args.group not in groups:
            raise UserInputError(f"{args.raw} has no series group '{args.group}' (groups: {', '.join(groups)}).")
        groups = [args.group]
    options = ReconOptions(method=args.method, denoise=args.denoise)
    summary = []
    for number, group in enumerate(groups, 1):
        def progress(stage: str, fraction: float, group: str = group, number: int = number) -> None:
            print(f"\r[{number}/{len(groups)}] {group}: {stage} {fraction * 100:3.0f}%", end="", file=sys.stderr, flush=True)

        images = reconstruct_series(args.raw, group, options, on_progress=progress)
        print(file=sys.stderr)
        files = write_series(images, args.out, args.format)
        summary.append({"group": group, "method": images.method, "steps": list(images.steps), "files": [str(f) for f in files]})
    if args.json:
        from vetmri.cli.output import print_json

        print_json(summary)
    else:
        for item in summary:
            print(f"{item['group']}: {item['method']}, {len(item['files'])} files in {args.out}")
    return 0
