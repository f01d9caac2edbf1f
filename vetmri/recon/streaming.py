"""Images while the scan runs: a reconstructor fed acquisition by acquisition (from a
backend's stream) that reconstructs again whenever a slice (sequential-slice mode) or an
average pass (``LAST_IN_SLICE`` / ``LAST_IN_AVERAGE`` / ``LAST_IN_REPETITION`` flags, or the
last line of the header's encoding limits) completes.
"""

from __future__ import annotations

from collections.abc import Callable

from vetmri.rawdata import AcqFlag, Acquisition, RawSeries, SeriesHeader, check_series, sort_acquisitions
from vetmri.recon.images import SeriesImages
from vetmri.recon.pipeline import ReconOptions, reconstruct_raw

__all__ = ["StreamingReconstructor"]

_TRIGGERS = AcqFlag.LAST_IN_SLICE | AcqFlag.LAST_IN_AVERAGE | AcqFlag.LAST_IN_REPETITION | AcqFlag.LAST_IN_MEASUREMENT


class StreamingReconstructor:
    """Collects the acquisitions of one series and yields updated images.

    Parameters
    ----------
    header : SeriesHeader
    group : str
        Name for the result (the raw-file group).
    options : ReconOptions
    on_images : callable (SeriesImages) -> None, optional
        Called with every update.

    Examples
    --------
    >>> rec = StreamingReconstructor(header, "02_t2_tse")            # doctest: +SKIP
    >>> for acq in backend.run(...):                                  # doctest: +SKIP
    ...     images = rec.add(acq)       # SeriesImages when a slice or pass is complete
    >>> final = rec.finish()                                          # doctest: +SKIP
    """

    def __init__(self, header: SeriesHeader, group: str, options: ReconOptions = ReconOptions(), on_images: Callable[[SeriesImages], None] | None = None) -> None:
        self.header = header
        self.group = group
        self.options = options
        self.on_images = on_images
        self.noise: list[Acquisition] = []
        self.lines: list[Acquisition] = []
        self.updates = 0

    def add(self, acquisition: Acquisition) -> SeriesImages | None:
        """Take one acquisition; return updated images when it completes a slice or an
        average pass, else None."""
        if acquisition.is_noise:
            self.noise.append(acquisition)
            return None
        self.lines.append(acquisition)
        if acquisition.is_imaging and (acquisition.flags & _TRIGGERS or self._ends_pass(acquisition)):
            return self._update()
        return None

    def finish(self) -> SeriesImages:
        """The final images from everything received."""
        return self._update()

    def _ends_pass(self, acq: Acquisition) -> bool:
        lim = self.header.limits
        last_line = lim.kspace_encoding_step_1 is not None and acq.counters.kspace_encode_step_1 == lim.kspace_encoding_step_1.maximum
        last_partition = lim.kspace_encoding_step_2 is None or acq.counters.kspace_encode_step_2 == lim.kspace_encoding_step_2.maximum
        return last_line and last_partition and not self.header.is_3d or (self.header.is_3d and last_line and last_partition)

    def _update(self) -> SeriesImages:
        header = check_series(self.header, self.lines, where=f"series '{self.group}'")
        images = reconstruct_raw(RawSeries(self.group, header, sort_acquisitions(self.lines), tuple(self.noise)), self.options)
        self.updates += 1
        if self.on_images is not None:
            self.on_images(images)
        return images
