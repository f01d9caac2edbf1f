"""``vetmri recon RAW.h5 --out DIR``: reconstruct the series of a raw MRD file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["register"]


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("recon", help="reconstruct images from a raw MRD file (.h5)")
    parser.add_argument("raw", type=Path, metavar="RAW.h5", help="MRD/ISMRMRD raw data file")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder for the images")
    parser.add_argument("--format", choices=("npy", "png", "dicom"), default="npy", help="output format (default npy)")
    parser.add_argument("--method", choices=("auto", "fft", "cs"), default="auto", help="auto: compressed sensing when undersampled")
    parser.add_argument("--regulariser", choices=("tv", "wavelet"), default=None, help="compressed-sensing regulariser: total variation (default) or L1 wavelet")
    parser.add_argument("--partial-fourier", choices=("pocs", "homodyne", "off"), default="pocs", help="fill the skipped lines of a partial-Fourier scan (default pocs)")
    parser.add_argument("--denoise", choices=("none", "nlm", "tv"), default="none", help="denoise the complex image (noise level from the noise scan)")
    parser.add_argument("--group", metavar="NAME", help="reconstruct only this series group (default: all)")
    parser.add_argument("--json", action="store_true", help="print what was written as JSON")
    parser.set_defaults(handler=_recon)


def _recon(args: argparse.Namespace) -> int:
    from vetmri.errors import UserInputError

    if args.format == "dicom":
        raise UserInputError("DICOM output needs the pet's record (--pet) and comes with the DICOM writer; use --format npy or png for now.")
    if args.regulariser is not None and args.method == "fft":
        raise UserInputError("--regulariser chooses the compressed-sensing regulariser and does nothing with --method fft; use --method cs (or auto) or leave it out.")
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
    options = ReconOptions(
        method=args.method, denoise=args.denoise, cs_regulariser=args.regulariser or "tv",
        partial_fourier=args.partial_fourier != "off",
        partial_fourier_method="pocs" if args.partial_fourier == "off" else args.partial_fourier,
    )
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
