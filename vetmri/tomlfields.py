"""Typed reading of human-edited TOML files, with errors that name file, key and problem.

Settings, the scanner profile, species protocols and phantom files are all TOML that
people edit by hand. They are read through :class:`TomlTable`, which hands out typed
values one key at a time and turns every problem into a :class:`~vetmri.errors.UserInputError`
whose message names the file, the dotted key and what to do. Keys that were never asked
for are reported by :meth:`TomlTable.reject_unknown_keys`, which catches typos such as
``[scaner]``.

Examples
--------
>>> table = TomlTable.from_text('port = 104', source="settings.toml")
>>> table.integer("port", minimum=1, maximum=65535)
104
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vetmri.errors import UserInputError

__all__ = ["REQUIRED", "TomlTable", "read_toml_file"]

#: Default of the readers meaning "this key must be present".
REQUIRED: Any = object()


def read_toml_file(path: Path, *, what: str, hint: str = "") -> "TomlTable":
    """Parse a TOML file into a :class:`TomlTable`.

    Parameters
    ----------
    path : Path
        The file to read.
    what : str
        What the file is, for messages (``"settings file"``, ``"scanner profile"``).
    hint : str, optional
        What the user can do about a problem, appended to every message.

    Raises
    ------
    UserInputError
        The file is missing, unreadable, not UTF-8 or not valid TOML.
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UserInputError(f"The {what} {path} does not exist{_tail(hint)}") from None
    except IsADirectoryError:
        raise UserInputError(f"The {what} {path} is a folder, not a file{_tail(hint)}") from None
    except PermissionError:
        raise UserInputError(
            f"The {what} {path} cannot be read (permission denied){_tail(hint)}"
        ) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UserInputError(
            f"The {what} {path} is not UTF-8 text (bad byte at offset {exc.start}){_tail(hint)}"
        ) from None
    return TomlTable.from_text(text, source=f"{what} {path}", hint=hint)


def _tail(hint: str) -> str:
    return f"; {hint}." if hint else "."


