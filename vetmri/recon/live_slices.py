"""Images while the scan runs, each slice reconstructed once.

:class:`LiveSlices` takes a series' readouts as they arrive. When a 2D slice's last readout
is in (the MRD flag ``LAST_IN_SLICE``, which the scanner sets on the last readout of each
slice in arrival order), that slice alone is reconstructed and handed out; nothing already
reconstructed is done again. A 3D series is one slab: its partitions come out together
when the slab is complete. :meth:`LiveSlices.finish` reconstructs the slices still missing
(a backend that sets no flags) and, for a fully sampled 2D series without navigators,
assembles the final series from the slices already made: the same computation as the
batch reconstruction, done once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

import numpy as np

from vetmri.rawdata import AcqFlag, Acquisition, RawSeries, SeriesHeader, sort_acquisitions
from vetmri.recon.geometry import SliceGeometry
from vetmri.recon.images import ImageVolume, SeriesImages
from vetmri.recon.pipeline import ReconOptions, reconstruct_raw

__all__ = ["LiveSlice", "LiveSlices", "assemble_slices"]


@dataclass(frozen=True, eq=False)
class LiveSlice:
    """One image ready while the series runs.

    Attributes
    ----------
    slice_index : int
        Its index in the series (a 3D partition's index for a slab).
    image : ndarray of shape (rows, cols), float32
        Magnitude of the first contrast and repetition.
    geometry : SliceGeometry
    """

    slice_index: int
    image: np.ndarray
    geometry: SliceGeometry


class LiveSlices:
    """Collect one series' readouts and reconstruct each slice when it is complete.

    Parameters
    ----------
    header : SeriesHeader
    group : str
        The raw-file group (names the result).
    options : ReconOptions
        Of the final images; live slices of an undersampled series use the zero-filled FFT
        (compressed sensing runs once, on the whole series, in :meth:`finish`).
    """

    def __init__(self, header: SeriesHeader, group: str, options: ReconOptions = ReconOptions()) -> None:
        self.header = header
        self.group = group
        self.options = options
        self.noise: list[Acquisition] = []
        self.lines: list[Acquisition] = []
        self._by_slice: dict[int, list[Acquisition]] = {}
        self._done: dict[int, SeriesImages] = {}
        self._live_options = replace(options, method="fft") if options.method != "fft" else options
        self._live_undersampled = False

    @property
    def received(self) -> int:
        """Readouts taken (noise included)."""
        return len(self.noise) + len(self.lines)

    def add(self, batch: Iterable[Acquisition]) -> list[LiveSlice]:
        """Take readouts that arrived; return the slices they completed (in slice order)."""
        completed: list[int] = []
        for acquisition in batch:
            if acquisition.is_noise:
                self.noise.append(acquisition)
                continue
            self.lines.append(acquisition)
            key = 0 if self.header.is_3d else acquisition.counters.slice
            self._by_slice.setdefault(key, []).append(acquisition)
            if acquisition.is_imaging and acquisition.flags & AcqFlag.LAST_IN_SLICE and key not in self._done:
                completed.append(key)
        out: list[LiveSlice] = []
        for key in sorted(set(completed)):
            out += self._reconstruct(key)
        return out

    def finish(self) -> tuple[SeriesImages, list[LiveSlice]]:
        """The final images of the series, and the slices that were still missing.

        Raises
        ------
        UserInputError
            The series holds no imaging readouts (nothing arrived), or they do not fit the
            header.
        """
        missing: list[LiveSlice] = []
        for key in sorted(self._by_slice):
            if key not in self._done and any(a.is_imaging for a in self._by_slice[key]):
                missing += self._reconstruct(key)
        if self._can_assemble():
            return assemble_slices([self._done[k] for k in sorted(self._done)], self.group), missing
        series = RawSeries(self.group, self.header, sort_acquisitions(self.lines), tuple(self.noise))
        return reconstruct_raw(series, self.options), missing

    def _can_assemble(self) -> bool:
        if self.header.is_3d or not self._done or self._live_undersampled:
            return False
        if self.options.method == "cs" or any(a.is_navigator for a in self.lines):
            return False  # compressed sensing, or a drift correction fitted over the whole series
        return set(self._done) == set(self._by_slice)

    def _reconstruct(self, key: int) -> list[LiveSlice]:
        lines = self._by_slice[key]
        if self.header.is_3d:
            acquisitions = lines
        else:
            acquisitions = [replace(a, counters=replace(a.counters, slice=0)) for a in lines]
        series = RawSeries(self.group, self.header, sort_acquisitions(acquisitions), tuple(self.noise))
        images = reconstruct_raw(series, self._live_options)
        if images.method != "fft" or _undersampled(images):
            self._live_undersampled = True
        self._done[key] = images
        volume = images.volumes[0]
        if self.header.is_3d:
            return [LiveSlice(i, volume.magnitude[i].copy(), volume.geometry[i]) for i in range(volume.magnitude.shape[0])]
        return [LiveSlice(key, volume.magnitude[0].copy(), volume.geometry[0])]


def _undersampled(images: SeriesImages) -> bool:
    # partial Fourier alone is filled slice by slice, as the whole series would be
    pattern = images.header.sampling_pattern
    return any("compressed sensing" in step for step in images.steps) or \
        images.header.acceleration_factor != (1, 1) or pattern not in ("fully sampled",) and not pattern.startswith("partial Fourier")


def assemble_slices(slices: list[SeriesImages], group: str) -> SeriesImages:
    """One series from single-slice reconstructions, in the given order (each holds the
    same contrasts and repetitions)."""
    first = slices[0]
    volumes = []
    for volume in first.volumes:
        parts = [s.volume(volume.contrast, volume.repetition) for s in slices]
        geometry = tuple(g for p in parts for g in p.geometry)
        volumes.append(ImageVolume(
            magnitude=np.concatenate([p.magnitude for p in parts]),
            complex_image=np.concatenate([p.complex_image for p in parts]),
            geometry=geometry, spacing_between_slices_m=volume.spacing_between_slices_m,
            contrast=volume.contrast, repetition=volume.repetition, echo_time_s=volume.echo_time_s,
        ))
    notes = sorted({n for s in slices for n in s.details.get("notes", [])})
    details = {**first.details, **({"notes": notes} if notes else {})}
    return SeriesImages(group=group, header=first.header, volumes=tuple(volumes), steps=first.steps,
                        method=first.method, noise_sigma=first.noise_sigma, details=details)
