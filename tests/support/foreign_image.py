"""The image of a foreign sequence's simulation as the workstation encodes it: matrix and
field of view inferred from the trajectory, MRD counters and ``center_sample`` from
:mod:`vetmri.acquisition.encoding`, then a plain centred inverse FFT (no reconstruction
package), so a test sees what the encoding hands on."""

from __future__ import annotations

import numpy as np

TUBE_X_M = (-0.03, 0.0, 0.03)


def encoded(result):
    """(header, MRD acquisitions) of a simulation result, as ``vetmri simulate --seq`` writes them."""
    from vetmri.acquisition.encoding import infer_encoding, to_mrd_acquisitions
    from vetmri.acquisition.header import foreign_series_header
    from vetmri.scanner.profile import load_profile

    parameters = getattr(result, "parameters", None)
    thickness = parameters.slice_thickness_m if parameters else None
    matrix, fov, slices = infer_encoding(result.acquisitions, *([thickness] if thickness else []))
    header = foreign_series_header(matrix=matrix, fov_m=fov, profile=load_profile(), channels=result.channels,
                                   coil_name="ideal", name="foreign", slices=slices)
    return header, to_mrd_acquisitions(result.acquisitions, header)


def foreign_image(result, channel: int = 0) -> np.ndarray:
    """Complex image (rows = phase encodes, columns = readout) of a 2D single-slice result."""
    header, acquisitions = encoded(result)
    nx, ny, _ = header.encoded_matrix
    k = np.zeros((ny, nx), complex)
    count = np.zeros(ny)
    for a in acquisitions:
        if not a.is_imaging:
            continue
        line = a.counters.kspace_encode_step_1
        start = nx // 2 - a.center_sample
        k[line, start:start + a.data.shape[1]] += a.data[channel][: nx - start]
        count[line] += 1
    k /= np.maximum(count, 1)[:, None]
    return np.fft.fftshift(np.fft.ifft2(np.fft.ifftshift(k), norm="ortho"))


def tube_means(image: np.ndarray, fov_m: float, centres_m=TUBE_X_M) -> np.ndarray:
    """Mean magnitude in 5 x 5 pixels at each tube (on the middle row, x along the columns)."""
    ny, nx = image.shape
    px = fov_m / nx
    out = []
    for x in centres_m:
        c = nx // 2 + int(round(x / px))
        out.append(np.abs(image[ny // 2 - 2:ny // 2 + 3, c - 2:c + 3]).mean())
    return np.array(out)