def _describe(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


@dataclass
class TomlTable:
    """One table of a parsed TOML document, remembering where it came from.

    Parameters
    ----------
    data : Mapping
        The table's parsed content.
    source : str
        The file, for messages (``"settings file /etc/vetmri.toml"``).
    prefix : str
        The dotted key of this table inside the file (empty for the top level).
    hint : str
        What the user can do about a problem, appended to every message.
    """

    data: Mapping[str, Any]
    source: str
    prefix: str = ""
    hint: str = ""
    _read: set[str] = field(default_factory=set, repr=False)

    @classmethod
    def from_text(cls, text: str, *, source: str, hint: str = "") -> "TomlTable":
        """Parse TOML text; a syntax error names its line and column."""
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise UserInputError(f"The {source} is not valid TOML: {exc}{_tail(hint)}") from None
        return cls(data, source=source, hint=hint)

    # -- errors ---------------------------------------------------------------------------

    def key_path(self, key: str) -> str:
        """The dotted path of ``key`` in the file, as people see it."""
        return f"{self.prefix}.{key}" if self.prefix else key

    def error(self, key: str, problem: str) -> UserInputError:
        """An error about ``key`` for the caller to raise."""
        where = f"'{self.key_path(key)}'" if key else f"table '{self.prefix}'"
        return UserInputError(f"In the {self.source}, {where} {problem}{_tail(self.hint)}")

    # -- presence -------------------------------------------------------------------------

    def __contains__(self, key: str) -> bool:
        return key in self.data

    def keys(self) -> Iterator[str]:
        return iter(self.data.keys())

    def _get(self, key: str, default: Any) -> Any:
        self._read.add(key)
        if key in self.data:
            return self.data[key]
        if default is REQUIRED:
            raise self.error(key, "is missing")
        return default

    def reject_unknown_keys(self) -> None:
        """Raise for the first key that no reader asked for (most often a typo)."""
        unknown = [k for k in self.data if k not in self._read]
        if unknown:
            known = ", ".join(sorted(self._read)) or "none"
            raise self.error(unknown[0], f"is not a known key (known keys here: {known})")

    # -- scalar readers -------------------------------------------------------------------

    def number(
        self,
        key: str,
        *,
        default: Any = REQUIRED,
        minimum: float | None = None,
        maximum: float | None = None,
        exclusive_minimum: bool = False,
    ) -> float:
        """A finite real number within the given bounds."""
        value = self._get(key, default)
        if value is None and default is None:
            return None  # type: ignore[return-value]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.error(key, f"must be a number, not {_describe(value)}")
        value = float(value)
        if not math.isfinite(value):
            raise self.error(key, f"must be a finite number, not {value}")
        self._check_bounds(key, value, minimum, maximum, exclusive_minimum)
        return value

    def integer(
        self,
        key: str,
        *,
        default: Any = REQUIRED,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> int:
        """A whole number within the given bounds."""
        value = self._get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(key, f"must be a whole number, not {_describe(value)}")
        self._check_bounds(key, value, minimum, maximum, False)
        return value

    def _check_bounds(
        self,
        key: str,
        value: float,
        minimum: float | None,
        maximum: float | None,
        exclusive_minimum: bool,
    ) -> None:
        too_low = minimum is not None and (
            value <= minimum if exclusive_minimum else value < minimum
        )
        too_high = maximum is not None and value > maximum
        if too_low or too_high:
            if minimum is not None and maximum is not None:
                span = f"from {minimum:g} to {maximum:g}"
            elif minimum is not None:
                span = f"above {minimum:g}" if exclusive_minimum else f"at least {minimum:g}"
            else:
                span = f"at most {maximum:g}"
            raise self.error(key, f"must be {span}, not {value:g}")

    def string(
        self,
        key: str,
        *,
        default: Any = REQUIRED,
        choices: tuple[str, ...] | None = None,
        allow_empty: bool = False,
    ) -> str:
        """A string, optionally one of ``choices``."""
        value = self._get(key, default)
        if value is None and default is None:
            return None  # type: ignore[return-value]
        if not isinstance(value, str):
            raise self.error(key, f"must be text in quotes, not {_describe(value)}")
        if not allow_empty and not value.strip():
            raise self.error(key, "must not be empty")
        if choices is not None and value not in choices:
            raise self.error(key, f"must be one of {', '.join(choices)}, not {value!r}")
        return value

    def boolean(self, key: str, *, default: Any = REQUIRED) -> bool:
        """``true`` or ``false``."""
        value = self._get(key, default)
        if not isinstance(value, bool):
            raise self.error(key, f"must be true or false, not {_describe(value)}")
        return value

    def string_list(self, key: str, *, default: Any = REQUIRED) -> tuple[str, ...]:
        """An array of non-empty strings."""
        value = self._get(key, default)
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.error(key, f"must be a list of texts in quotes, not {_describe(value)}")
        return tuple(value)

    def number_list(
        self, key: str, *, default: Any = REQUIRED, length: int | None = None
    ) -> tuple[float, ...]:
        """An array of finite numbers, optionally of a fixed length."""
        value = self._get(key, default)
        if not isinstance(value, list) or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
            for v in value
        ):
            raise self.error(key, f"must be a list of numbers, not {_describe(value)}")
        if length is not None and len(value) != length:
            raise self.error(key, f"must hold {length} numbers, not {len(value)}")
        return tuple(float(v) for v in value)

    # -- nested tables --------------------------------------------------------------------

    def table(self, key: str, *, required: bool = True) -> "TomlTable":
        """The sub-table ``[key]`` (an empty one when absent and not required)."""
        value = self._get(key, REQUIRED if required else {})
        if not isinstance(value, Mapping):
            raise self.error(key, f"must be a table ([{self.key_path(key)}]), not {_describe(value)}")
        return TomlTable(value, source=self.source, prefix=self.key_path(key), hint=self.hint)

    def named_tables(self, key: str) -> dict[str, "TomlTable"]:
        """The tables ``[key.<name>]``, by name (empty when ``[key]`` is absent)."""
        outer = self.table(key, required=False)
        tables: dict[str, TomlTable] = {}
        for name in list(outer.keys()):
            tables[name] = outer.table(name)
        return tables

    def table_array(self, key: str, *, required: bool = True) -> list["TomlTable"]:
        """The array of tables ``[[key]]``."""
        value = self._get(key, REQUIRED if required else [])
        if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
            raise self.error(key, f"must be an array of tables ([[{self.key_path(key)}]])")
        return [
            TomlTable(v, source=self.source, prefix=f"{self.key_path(key)}[{i}]", hint=self.hint)
            for i, v in enumerate(value)
        ]
