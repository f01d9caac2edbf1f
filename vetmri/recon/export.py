"""Writing reconstructed series to a folder: ``npy`` volumes with a JSON sidecar, or
windowed ``png`` slices for viewing."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from vetmri.errors import OperationFailedError
from vetmri.recon.images import ImageVolume, SeriesImages

__all__ = ["EXPORT_FORMATS", "volume_stem", "write_series"]

EXPORT_FORMATS = ("npy", "png")


def volume_stem(images: SeriesImages, volume: ImageVolume) -> str:
    """``<group>`` for the first contrast and repetition, ``<group>_c<k>`` for further
    contrasts, ``<group>_r<k>`` for further repetitions (``_c<k>_r<j>`` for both)."""
    stem = images.group
    if volume.contrast:
        stem += f"_c{volume.contrast}"
    if volume.repetition:
        stem += f"_r{volume.repetition}"
    return stem


def write_series(images: SeriesImages, out_dir: str | Path, fmt: str = "npy") -> list[Path]:
    """Write every volume of a series; returns the files written.

    ``npy``: ``<stem>.npy`` float32 magnitude (slices, rows, cols) per volume and
    ``<group>.json`` (geometry, steps, method). ``png``: ``<stem>_<slice>.png`` 8-bit
    slices windowed to the 0.5-99.5 percentiles, plus the JSON.
    """
    out = Path(out_dir)
    written: list[Path] = []
    try:
        out.mkdir(parents=True, exist_ok=True)
        for volume in images.volumes:
            stem = volume_stem(images, volume)
            if fmt == "npy":
                path = out / f"{stem}.npy"
                np.save(path, volume.magnitude.astype(np.float32))
                written.append(path)
            else:
                written.extend(_write_png(volume.magnitude, out, stem))
        meta = out / f"{images.group}.json"
        meta.write_text(json.dumps(images.metadata(), indent=2))
        written.append(meta)
    except OSError as exc:
        raise OperationFailedError(f"cannot write the images to {out} ({exc.strerror or exc}); check the folder and free space.") from None
    return written


def _write_png(magnitude: np.ndarray, out: Path, stem: str) -> list[Path]:
    from skimage.io import imsave

    lo, hi = np.percentile(magnitude, [0.5, 99.5])
    scale = 255.0 / (hi - lo) if hi > lo else 1.0
    paths = []
    for s, image in enumerate(magnitude):
        path = out / f"{stem}_{s:03d}.png"
        imsave(path, np.clip((image - lo) * scale, 0, 255).astype(np.uint8), check_contrast=False)
        paths.append(path)
    return paths
