"""MRD files written as other people write them: with the ``ismrmrd`` Python package and
its defaults (no dwell time, no echo centre, no geometry), and by ISMRMRD's own
``ismrmrd_generate_cartesian_shepp_logan`` (Debian ``ismrmrd-tools``)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np

from vetmri.recon.analytic_phantom import brain_phantom, coil_terms, kspace_on_grid, rasterise

FOV_M = 0.2


def truth(matrix: int) -> np.ndarray:
    """The phantom the files below hold, (matrix, matrix)."""
    return rasterise(brain_phantom(), (matrix, matrix), (FOV_M, FOV_M))


def write_with_ismrmrd_defaults(path: Path, *, matrix: int = 64, coils: int = 2, noise_scan: bool = True,
                                noise_sigma: float = 0.02, seed: int = 0) -> Path:
    """A 2D Cartesian MRD file built with the ``ismrmrd`` package the way its examples do:
    a header with the encoding only, acquisitions from ``Acquisition.from_array`` with only
    the phase-encoding counter (and the noise flag) set; every other field keeps its
    default (``sample_time_us = 0``, ``center_sample = 0``, zero direction vectors and
    position, no encoding limits)."""
    import ismrmrd
    import ismrmrd.xsd as xsd

    rng = np.random.default_rng(seed)
    space = xsd.encodingSpaceType(
        matrixSize=xsd.matrixSizeType(x=matrix, y=matrix, z=1),
        fieldOfView_mm=xsd.fieldOfViewMm(x=FOV_M * 1e3, y=FOV_M * 1e3, z=5.0),
    )
    encoding = xsd.encodingType(encodedSpace=space, reconSpace=space, encodingLimits=xsd.encodingLimitsType(),
                                trajectory=xsd.trajectoryType.CARTESIAN)
    header = xsd.ismrmrdHeader(
        experimentalConditions=xsd.experimentalConditionsType(H1resonanceFrequency_Hz=8_500_000),
        acquisitionSystemInformation=xsd.acquisitionSystemInformationType(receiverChannels=coils),
        encoding=[encoding],
    )

    k = kspace_on_grid(brain_phantom(), (matrix, matrix), (FOV_M, FOV_M),
                       coils=coil_terms(coils, FOV_M, ndim=2) if coils > 1 else None)  # (coils, ny, nx)
    if coils == 1:
        k = k.reshape(1, matrix, matrix)

    def noise(samples: int) -> np.ndarray:
        return noise_sigma * (rng.standard_normal((coils, samples)) + 1j * rng.standard_normal((coils, samples))) / np.sqrt(2)

    path.unlink(missing_ok=True)
    dataset = ismrmrd.Dataset(str(path), "dataset", create_if_needed=True)
    dataset.write_xml_header(ismrmrd.xsd.ToXML(header))
    if noise_scan:
        for _ in range(4):
            acq = ismrmrd.Acquisition.from_array(noise(matrix).astype(np.complex64))
            acq.setFlag(ismrmrd.ACQ_IS_NOISE_MEASUREMENT)
            dataset.append_acquisition(acq)
    for line in range(matrix):
        acq = ismrmrd.Acquisition.from_array((k[:, line] + noise(matrix)).astype(np.complex64))
        acq.idx.kspace_encode_step_1 = line
        dataset.append_acquisition(acq)
    dataset.close()
    return path


def ismrmrd_shepp_logan(path: Path, *args: str) -> Path:
    """Run ``ismrmrd_generate_cartesian_shepp_logan -o PATH ARGS``."""
    tool = shutil.which("ismrmrd_generate_cartesian_shepp_logan")
    assert tool, "install the Debian package ismrmrd-tools (make system-deps)"
    subprocess.run([tool, "-o", str(path), *args], check=True, capture_output=True, timeout=120)
    return path
