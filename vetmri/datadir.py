"""The data folder: records, studies, raw data and logs, readable by the owner only.

Pet owners' names, phone numbers and addresses live here, so the folder and everything
vetmri creates in it are owner-only (0700 folders, 0600 files).
"""

from __future__ import annotations

import os
from pathlib import Path

from vetmri.atomicfile import fsync_directory
from vetmri.errors import OperationFailedError

__all__ = ["FOLDER_MODE", "FILE_MODE", "ensure_private_folder", "log_file_path"]

FOLDER_MODE = 0o700
FILE_MODE = 0o600


def ensure_private_folder(folder: Path) -> Path:
    """Create ``folder`` (and any missing parents) owner-only if it does not exist yet.

    An existing folder is left as it is: its permissions are the clinic IT's choice. A
    folder made here is made durable in its parent (fsync), so a power cut cannot take away
    a folder whose files were already saved.

    Raises
    ------
    OperationFailedError
        The folder cannot be created, or the path is a file.
    """
    if folder.is_dir():
        return folder
    missing = [folder, *(p for p in folder.parents if not p.exists())]
    try:
        for path in reversed(missing):
            path.mkdir(mode=FOLDER_MODE)
            os.chmod(path, FOLDER_MODE)  # mkdir's mode is filtered by the umask
            fsync_directory(path.parent)
    except FileExistsError:
        if not folder.is_dir():
            raise OperationFailedError(
                f"The data folder {folder} is a file, not a folder; move it away or set "
                "VETMRI_DATA_DIR (or [data] dir in the settings) to a folder."
            ) from None
    except NotADirectoryError:
        raise OperationFailedError(
            f"The folder {folder} cannot be created because part of its path is a file; set "
            "VETMRI_DATA_DIR (or [data] dir in the settings) to a folder you can write to."
        ) from None
    except OSError as exc:
        raise OperationFailedError(
            f"The folder {folder} cannot be created ({exc.strerror}); set VETMRI_DATA_DIR "
            "(or [data] dir in the settings) to a folder you can write to."
        ) from None
    return folder


def log_file_path(data_dir: Path) -> Path:
    """Where vetmri writes its log under ``data_dir``."""
    return data_dir / "logs" / "vetmri.log"
