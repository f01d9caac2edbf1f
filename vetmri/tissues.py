"""The tissue library: proton density, relaxation and chemical shift at 0.2 T.

The values live in ``phantoms/tissues.toml``, each with its source. It is the one table of
tissue values: the simulator images it (a phantom shape names a tissue from the library or
gives its own :class:`Tissue` values) and the exam planner predicts contrast, SNR and
inversion times from it, so the two cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from vetmri.resources import data_folder
from vetmri.tomlfields import TomlTable, read_toml_file

__all__ = ["Tissue", "TissueLibrary", "load_tissue_library", "read_tissue_values"]

_HINT = "correct the tissue values (see docs/phantoms.md)"


@dataclass(frozen=True)
class Tissue:
    """NMR properties of one tissue at the scanner's field.

    Attributes
    ----------
    name : str
        Library name (``"white_matter"``) or ``"<shape>:custom"`` for explicit values.
    pd : float
        Proton density relative to water (0 = no signal).
    t1_s, t2_s, t2prime_s : float
        Longitudinal, transverse and reversible-dephasing time constants, seconds.
    chemical_shift_ppm : float
        Resonance offset from water (fat: -3.4).
    description, source : str
        What it is and where the values come from.
    """

    name: str
    pd: float
    t1_s: float
    t2_s: float
    t2prime_s: float
    chemical_shift_ppm: float = 0.0
    description: str = ""
    source: str = ""

    def to_dict(self) -> dict[str, object]:
        """Plain data in the units of the TOML files (ms, ppm)."""
        return {
            "name": self.name,
            "pd": self.pd,
            "t1_ms": self.t1_s * 1e3,
            "t2_ms": self.t2_s * 1e3,
            "t2prime_ms": self.t2prime_s * 1e3,
            "chemical_shift_ppm": self.chemical_shift_ppm,
            "description": self.description,
            "source": self.source,
        }


def read_tissue_values(table: TomlTable, name: str) -> Tissue:
    """Read ``pd``, ``t1_ms``, ``t2_ms``, ``t2prime_ms``, ``chemical_shift_ppm`` from a table.

    Raises
    ------
    UserInputError
        A value is missing, not a number or out of its physical range; the message names
        the file and key.
    """
    pd = table.number("pd", minimum=0.0, maximum=1.5)
    t1_ms = table.number("t1_ms", minimum=0.0, exclusive_minimum=True, maximum=1e5)
    t2_ms = table.number("t2_ms", minimum=0.0, exclusive_minimum=True, maximum=1e5)
    if t2_ms > t1_ms:
        raise table.error("t2_ms", f"({t2_ms:g} ms) must not exceed t1_ms ({t1_ms:g} ms): T2 <= T1 always")
    t2prime_ms = table.number("t2prime_ms", default=1e5, minimum=0.0, exclusive_minimum=True, maximum=1e6)
    shift = table.number("chemical_shift_ppm", default=0.0, minimum=-50.0, maximum=50.0)
    return Tissue(
        name=name,
        pd=pd,
        t1_s=t1_ms * 1e-3,
        t2_s=t2_ms * 1e-3,
        t2prime_s=t2prime_ms * 1e-3,
        chemical_shift_ppm=shift,
        description=table.string("description", default="", allow_empty=True),
        source=table.string("source", default="", allow_empty=True),
    )


@dataclass(frozen=True)
class TissueLibrary:
    """The named tissues, in file order."""

    tissues: tuple[Tissue, ...]
    path: Path

    def names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.tissues)

    def get(self, name: str) -> Tissue:
        """The tissue called ``name``.

        Raises
        ------
        KeyError
            No such tissue (callers turn this into a message naming their file).
        """
        for tissue in self.tissues:
            if tissue.name == name:
                return tissue
        raise KeyError(name)


def load_tissue_library(path: Path | None = None) -> TissueLibrary:
    """Read the tissue library (the shipped ``phantoms/tissues.toml`` by default).

    Raises
    ------
    UserInputError
        The file is missing or a value is wrong; the message names file and key.
    """
    return _load_cached(path or data_folder("phantoms") / "tissues.toml")


@lru_cache(maxsize=4)
def _load_cached(path: Path) -> TissueLibrary:
    top = read_toml_file(path, what="tissue library", hint=_HINT)
    tissues = []
    for name in list(top.keys()):
        table = top.table(name)
        tissues.append(read_tissue_values(table, name))
        table.reject_unknown_keys()
    if not tissues:
        raise top.error("", "holds no tissues; add tables like [white_matter]")
    return TissueLibrary(tuple(tissues), path)
