"""The reconstruction of a Cartesian series, step by step:

1. noise pre-whitening (noise scan) -> 2. frequency-drift correction (navigators) ->
3. gridding by encoding counters with readout-oversampling removal and averaging ->
4. compressed sensing when undersampled, else partial-Fourier POCS and the inverse FFT ->
5. coil combination (adaptive or root-sum-of-squares) -> 6. coil-shading correction ->
7. optional denoising -> images with geometry.

Each step can be switched off through :class:`ReconOptions` (to compare, and for the tests
that show each step matters).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from vetmri.errors import UserInputError
from vetmri.rawdata import RawSeries, SeriesHeader, read_series
from vetmri.recon.coils import adaptive_combine, rss_combine
from vetmri.recon.cs import tv_recon, wavelet_recon
from vetmri.recon.drift import correct_drift
from vetmri.recon.fft import fftc, ifftc
from vetmri.recon.geometry import slice_geometries
from vetmri.recon.grid import KSpace, grid_kspace
from vetmri.recon.images import ImageVolume, SeriesImages
from vetmri.recon.intensity import shading_correction
from vetmri.recon.noise import estimate_noise_sigma_from_kspace, noise_model_from_scan, prewhiten, unusable_noise_reason
from vetmri.recon.partial_fourier import PARTIAL_FOURIER_METHODS, detect_partial_fourier, fill_partial_fourier
from vetmri.recon.readouts import consistent_dwell, stack_readouts, with_echo_centre
from vetmri.recon.sampling import is_undersampled

__all__ = ["METHODS", "COIL_COMBINES", "CS_REGULARISERS", "DENOISERS", "PARTIAL_FOURIER_METHODS", "ReconOptions", "reconstruct_raw", "reconstruct_series"]

_log = logging.getLogger(__name__)

METHODS = ("auto", "fft", "cs")
CS_REGULARISERS = ("tv", "wavelet")
COIL_COMBINES = ("adaptive", "rss")
DENOISERS = ("auto", "none", "nlm", "tv")

Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class ReconOptions:
    """Choices of the reconstruction (defaults are what the workstation uses).

    Attributes
    ----------
    method : "auto", "fft" or "cs"
        ``auto`` uses compressed sensing when phase encodes are missing.
    denoise : "auto", "none", "nlm" or "tv"
        Denoise the complex image (noise level from the noise scan); ``auto`` does what the
        raw header's ``reconstruction`` asks for (non-local means or total variation for a
        quick series planned with it), else nothing.
    coil_combine : "adaptive" or "rss"
    prewhiten, drift_correction, remove_oversampling, average, partial_fourier : bool
    partial_fourier_method : "pocs" or "homodyne"
        How skipped lines of a partial-Fourier scan are filled.
    shading_correction : "auto", "on" or "off"
        ``auto`` corrects coil shading for multi-channel coils.
    cs_regulariser : "tv" or "wavelet"
        Total variation (split Bregman / primal-dual) or L1 wavelet (FISTA).
    cs_iterations : int or None
        None: the regulariser's own default (100 for TV, 30 for wavelet).
    """

    method: str = "auto"
    denoise: str = "auto"
    coil_combine: str = "adaptive"
    prewhiten: bool = True
    drift_correction: bool = True
    remove_oversampling: bool = True
    average: bool = True
    partial_fourier: bool = True
    partial_fourier_method: str = "pocs"
    shading_correction: str = "auto"
    cs_regulariser: str = "tv"
    cs_iterations: int | None = None

    def __post_init__(self) -> None:
        for name, value, allowed in (
            ("method", self.method, METHODS),
            ("denoise", self.denoise, DENOISERS),
            ("coil_combine", self.coil_combine, COIL_COMBINES),
            ("shading_correction", self.shading_correction, ("auto", "on", "off")),
            ("partial_fourier_method", self.partial_fourier_method, PARTIAL_FOURIER_METHODS),
            ("cs_regulariser", self.cs_regulariser, CS_REGULARISERS),
        ):
            if value not in allowed:
                raise UserInputError(f"{name} must be one of {', '.join(allowed)}, not '{value}'.")


def reconstruct_series(path: str | Path, group: str, options: ReconOptions = ReconOptions(), on_progress: Progress | None = None) -> SeriesImages:
    """Read one series group of a raw MRD file and reconstruct it.

    Raises
    ------
    UserInputError
        Unreadable or inconsistent raw data (one sentence naming file, group, problem).
    """
    series = read_series(path, group)
    try:
        return reconstruct_raw(series, options, on_progress)
    except UserInputError as exc:
        raise UserInputError(f"{path}, {exc}") from None


def reconstruct_raw(series: RawSeries, options: ReconOptions = ReconOptions(), on_progress: Progress | None = None) -> SeriesImages:
    """Reconstruct a series already in memory (from :func:`vetmri.rawdata.read_series`
    or from a backend's acquisitions)."""
    try:
        return _reconstruct(series, options, on_progress)
    except UserInputError as exc:
        text = str(exc)
        if f"group '{series.group}'" in text:
            raise
        raise UserInputError(f"group '{series.group}': {text[0].lower()}{text[1:]}") from None


def _reconstruct(series: RawSeries, options: ReconOptions, on_progress: Progress | None) -> SeriesImages:
    report = on_progress or (lambda _s, _f: None)
    header = series.header
    options = resolve_auto_options(options, header)
    steps: list[str] = []
    details: dict[str, Any] = {}
    lines = stack_readouts(a for a in series.acquisitions if a.is_imaging)
    navigators = stack_readouts(a for a in series.acquisitions if a.is_navigator)
    noise = stack_readouts(series.noise)
    if lines is None:
        raise UserInputError("the series holds no imaging lines to reconstruct.")
    dwell, dwell_note = consistent_dwell(header.encoded_matrix[0], header.bandwidth_per_pixel_hz, lines, navigators, noise)
    lines, centre_note = with_echo_centre(lines, header.encoded_matrix[0])
    navigators, _ = with_echo_centre(navigators, header.encoded_matrix[0])
    for note in (dwell_note, centre_note):
        if note is not None:
            details.setdefault("notes", []).append(note)
    lines, navigators, noise = (None if k is None else replace(k, sample_time_s=dwell) for k in (lines, navigators, noise))
    model = noise_model_from_scan(noise) if options.prewhiten else None
    if model is not None and model.covariance.shape[0] != lines.data.shape[1]:
        raise UserInputError(f"the noise scan has {model.covariance.shape[0]} channels but the imaging data {lines.data.shape[1]}; the data are inconsistent.")
    if model is not None and (unusable := unusable_noise_reason(model)) is not None:
        # whitening by a singular covariance would fail or blow up a channel: reconstruct
        # unwhitened, with the noise level from the k-space periphery, and say so
        note = f"noise pre-whitening skipped: {unusable}"
        _log.warning("group %s: %s", series.group, note)
        details.setdefault("notes", []).append(note)
        model = None
    if model is not None:
        lines = prewhiten(lines, model)
        if navigators is not None:
            navigators = prewhiten(navigators, model)
        steps.append("noise pre-whitening")
    if navigators is not None and len(navigators) >= 2 and options.drift_correction and dwell > 0:
        lines, drift = correct_drift(lines, navigators, header.te_s)
        steps.append("frequency-drift correction")
        details["drift_hz_range"] = [float(drift.min()), float(drift.max())]
    report("gridding", 0.1)
    kspaces = grid_kspace(lines, header, remove_oversampling=options.remove_oversampling, use_all_averages=options.average)
    if options.remove_oversampling and header.readout_oversampling != 1:
        steps.append("readout oversampling removal")
    if header.encoded_matrix[1] > header.recon_matrix[1]:  # cropped in _to_recon_matrix
        steps.append("phase oversampling removal")
    if header.is_3d and header.encoded_matrix[2] > header.recon_matrix[2]:  # the same
        steps.append("slab oversampling removal")
    if options.average and int(lines.counter("average").max()) > 0:
        steps.append("averaging")
    if model is not None:
        sigma = 1.0
    else:
        k0 = kspaces[0]
        sigma = estimate_noise_sigma_from_kspace(k0.data[:, :, 0], k0.sampled[:, 0, :, None][:, None])
        details["noise_sigma_source"] = "k-space periphery (no usable noise scan)"
    first_of_slice = {}
    for acq in lines.acquisitions:
        first_of_slice.setdefault(acq.counters.slice, acq)
    volumes = []
    method_used = "fft"
    for n, kspace in enumerate(kspaces):
        report("reconstructing", 0.1 + 0.8 * n / len(kspaces))
        kspace, present = _slices_with_data(kspace, header, details)
        images, method, used = _reconstruct_kspace(kspace, header, options, sigma, details)
        method_used = method
        for step in used:
            if step not in steps:
                steps.append(step)
        images = _to_recon_matrix(images, header, options)
        geometry = slice_geometries(header, first_of_slice, images.shape, slice_indices=present)
        echo = header.echo_times_s[kspace.contrast] if kspace.contrast < len(header.echo_times_s) else header.te_s
        volumes.append(ImageVolume(
            magnitude=np.abs(images).astype(np.float32), complex_image=images.astype(np.complex64),
            geometry=geometry, spacing_between_slices_m=geometry[0].slice_thickness_m if header.is_3d else header.slice_spacing_m,
            contrast=kspace.contrast, repetition=kspace.repetition, echo_time_s=echo,
        ))
    report("done", 1.0)
    return SeriesImages(group=series.group, header=header, volumes=tuple(volumes), steps=tuple(steps), method=method_used, noise_sigma=sigma, details=details)


def resolve_auto_options(options: ReconOptions, header: SeriesHeader) -> ReconOptions:
    """The options with ``denoise="auto"`` (and ``method="auto"``) settled by what the
    header's ``reconstruction`` (the protocol variant's) asks for."""
    wanted = set(header.reconstruction.split("+")) if header.reconstruction else set()
    if options.denoise == "auto":
        options = replace(options, denoise="nlm" if "nlm" in wanted else "tv" if "tv" in wanted else "none")
    if options.method == "auto" and "cs" in wanted:
        options = replace(options, method="cs")
    return options


def _slices_with_data(kspace: KSpace, header: SeriesHeader, details: dict[str, Any]) -> tuple[KSpace, list[int] | None]:
    """The k-space without the slices that hold no line (a series cut short: killed, a
    dropped link), and the slice counters kept (None: all of them)."""
    if header.is_3d:
        return kspace, None
    has_data = kspace.sampled.any(axis=(1, 2))
    planned = max(kspace.data.shape[0], header.limits.slice.maximum + 1 if header.limits.slice else 0)
    present = [int(s) for s in np.flatnonzero(has_data)]
    if len(present) == planned:
        return kspace, None
    note = (f"{planned - len(present)} of {planned} slices hold no data (the series was cut short) and are left out; "
            f"slices {', '.join(str(s + 1) for s in present)} are reconstructed")
    if note not in details.get("notes", []):
        details.setdefault("notes", []).append(note)
    if has_data.all():
        return kspace, None
    kept = KSpace(data=kspace.data[present], counts=kspace.counts[present], contrast=kspace.contrast, repetition=kspace.repetition)
    return kept, present


def _reconstruct_kspace(kspace: KSpace, header: SeriesHeader, options: ReconOptions, sigma: float, details: dict[str, Any]) -> tuple[np.ndarray, str, list[str]]:
    """Images (slices or partitions, ny, nx), complex, of one gridded k-space."""
    from vetmri.recon.denoise import denoise_complex, image_noise_factor

    data, sampled = kspace.data, kspace.sampled  # (S, C, Z, Y, X), (S, Z, Y)
    is_3d = data.shape[2] > 1
    undersampled = any(is_undersampled(sampled[s] if is_3d else sampled[s, 0]) for s in range(data.shape[0]))
    method = options.method
    if method == "auto":
        method = "cs" if undersampled else "fft"
    used: list[str] = []
    out = []
    for s in range(data.shape[0]):
        if method == "cs":
            recon = tv_recon if options.cs_regulariser == "tv" else wavelet_recon
            extra = {} if options.cs_iterations is None else {"iterations": options.cs_iterations}
            if is_3d:
                result = recon(data[s], sampled[s], sigma=sigma, ndim=3, **extra)
                combined = result.image
            else:
                result = recon(data[s, :, 0], sampled[s, 0], sigma=sigma, ndim=2, **extra)
                combined = result.image[None]
            details["cs"] = {"regulariser": result.regulariser, "lambda": result.lam, "iterations": result.iterations}
            step = "compressed sensing (total variation)" if options.cs_regulariser == "tv" else "compressed sensing (L1 wavelet)"
            if step not in used:
                used.append(step)
        else:
            k = data[s]  # (C, Z, Y, X)
            if is_3d:
                k = ifftc(k, axes=(1,))
            line_mask = sampled[s].any(axis=0)
            pf = detect_partial_fourier(line_mask)
            if pf is not None and options.partial_fourier:
                k = fill_partial_fourier(k, pf, options.partial_fourier_method)
                step = "partial Fourier (POCS)" if options.partial_fourier_method == "pocs" else "partial Fourier (homodyne)"
                if step not in used:
                    used.append(step)
            coil_images = ifftc(k, axes=(-2, -1))  # (C, Z, Y, X)
            if options.coil_combine == "adaptive" and coil_images.shape[0] > 1:
                combined = np.stack([adaptive_combine(coil_images[:, z]) for z in range(coil_images.shape[1])])
                step = "coil combination (adaptive)"
            elif coil_images.shape[0] > 1:
                combined = rss_combine(coil_images).astype(np.complex64)
                step = "coil combination (root-sum-of-squares)"
            else:
                combined = coil_images[0]
                step = ""
            if step and step not in used:
                used.append(step)
            if "inverse FFT" not in used:
                used.append("inverse FFT")
        shading = options.shading_correction == "on" or (options.shading_correction == "auto" and data.shape[1] > 1)
        if shading:
            combined = np.stack([shading_correction(img) for img in combined])
            if "coil shading correction" not in used:
                used.append("coil shading correction")
        if options.denoise != "none":
            image_sigma = sigma * image_noise_factor(kspace.counts[s])
            combined = np.stack([denoise_complex(img, sigma=image_sigma, method=options.denoise) for img in combined])
            details["denoise"] = {"method": options.denoise, "sigma": image_sigma}
            step = f"denoising ({options.denoise})"
            if step not in used:
                used.append(step)
        out.append(combined)
    images = np.concatenate(out, axis=0)  # 2D: (slices, Y, X); 3D: (Z, Y, X)
    return images, method, used


def _to_recon_matrix(images: np.ndarray, header: SeriesHeader, options: ReconOptions) -> np.ndarray:
    """Match the recon matrix along phase (zero-fill or crop) when it differs from the
    encoded one; 3D: crop the central partitions of a slab encoded wider (slab oversampling)."""
    nz_rec = header.recon_matrix[2]
    if header.is_3d and images.shape[0] > nz_rec:
        start = images.shape[0] // 2 - nz_rec // 2
        images = images[start:start + nz_rec]
    ny_rec = header.recon_matrix[1]
    ny = images.shape[1]
    if ny == ny_rec:
        return images
    if ny > ny_rec:  # phase oversampling: crop the field of view
        start = ny // 2 - ny_rec // 2
        return images[:, start:start + ny_rec]
    k = fftc(images, axes=(1,))
    pad = np.zeros((images.shape[0], ny_rec, images.shape[2]), k.dtype)
    start = ny_rec // 2 - ny // 2
    pad[:, start:start + ny] = k
    return ifftc(pad, axes=(1,))
