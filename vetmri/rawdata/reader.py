"""Reading raw MRD files: list the series groups, read one group's header and
acquisitions, sorted strictly by their encoding counters (never by file order).

Every problem with a file a user hands in (not HDF5, truncated, a missing group, a header
that does not match the data) raises :class:`UserInputError` with one sentence naming the
file, the group and the problem.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np

from vetmri.errors import UserInputError
from vetmri.rawdata.acquisition import Acquisition, acquisition_from_header_fields
from vetmri.rawdata.header import EncodingLimits, Limit, SeriesHeader, header_from_xml

__all__ = ["RawSeries", "check_series", "holds_readouts", "list_groups", "read_series", "sort_acquisitions"]


@dataclass(frozen=True)
class RawSeries:
    """One series as read from a raw file.

    Attributes
    ----------
    group : str
        The HDF5 group (``NN_<series-name>``).
    header : SeriesHeader
        With every encoding limit filled in (from the data where the file had none).
    acquisitions : tuple of Acquisition
        Imaging readouts and navigators, sorted by encoding counters.
    noise : tuple of Acquisition
        Noise-measurement readouts, in time order.
    """

    group: str
    header: SeriesHeader
    acquisitions: tuple[Acquisition, ...]
    noise: tuple[Acquisition, ...]


def sort_acquisitions(acquisitions: list[Acquisition] | tuple[Acquisition, ...]) -> tuple[Acquisition, ...]:
    """Acquisitions in k-space order (encoding counters, then time for repeats)."""
    return tuple(sorted(acquisitions, key=lambda a: (a.counters.sort_key(), a.time_stamp_s, a.scan_counter)))


def _open(path: Path) -> Any:
    import h5py

    if not path.exists():
        raise UserInputError(f"{path}: no such file; give the path of an MRD raw data file (.h5).")
    if path.is_dir():
        raise UserInputError(f"{path} is a folder; give the path of an MRD raw data file (.h5).")
    try:
        return h5py.File(path, "r")
    except OSError:
        raise UserInputError(f"{path} is not a readable HDF5 file (truncated, damaged or another format); give an MRD raw data file.") from None


def list_groups(path: str | Path) -> list[str]:
    """The series groups of a raw file, sorted: groups that hold an MRD XML header and at
    least one readout after the noise scan.

    A group with no readout, or only noise readouts (a series killed before its first
    imaging readout), is treated as absent: it is not listed, and writing the series
    again replaces it (:func:`holds_readouts`)."""
    path = Path(path)
    with _open(path) as f:
        try:
            return sorted(name for name in f.keys() if _is_group(f, name) and "xml" in f[name] and holds_readouts(f[name]))
        except (OSError, KeyError, RuntimeError):
            raise UserInputError(f"{path} is damaged: its list of series cannot be read.") from None


def holds_readouts(group: Any) -> bool:
    """True when an open HDF5 series group holds a readout that is not a noise measurement.

    Noise readouts come first in a series, so the last record tells.
    """
    from vetmri.rawdata.acquisition import AcqFlag

    if "data" not in group or len(group["data"]) == 0:
        return False
    records = group["data"]
    names = records.dtype.names or ()
    if "head" not in names:
        return True  # not an MRD record: let read_series say what is wrong
    return not int(records[-1]["head"]["flags"]) & int(AcqFlag.IS_NOISE_MEASUREMENT)


def _is_group(f: Any, name: str) -> bool:
    import h5py

    return isinstance(f.get(name, getlink=False), h5py.Group)


def read_series(path: str | Path, group: str) -> RawSeries:
    """Read one series group: its header and all its acquisitions.

    Raises
    ------
    UserInputError
        When the file is not HDF5, is truncated, lacks the group, its header or data, or
        when header and data disagree (sample or channel counts, counters beyond limits).
    """
    path = Path(path)
    where = f"{path}, group '{group}'"
    with _open(path) as f:
        try:
            if group not in f or not _is_group(f, group):
                available = ", ".join(sorted(n for n in f.keys() if _is_group(f, n))) or "none"
                raise UserInputError(f"{path} has no series group '{group}' (groups: {available}).")
            g = f[group]
            if "xml" not in g:
                raise UserInputError(f"{where}: the group has no MRD XML header; it is not an MRD dataset.")
            xml = g["xml"][0]
            if "data" not in g:
                raise UserInputError(f"{where}: the group holds no acquisitions.")
            records = g["data"][()]
        except UserInputError:
            raise
        except (OSError, KeyError, RuntimeError, ValueError, TypeError):
            raise UserInputError(f"{where}: the data cannot be read (the file is truncated or damaged).") from None
    header = header_from_xml(xml, source=where)
    acquisitions = _records_to_acquisitions(records, where)
    noise = tuple(a for a in acquisitions if a.is_noise)
    scan = [a for a in acquisitions if not a.is_noise]
    if not any(a.is_imaging for a in scan):
        raise UserInputError(f"{where}: the group holds no imaging acquisitions (only noise or navigators).")
    header = check_series(header, scan, where=where)
    return RawSeries(group=group, header=header, acquisitions=sort_acquisitions(scan), noise=noise)


def _records_to_acquisitions(records: np.ndarray, where: str) -> list[Acquisition]:
    names = records.dtype.names or ()
    if "head" not in names or "data" not in names:
        raise UserInputError(f"{where}: the acquisition records are not MRD acquisitions.")
    out = []
    for i, record in enumerate(records):
        head = record["head"]
        samples, channels = int(head["number_of_samples"]), int(head["active_channels"])
        raw = np.asarray(record["data"], dtype=np.float32)
        if raw.size != 2 * samples * channels:
            raise UserInputError(
                f"{where}: acquisition {i} holds {raw.size // 2} complex samples, but its header says "
                f"{channels} channels x {samples} samples (the file is damaged)."
            )
        out.append(acquisition_from_header_fields(head, raw.view(np.complex64).reshape(channels, samples)))
    return out


def check_series(header: SeriesHeader, acquisitions: list[Acquisition] | tuple[Acquisition, ...], *, where: str) -> SeriesHeader:
    """Check acquisitions against their header and return the header with every missing
    encoding limit derived from the data.

    Raises
    ------
    UserInputError
        Different sample or channel counts among imaging readouts, or a counter beyond the
        header's encoding limits.
    """
    imaging = [a for a in acquisitions if a.is_imaging]
    if not imaging:
        raise UserInputError(f"{where}: there are no imaging acquisitions.")
    samples = {a.samples for a in imaging}
    if len(samples) > 1:
        raise UserInputError(f"{where}: imaging readouts have different sample counts ({', '.join(map(str, sorted(samples)))}); the data are inconsistent.")
    channels = {a.channels for a in acquisitions}
    if len(channels) > 1:
        raise UserInputError(f"{where}: readouts have different channel counts ({', '.join(map(str, sorted(channels)))}); the data are inconsistent.")
    if header.trajectory != "cartesian":
        raise UserInputError(f"{where}: the trajectory is '{header.trajectory}'; vetmri reconstructs Cartesian data only.")
    derived = {}
    matrix_for = {"kspace_encoding_step_1": header.encoded_matrix[1], "kspace_encoding_step_2": header.encoded_matrix[2]}
    for name, counter in EncodingLimits.COUNTERS.items():
        values = np.array([getattr(a.counters, counter) for a in imaging])
        limit = getattr(header.limits, name)
        if limit is None:
            size = matrix_for.get(name)
            if size is not None:
                center = size // 2
                limit = Limit(0, max(size - 1, int(values.max())), center)
            else:
                limit = Limit(0, int(values.max()), 0)
        elif values.max() > limit.maximum or values.min() < limit.minimum:
            bad = int(values.max()) if values.max() > limit.maximum else int(values.min())
            raise UserInputError(
                f"{where}: an acquisition has {counter} = {bad}, outside the header's encoding limits "
                f"{limit.minimum}..{limit.maximum}; header and data do not match."
            )
        derived[name] = limit
    if samples.pop() < 2:
        raise UserInputError(f"{where}: readouts have fewer than 2 samples.")
    return header.with_limits(EncodingLimits(**derived))


def counters_as_dict(acq: Acquisition) -> dict[str, int]:
    return {f.name: getattr(acq.counters, f.name) for f in fields(acq.counters)}
