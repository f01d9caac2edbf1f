"""What an operator asks for when starting an exam, kept with the study so the exam can
be resumed exactly as it was planned."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from vetmri.acquisition.simulated import SimulatedConditions
from vetmri.errors import UserInputError
from vetmri.protocols.overrides import Override, parse_override

__all__ = ["POSITIONS", "ExamRequest", "parse_series_override"]

#: Recumbency and direction of the animal on the bed.
POSITIONS = tuple(f"{lying} {first}" for lying in ("sternal", "dorsal", "left lateral", "right lateral")
                  for first in ("head first", "tail first"))


def parse_series_override(text: str) -> Override:
    """``KEY=VALUE`` (every series) or ``INDEX:KEY=VALUE`` (series INDEX only).

    Raises
    ------
    UserInputError
        A malformed index or an override the planner does not know.
    """
    head, colon, rest = text.partition(":")
    if colon and "=" not in head:
        try:
            index = int(head)
        except ValueError:
            raise UserInputError(f"The override {text!r} must look like KEY=VALUE or INDEX:KEY=VALUE "
                                 "(for example 2:te_ms=90).") from None
        if index < 0:
            raise UserInputError(f"The series index in {text!r} must be 0 or more.")
        return parse_override(rest, index)
    return parse_override(text)


@dataclass(frozen=True)
class ExamRequest:
    """An exam to run.

    Attributes
    ----------
    pet_id : str
        The animal (``P-000042``): its species, weight and breed plan the exam.
    region : str
        Body region of the species protocols (``brain``).
    series : tuple of int or None
        0-based indices of the planned series to acquire (all by default), in this order.
    overrides : tuple of str
        ``KEY=VALUE`` or ``INDEX:KEY=VALUE`` parameter overrides.
    acceleration : float or None
        Phase-encoding undersampling of every series (compressed sensing).
    send_to : str or None
        PACS node to send each series to as it is written (besides the settings' automatic
        ones).
    position : str
        The animal's position, one of :data:`POSITIONS` (empty: not recorded).
    operator : str
    max_exam_min : float or None
        Anaesthesia budget instead of the protocol's.
    phantom : str or None
        Simulated scanner: the phantom to image instead of the species' own.
    texture : bool
        Simulated scanner: the phantom's procedural detail (the realistic phantom; False:
        piecewise constant, as its shapes are written).
    conditions : SimulatedConditions
        Simulated scanner: the magnet, noise and patient motion (``coil`` comes from the plan).
    training : bool
        A demonstration or teaching exam (never a real patient): the study is marked
        ``training`` in the records and in its DICOM files.
    lesions : bool
        Simulated scanner: draw the phantom's optional lesions (training cases).
    referring_vet, referring_clinic : str
        Who referred the animal; stored with the study (empty keeps what it has).
    variant : {"standard", "quick"}
        The protocol variant (quick: fewer averages or undersampling, with the
        reconstruction that suits it; :mod:`vetmri.protocols.quick`).
    """

    pet_id: str
    region: str
    series: tuple[int, ...] | None = None
    overrides: tuple[str, ...] = ()
    acceleration: float | None = None
    send_to: str | None = None
    position: str = ""
    operator: str = ""
    max_exam_min: float | None = None
    phantom: str | None = None
    texture: bool = True
    conditions: SimulatedConditions = field(default_factory=SimulatedConditions)
    training: bool = False
    variant: str = "standard"
    lesions: bool = False
    referring_vet: str = ""
    referring_clinic: str = ""

    def __post_init__(self) -> None:
        from vetmri.protocols.quick import check_variant

        check_variant(self.variant)
        if self.position and self.position not in POSITIONS:
            raise UserInputError(f"The position {self.position!r} is not one of: {', '.join(POSITIONS)}.")
        if self.acceleration is not None and not 1.0 <= self.acceleration <= 8.0:
            raise UserInputError(f"The acceleration must be from 1 to 8, not {self.acceleration:g}.")
        if self.series is not None and (not self.series or any(i < 0 for i in self.series)):
            raise UserInputError("The series to acquire must be one or more indices of 0 or more (see 'vetmri protocols show').")
        if self.series is not None and len(set(self.series)) != len(self.series):
            raise UserInputError("A series is named twice in the series to acquire; name each once (repeat one later with --repeat).")
        if self.max_exam_min is not None and self.max_exam_min <= 0:
            raise UserInputError("The anaesthesia budget must be a positive number of minutes.")

    def parsed_overrides(self) -> list[Override]:
        """The overrides as the planner takes them (``acceleration`` included)."""
        overrides = [parse_series_override(text) for text in self.overrides]
        if self.acceleration is not None:
            overrides.append(parse_override(f"acceleration={self.acceleration:g}"))
        return overrides

    def to_dict(self) -> dict[str, Any]:
        """Plain data (kept as JSON in the study folder)."""
        data = asdict(self)
        data["series"] = None if self.series is None else list(self.series)
        data["overrides"] = list(self.overrides)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ExamRequest:
        """Inverse of :meth:`to_dict`.

        Raises
        ------
        UserInputError
            Not the data of an exam request.
        """
        try:
            known = {f.name for f in fields(cls)}
            values = {k: v for k, v in data.items() if k in known}
            cond = dict(values.pop("conditions", {}) or {})
            for key in ("shim_error_hz_per_m", "interference_hz"):
                if key in cond:
                    cond[key] = tuple(cond[key])
            series = values.pop("series", None)
            overrides = tuple(str(o) for o in values.pop("overrides", ()) or ())
            return cls(**values, series=None if series is None else tuple(int(i) for i in series),
                       overrides=overrides, conditions=SimulatedConditions(**cond))
        except (TypeError, ValueError, AttributeError) as exc:
            raise UserInputError(f"The exam's saved request cannot be read ({exc}).") from None
