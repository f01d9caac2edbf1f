"""How body parts grow with body mass: the one place the exponents are set.

A linear size of a body part is the reference animal's size times ``(mass / reference mass)
** exponent``. The species protocols (region sizes, coil fit, the body the coil sees) and
the simulator's phantoms name these exponents (``size_exponent = "head"``, ``scale_exponent
= "head"``) instead of writing numbers, so the head the planner sizes its field of view for
is the head the simulator draws.

- ``"geometric"``, 1/3: geometric similarity of trunk and limbs; bone lengths and diameters
  ~ M^0.35 across mammals (Alexander et al. 1979, J Zool 189:305).
- ``"head"``, 0.25: the head (skull, jaw, masticatory muscles: what the coil receives and
  the field of view must hold) grows less than the body. Skull width about 125 mm in a
  mesaticephalic 35 kg dog and 55-60 mm in a 2 kg toy dog (Evans and de Lahunta, Miller's
  Anatomy of the Dog, 4th ed. 2013) is an exponent of 0.26-0.28; the brain inside grows
  still less (brain mass ~ M^0.26 across dog breeds, Bronson 1979, Brain Behav Evol 16:227,
  so brain length ~ M^0.09). One factor scales a whole head (planner and phantom alike), so
  the head's outline sets it: at the ends of a species' weight range the brain is then
  drawn up to a third larger (giant) or smaller (toy) than it is, the head itself right.
"""

from __future__ import annotations

from vetmri.tomlfields import REQUIRED, TomlTable

__all__ = ["GEOMETRIC_EXPONENT", "HEAD_SIZE_EXPONENT", "NAMED_EXPONENTS", "named_exponent", "read_exponent"]

GEOMETRIC_EXPONENT = 1 / 3
HEAD_SIZE_EXPONENT = 0.25
#: Names the protocol and phantom files may use for an exponent.
NAMED_EXPONENTS = {"head": HEAD_SIZE_EXPONENT, "geometric": GEOMETRIC_EXPONENT}


def named_exponent(value: object) -> float | None:
    """The exponent a file gives by name (``"head"``), None for anything else."""
    return NAMED_EXPONENTS.get(value) if isinstance(value, str) else None


def read_exponent(table: TomlTable, key: str, *, default: object = REQUIRED) -> float:
    """An exponent from a TOML table: a number from 0 to 1 or one of :data:`NAMED_EXPONENTS`.

    Raises
    ------
    UserInputError
        Neither (the message names the file, the key and the names allowed).
    """
    if key in table and isinstance(table.data[key], str):
        value = table.string(key)
        named = named_exponent(value)
        if named is None:
            raise table.error(key, f"must be a number from 0 to 1 or one of {', '.join(map(repr, NAMED_EXPONENTS))}, not {value!r}")
        return named
    return table.number(key, minimum=0, maximum=1, default=default)
