"""An exam being set up: the series chosen, their order and the parameters the operator set.

An :class:`ExamDraft` is a value: every edit (set a parameter, add, remove or move a
series) returns a new draft, and :meth:`ExamDraft.plan` asks the planner for the exam it
describes, so the rules (minimum TE/TR, gradient and bore limits, budgets) stay in the
planner. The terminal UI's exam set-up edits a draft; ``vetmri protocols show --set``
reaches the same plans from the command line.

Examples
--------
>>> draft = ExamDraft.for_region("dog", 28.0, "brain")          # doctest: +SKIP
>>> draft.with_setting(1, "te_ms", "60").plan()                # doctest: +SKIP
Traceback (most recent call last):
UserInputError: The override of T2 TSE sagittal cannot be honoured: ...
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from vetmri.errors import UserInputError
from vetmri.protocols.library import ProtocolLibrary, load_library
from vetmri.protocols.overrides import Override, applies_to, parse_override
from vetmri.protocols.plan import ExamPlan
from vetmri.protocols.planner import plan_exam
from vetmri.scanner.profile import ScannerProfile

__all__ = ["DraftSeries", "ExamDraft"]


@dataclass(frozen=True)
class DraftSeries:
    """One series of the draft: its template and the parameters set by hand (``KEY=VALUE``)."""

    key: str
    settings: tuple[tuple[str, str], ...] = ()

    def setting(self, key: str) -> str | None:
        """The value set for ``key`` by hand, or None."""
        return dict(self.settings).get(key)


@dataclass(frozen=True)
class ExamDraft:
    """Species, weight, region and breed of the animal, and the series as edited so far."""

    species: str
    weight_kg: float
    region: str
    series: tuple[DraftSeries, ...]
    breed: str | None = None
    variant: str = "standard"

    @classmethod
    def for_region(cls, species: str, weight_kg: float, region: str, *, breed: str | None = None,
                   library: ProtocolLibrary | None = None) -> "ExamDraft":
        """The region's own protocol, untouched.

        Raises
        ------
        UserInputError
            Unknown species or region.
        """
        library = library or load_library()
        the_region = library.protocol(species).region(region)
        return cls(species, float(weight_kg), the_region.name,
                   tuple(DraftSeries(k) for k in the_region.series), breed or None)

    def overrides(self) -> list[Override]:
        """The hand-set parameters as planner overrides, by series position."""
        return [parse_override(f"{k}={v}", i) for i, s in enumerate(self.series) for k, v in s.settings]

    def plan(self, *, profile: ScannerProfile | None = None, library: ProtocolLibrary | None = None) -> ExamPlan:
        """The planner's exam for this draft.

        Raises
        ------
        UserInputError
            A parameter cannot be honoured (the sentence gives the planner's reason).
        """
        return plan_exam(self.species, self.weight_kg, self.region, breed=self.breed,
                         overrides=self.overrides(), profile=profile, library=library,
                         series_keys=[s.key for s in self.series], variant=self.variant)

    def with_variant(self, variant: str) -> "ExamDraft":
        """The same draft planned as ``variant`` (``standard`` or ``quick``).

        Raises
        ------
        UserInputError
            Unknown variant.
        """
        from dataclasses import replace

        from vetmri.protocols.quick import check_variant

        return replace(self, variant=check_variant(variant))

    def with_setting(self, index: int, key: str, value: str) -> "ExamDraft":
        """Set ``key`` (a ``vetmri protocols show`` name such as ``te_ms``) on one series;
        an empty value goes back to the planner's choice.

        Raises
        ------
        UserInputError
            No such series, unknown key, or a value of the wrong kind or range.
        """
        target = self._series(index)
        value = value.strip()
        kept = tuple((k, v) for k, v in target.settings if k != key)
        if value:
            parse_override(f"{key}={value}", index)
            kept = (*kept, (key, value))
        return self._replaced(index, replace(target, settings=kept))

    def without(self, index: int) -> "ExamDraft":
        """The draft without series ``index`` (an exam keeps at least one series)."""
        self._series(index)
        if len(self.series) == 1:
            raise UserInputError("An exam needs at least one series; add another before removing this one.")
        return replace(self, series=self.series[:index] + self.series[index + 1:])

    def moved(self, index: int, offset: int) -> "ExamDraft":
        """Series ``index`` moved ``offset`` places (clamped to the ends)."""
        item = self._series(index)
        rest = list(self.series[:index] + self.series[index + 1:])
        rest.insert(max(0, min(len(rest), index + offset)), item)
        return replace(self, series=tuple(rest))

    def with_series(self, key: str, *, library: ProtocolLibrary | None = None) -> "ExamDraft":
        """The draft with the template ``key`` added at the end."""
        library = library or load_library()
        if key not in library.templates:
            raise UserInputError(f"There is no series template {key!r}; choose one of {', '.join(sorted(library.templates))}.")
        return replace(self, series=(*self.series, DraftSeries(key)))

    def settable(self, index: int, key: str, *, library: ProtocolLibrary | None = None) -> bool:
        """Whether series ``index`` has the parameter ``key`` (TI only for inversion recovery)."""
        library = library or load_library()
        return applies_to(key, library.templates[self._series(index).key].sequence)

    def region_selection(self, *, library: ProtocolLibrary | None = None) -> tuple[tuple[int, ...], tuple[str, ...]]:
        """The draft as the exam use case takes it: indices into the region's own series
        (in the draft's order) and ``INDEX:KEY=VALUE`` overrides on those indices.

        Raises
        ------
        UserInputError
            A series of the draft is not one of the region's protocol (it can be planned,
            but an exam acquires the region's series only).
        """
        library = library or load_library()
        own = list(library.protocol(self.species).region(self.region).series)
        used: set[int] = set()
        indices: list[int] = []
        overrides: list[str] = []
        for item in self.series:
            free = [i for i, key in enumerate(own) if key == item.key and i not in used]
            if not free:
                name = library.templates[item.key].name
                raise UserInputError(f"{name} is not part of the {self.region} protocol, so the exam cannot "
                                     "acquire it; remove it, or plan it with 'vetmri protocols show'.")
            used.add(free[0])
            indices.append(free[0])
            overrides += [f"{free[0]}:{k}={v}" for k, v in item.settings]
        return tuple(indices), tuple(overrides)

    def _series(self, index: int) -> DraftSeries:
        if not 0 <= index < len(self.series):
            raise UserInputError(f"There is no series {index}; this exam has series 0 to {len(self.series) - 1}.")
        return self.series[index]

    def _replaced(self, index: int, item: DraftSeries) -> "ExamDraft":
        return replace(self, series=self.series[:index] + (item,) + self.series[index + 1:])
