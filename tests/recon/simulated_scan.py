"""Raw MRD files of the analytic phantom, for the reconstruction tests: k-space from the
phantom's continuous Fourier transform (no inverse crime), receiver noise with correlated
channels, readout oversampling, averages, partial Fourier, undersampling, frequency drift
with navigators, several slices or a 3D slab."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from vetmri.rawdata import AcqFlag, Acquisition, EncodingCounters, EncodingLimits, Limit, RawExamWriter, SeriesHeader
from vetmri.recon.analytic_phantom import brain_phantom, coil_terms, kspace_on_grid, rasterise


@dataclass(frozen=True)
class Scan:
    matrix: int = 64
    fov_m: float = 0.2
    coils: int = 1
    oversampling: int = 1
    averages: int = 1
    slices: int = 1
    partitions: int = 1
    noise_sigma: float = 0.02
    noise_scan: bool = True
    lines_sampled: np.ndarray | None = None  # bool (ny,) or (nz, ny)
    drift_hz_per_s: float = 0.0
    navigator_every: int = 0
    te_s: float = 0.02
    tr_s: float = 0.1
    shapes: tuple = field(default_factory=brain_phantom)
    image_phase_cycles_per_m: tuple[float, float] | None = None
    correlated_noise: bool = True
    slice_dir: tuple[float, float, float] = (0.0, 0.0, 1.0)
    read_dir: tuple[float, float, float] = (1.0, 0.0, 0.0)
    phase_dir: tuple[float, float, float] = (0.0, 1.0, 0.0)
    center_m: tuple[float, float, float] = (0.0, 0.0, 0.0)
    slice_thickness_m: float = 0.005
    seed: int = 0
    region: str = ""

    @property
    def is_3d(self) -> bool:
        return self.partitions > 1

    def header(self, name: str = "t2", index: int = 0) -> SeriesHeader:
        n, f = self.matrix, self.fov_m
        z_fov = self.slice_thickness_m * self.partitions
        return SeriesHeader(
            encoded_matrix=(n * self.oversampling, n, self.partitions),
            encoded_fov_m=(f * self.oversampling, f, z_fov),
            recon_matrix=(n, n, self.partitions),
            recon_fov_m=(f, f, z_fov),
            limits=EncodingLimits(
                kspace_encoding_step_1=Limit(0, n - 1, n // 2),
                kspace_encoding_step_2=Limit(0, self.partitions - 1, self.partitions // 2),
                slice=Limit(0, self.slices - 1, 0),
                average=Limit(0, self.averages - 1, 0),
                contrast=Limit(0, 0, 0),
                repetition=Limit(0, 0, 0),
            ),
            tr_s=self.tr_s, te_s=self.te_s, channels=self.coils, coil_name="test",
            series_name=name, series_index=index, slice_spacing_m=self.slice_thickness_m * 1.2,
            bandwidth_per_pixel_hz=100.0, region=self.region,
        )

    def truth(self) -> np.ndarray:
        if self.is_3d:
            return rasterise(self.shapes, (self.matrix, self.matrix, self.partitions), (self.fov_m, self.fov_m, self.slice_thickness_m * self.partitions))
        return rasterise(self.shapes, (self.matrix, self.matrix), (self.fov_m, self.fov_m))

    def slice_center(self, s: int) -> np.ndarray:
        spacing = self.slice_thickness_m * 1.2
        return np.asarray(self.center_m) + (s - (self.slices - 1) / 2) * spacing * np.asarray(self.slice_dir)

    def clean_kspace(self) -> np.ndarray:
        """(coils, [nz,] ny, nx * oversampling), noise free."""
        n, f, os_ = self.matrix, self.fov_m, self.oversampling
        terms = coil_terms(self.coils, f, ndim=3 if self.is_3d else 2) if self.coils > 1 else None
        if self.is_3d:
            return kspace_on_grid(self.shapes, (n * os_, n, self.partitions), (f * os_, f, self.slice_thickness_m * self.partitions), coils=terms)
        shift = self.image_phase_cycles_per_m
        return kspace_on_grid(self.shapes, (n * os_, n), (f * os_, f), coils=terms, shift_cycles_per_m=shift, phase_rad=0.7 if shift else 0.0)

    def acquisitions(self) -> list[Acquisition]:
        rng = np.random.default_rng(self.seed)
        k = self.clean_kspace()
        if not self.is_3d:
            k = k[:, None]
        coils, nz, ny, nx = k.shape
        mix = np.eye(coils)
        if self.correlated_noise and coils > 1:
            fixed = np.random.default_rng(12345)  # the same receiver for every noise realisation
            mix = np.eye(coils) + 0.15 * fixed.standard_normal((coils, coils)) + 0.1j * fixed.standard_normal((coils, coils))
            mix *= np.array([1.0 + 0.3 * c for c in range(coils)])[:, None]
        dwell = 1 / (100.0 * nx)

        def noise(samples: int) -> np.ndarray:
            white = (rng.standard_normal((coils, samples)) + 1j * rng.standard_normal((coils, samples))) / np.sqrt(2)
            return self.noise_sigma * (mix @ white)

        sampled = self.lines_sampled
        if sampled is None:
            sampled = np.ones((nz, ny), bool)
        sampled = np.asarray(sampled, bool).reshape(nz, ny)
        out = []
        t = 0.0
        counter = 0
        base = dict(read_dir=self.read_dir, phase_dir=self.phase_dir, slice_dir=self.slice_dir, sample_time_s=dwell, center_sample=nx // 2)
        if self.noise_scan:
            for i in range(8):
                out.append(Acquisition(noise(nx).astype(np.complex64), flags=AcqFlag.IS_NOISE_MEASUREMENT, time_stamp_s=t, scan_counter=counter, **base))
                counter += 1
        samples = np.arange(nx) - nx // 2

        def drift_phase(time_s: float) -> np.ndarray:
            df = self.drift_hz_per_s * time_s
            return np.exp(2j * np.pi * df * (self.te_s + samples * dwell))

        for avg in range(self.averages):
            for s in range(self.slices):
                pos = tuple(float(v) for v in self.slice_center(s))
                for z in range(nz):
                    for y in range(ny):
                        if self.navigator_every and (y % self.navigator_every == 0):
                            nav = (k[:, z, ny // 2] * drift_phase(t) + noise(nx)).astype(np.complex64)
                            out.append(Acquisition(nav, EncodingCounters(kspace_encode_step_1=ny // 2, slice=s, average=avg), AcqFlag.IS_NAVIGATION_DATA, position_m=pos, time_stamp_s=t, scan_counter=counter, **base))
                            counter += 1
                            t += self.tr_s
                        if not sampled[z, y]:
                            continue
                        data = (k[:, z, y] * drift_phase(t) + noise(nx)).astype(np.complex64)
                        flags = AcqFlag.NONE
                        if y == ny - 1 and z == nz - 1:
                            flags |= AcqFlag.LAST_IN_SLICE
                        out.append(Acquisition(data, EncodingCounters(kspace_encode_step_1=y, kspace_encode_step_2=z, slice=s, average=avg), flags, position_m=pos, time_stamp_s=t, scan_counter=counter, **base))
                        counter += 1
                        t += self.tr_s
        return out

    def write(self, path, name: str = "t2", index: int = 0, shuffle: bool = False) -> str:
        acqs = self.acquisitions()
        if shuffle:
            noise = [a for a in acqs if a.is_noise]
            rest = [a for a in acqs if not a.is_noise]
            order = np.random.default_rng(self.seed + 1).permutation(len(rest))
            acqs = noise + [rest[i] for i in order]
        header = self.header(name, index)
        with RawExamWriter(path) as exam:
            series = exam.open_series(header)
            for a in acqs:
                series.append(a)
            return series.group


def nrmse(image: np.ndarray, truth: np.ndarray) -> float:
    return float(np.linalg.norm(np.abs(image) - truth) / np.linalg.norm(truth))
