"""Plain Cartesian reconstruction of a 20-slice 256 x 256 series (4 coils, noise scan),
from the raw MRD file to magnitude images, against the floor of a bare numpy FFT of the
same k-space, in one run.

Run: ``OMP_NUM_THREADS=1 python benchmarks/recon_cartesian.py``.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from vetmri.rawdata import AcqFlag, Acquisition, EncodingCounters, EncodingLimits, Limit, RawExamWriter, SeriesHeader, read_series  # noqa: E402
from vetmri.recon import ReconOptions, reconstruct_raw  # noqa: E402
from vetmri.recon.analytic_phantom import brain_phantom, coil_terms, kspace_on_grid  # noqa: E402

SLICES, N, COILS = 20, 256, 4


def main() -> int:
    k = kspace_on_grid(brain_phantom(), (N, N), (0.2, 0.2), coils=coil_terms(COILS, 0.2))
    rng = np.random.default_rng(0)
    header = SeriesHeader((N, N, 1), (0.2, 0.2, 0.005), (N, N, 1), (0.2, 0.2, 0.005), limits=EncodingLimits(Limit(0, N - 1, N // 2), slice=Limit(0, SLICES - 1, 0)), channels=COILS, series_name="t2")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "exam.h5"
        with RawExamWriter(path) as exam:
            series = exam.open_series(header)
            for _ in range(4):
                series.append(Acquisition((rng.standard_normal((COILS, N)) + 1j * rng.standard_normal((COILS, N))).astype(np.complex64) * 0.02, flags=AcqFlag.IS_NOISE_MEASUREMENT, center_sample=N // 2))
            for s in range(SLICES):
                for y in range(N):
                    data = k[:, y] + 0.02 * (rng.standard_normal((COILS, N)) + 1j * rng.standard_normal((COILS, N)))
                    series.append(Acquisition(data.astype(np.complex64), EncodingCounters(kspace_encode_step_1=y, slice=s), center_sample=N // 2, position_m=(0, 0, 0.006 * s)))
        start = time.perf_counter()
        raw = read_series(path, "00_t2")
        t_read = time.perf_counter() - start
        rows = []
        for name, options in (
            ("vetmri default (adaptive combine + shading corr.)", ReconOptions()),
            ("vetmri adaptive combine, no shading corr.", ReconOptions(shading_correction="off")),
            ("vetmri RSS, no shading corr.", ReconOptions(coil_combine="rss", shading_correction="off")),
        ):
            start = time.perf_counter()
            reconstruct_raw(raw, options)
            rows.append((name, (time.perf_counter() - start) * 1e3 / SLICES))
    stack = np.broadcast_to(k, (SLICES, COILS, N, N)).astype(np.complex64).copy()
    start = time.perf_counter()
    image = np.fft.fftshift(np.fft.ifft2(np.fft.ifftshift(stack, axes=(-2, -1)), norm="ortho"), axes=(-2, -1))
    np.sqrt(np.sum(np.abs(image) ** 2, axis=1))
    floor = (time.perf_counter() - start) * 1e3 / SLICES
    print(f"| step ({SLICES} slices, {N}x{N}, {COILS} coils) | ms per slice | x numpy FFT floor |")
    print("|---|---|---|")
    print(f"| read MRD file (rawdata) | {t_read * 1e3 / SLICES:.1f} | {t_read * 1e3 / SLICES / floor:.1f} |")
    for name, ms in rows:
        print(f"| {name} | {ms:.1f} | {ms / floor:.1f} |")
    print(f"| numpy ifft2 + RSS (floor) | {floor:.1f} | 1.0 |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
