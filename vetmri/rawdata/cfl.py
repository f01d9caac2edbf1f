"""BART's array files (``name.cfl`` with its ``name.hdr``): complex64 samples in column-major
order, the header listing the dimensions (16 of them, trailing ones 1). They let k-space
and images go to and from the BART toolbox, which the benchmarks and tests hold vetmri's
reconstruction against."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from vetmri.errors import UserInputError

__all__ = ["read_cfl", "write_cfl"]

#: BART arrays have this many dimensions (the ones not written are 1).
BART_DIMS = 16


def write_cfl(path: Path, array: np.ndarray) -> None:
    """Write ``array`` as ``path.cfl`` and ``path.hdr`` (any suffix of ``path`` is replaced).

    Parameters
    ----------
    path : Path
        The file name without or with a suffix.
    array : ndarray
        Up to 16 dimensions, in BART's order (dimension 0 is BART's read direction).
    """
    if array.ndim > BART_DIMS:
        raise UserInputError(f"A BART array has at most {BART_DIMS} dimensions; this one has {array.ndim}.")
    dims = list(array.shape) + [1] * (BART_DIMS - array.ndim)
    path.with_suffix(".hdr").write_text("# Dimensions\n" + " ".join(map(str, dims)) + "\n")
    np.asarray(array, np.complex64).ravel(order="F").tofile(path.with_suffix(".cfl"))


def read_cfl(path: Path) -> np.ndarray:
    """Read ``path.cfl`` by its ``path.hdr``: complex64 of the header's dimensions, the
    trailing dimensions of size 1 dropped (but at least one kept).

    Raises
    ------
    UserInputError
        When the header is missing or unreadable or the data do not fill its dimensions.
    """
    header, data = path.with_suffix(".hdr"), path.with_suffix(".cfl")
    try:
        lines = header.read_text().splitlines()
        dims = [int(d) for d in lines[lines.index("# Dimensions") + 1].split()]
    except (OSError, ValueError, IndexError) as error:
        raise UserInputError(f"{header} is not a readable BART header ({error}); write it with BART or write_cfl.") from None
    count = int(np.prod(dims))
    samples = np.fromfile(data, np.complex64) if data.exists() else np.zeros(0, np.complex64)
    if samples.size != count:
        raise UserInputError(f"{data} holds {samples.size} samples where its header names {count}; the file is cut short or not BART's.")
    while len(dims) > 1 and dims[-1] == 1:
        dims.pop()
    return samples.reshape(dims, order="F")
