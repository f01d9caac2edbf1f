"""Whether a series in a raw file was received to its end, and replacing one that was not.

A series is complete when its last acquisition carries the MRD flag
``ACQ_LAST_IN_MEASUREMENT`` (the scanner sets it on the final readout of a series). A run
cut short (a dropped link, a kill) leaves a group without it; :func:`remove_series` deletes
such a group so the series can be acquired again into the same exam file. A group killed
before its first imaging readout (header only, or noise only) is not even listed
(:func:`vetmri.rawdata.list_groups`), and writing the series again replaces it.
"""

from __future__ import annotations

from pathlib import Path

from vetmri.errors import OperationFailedError, UserInputError
from vetmri.rawdata.acquisition import AcqFlag
from vetmri.rawdata.reader import list_groups

__all__ = ["remove_series", "series_is_complete"]


def series_is_complete(path: str | Path, group: str) -> bool:
    """True when the group's last acquisition is flagged last in the measurement.

    Raises
    ------
    UserInputError
        The file is not a readable raw file or has no such group.
    """
    import h5py

    path = Path(path)
    list_groups(path)  # a readable raw file, or one sentence saying what it is not
    try:
        with h5py.File(path, "r") as f:
            if group not in f or "xml" not in f[group]:
                raise UserInputError(f"{path} has no series group '{group}'.")
            if "data" not in f[group] or len(f[group]["data"]) == 0:
                return False  # killed before its first readout
            flags = int(f[group]["data"][-1]["head"]["flags"])
    except UserInputError:
        raise
    except (OSError, KeyError, ValueError):
        raise UserInputError(f"{path}, group '{group}': the data cannot be read (the file is damaged).") from None
    return bool(flags & int(AcqFlag.LAST_IN_MEASUREMENT))


def remove_series(path: str | Path, group: str) -> None:
    """Delete one series group from the raw file (the others stay as they are).

    Raises
    ------
    OperationFailedError
        The file cannot be written.
    """
    import h5py

    path = Path(path)
    try:
        with h5py.File(path, "a") as f:
            if group in f:
                del f[group]
            f.flush()
    except OSError as exc:
        raise OperationFailedError(f"Cannot change the raw data file {path} ({exc}); check its permissions.") from None
