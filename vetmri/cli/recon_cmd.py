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
    parser.add_argument("--regulariser", choices=("tv", "wavelet"), default=None, help="compressed-sensing regulariser: total variation (default) or L1 wavelet")
    parser.add_argument("--partial-fourier", choices=("pocs", "homodyne", "off"), default="pocs", help="fill the skipped lines of a partial-Fourier scan (default pocs)")
    parser.add_argument("--denoise", choices=("auto", "none", "nlm", "tv"), default="auto", help="denoise the complex image (noise level from the noise scan); auto: as the series' protocol variant asks (quick series: nlm or tv), else none")
    parser.add_argument("--group", metavar="NAME", help="reconstruct only this series group (default: all)")
    parser.add_argument("--json", action="store_true", help="print what was written as JSON")
    parser.add_argument("--pet", metavar="PET_ID", help="DICOM: the pet in the records (P-...)")
    parser.add_argument("--region", help="DICOM: body region of a new study, when the raw data do not name it")
    parser.set_defaults(handler=_recon)


def recon_options(args: argparse.Namespace) -> "ReconOptions":
    """The reconstruction options the command line asked for (shared with DICOM output)."""
    from vetmri.recon import ReconOptions

    return ReconOptions(
        method=args.method, denoise=args.denoise, cs_regulariser=args.regulariser or "tv",
        partial_fourier=args.partial_fourier != "off",
        partial_fourier_method="pocs" if args.partial_fourier == "off" else args.partial_fourier,
    )


def _recon(args: argparse.Namespace) -> int:
    from vetmri.errors import UserInputError

    if args.regulariser is not None and args.method == "fft":
        raise UserInputError("--regulariser chooses the compressed-sensing regulariser and does nothing with --method fft; use --method cs (or auto) or leave it out.")
    if args.format == "dicom":
        from vetmri.cli.dicom_cmd import recon_to_dicom

        return recon_to_dicom(args)
    if args.out is None:
        raise UserInputError("Give the folder for the images with --out DIR.")
    from vetmri.rawdata import list_groups
    from vetmri.recon import reconstruct_series
    from vetmri.recon.export import write_series

    groups = list_groups(args.raw)
    if not groups:
        raise UserInputError(f"{args.raw} holds no MRD series groups; give a raw data file written by the scanner or another MRD tool.")
    if args.group is not None:
        if args.group not in groups:
            raise UserInputError(f"{args.raw} has no series group '{args.group}' (groups: {', '.join(groups)}).")
        groups = [args.group]
    options = recon_options(args)
    summary = []
    for number, group in enumerate(groups, 1):
        def progress(stage: str, fraction: float, group: str = group, number: int = number) -> None:
            print(f"\r[{number}/{len(groups)}] {group}: {stage} {fraction * 100:3.0f}%", end="", file=sys.stderr, flush=True)

        images = reconstruct_series(args.raw, group, options, on_progress=progress)
        print(file=sys.stderr)
        for note in images.details.get("notes", []):
            print(f"{group}: note: {note}", file=sys.stderr)
        files = write_series(images, args.out, args.format)
        summary.append({"group": group, "method": images.method, "steps": list(images.steps), "files": [str(f) for f in files]})
    if args.json:
        from vetmri.cli.output import print_json

        print_json(summary)
    else:
        for item in summary:
            print(f"{item['group']}: {item['method']}, {len(item['files'])} files in {args.out}")
    return 0
