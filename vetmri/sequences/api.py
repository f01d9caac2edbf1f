"""Build, check and write the Pulseq sequence of a planned series.

Examples
--------
>>> from vetmri.protocols.planner import plan_exam
>>> plan = plan_exam("cat", 3.0, "brain")
>>> result = build_sequence(plan.series[5], load_profile())  # doctest: +SKIP
>>> result.ok, result.text[:9]  # doctest: +SKIP
(True, '# Pulseq ')
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from vetmri.errors import OperationFailedError
from vetmri.protocols.plan import SeriesPlan, Violation
from vetmri.scanner.profile import ScannerProfile
from vetmri.sequences.builders import SequenceRefusedError, make_sequence
from vetmri.sequences.system import GradientExtremes, gradient_extremes, gradient_violations

__all__ = ["SequenceRefusedError", "SequenceResult", "build_sequence", "check_sequence_file", "write_sequence"]


@dataclass(frozen=True)
class SequenceResult:
    """A built sequence and its checks.

    Attributes
    ----------
    text : str
        The ``.seq`` file (Pulseq 1.5 text format).
    timing_errors : tuple of str
        What ``Sequence.check_timing()`` reported (empty when the timing is right).
    violations : tuple of Violation
        Gradient amplitude or slew beyond the profile's limits.
    gradients : GradientExtremes
        Largest gradient amplitude and slew rate of the sequence.
    duration_s : float
        Total duration of all blocks.
    blocks : int
        Number of blocks.
    """

    text: str
    timing_errors: tuple[str, ...]
    violations: tuple[Violation, ...]
    gradients: GradientExtremes
    duration_s: float
    blocks: int

    @property
    def ok(self) -> bool:
        return not self.timing_errors and not self.violations


def _checks(seq: object, profile: ScannerProfile) -> tuple[tuple[str, ...], tuple[Violation, ...], GradientExtremes]:
    timing_ok, report = seq.check_timing()  # type: ignore[attr-defined]
    errors = tuple(f"block {e.block}: {e.event}.{e.field} {e.error_type}" for e in report)
    extremes = gradient_extremes(seq, profile.magnet.gamma_hz_per_t)
    return errors, gradient_violations(extremes, profile), extremes


def build_sequence(plan: SeriesPlan, profile: ScannerProfile) -> SequenceResult:
    """Build the series' sequence, check its timing and gradients, and give its text.

    Raises
    ------
    SequenceRefusedError
        TE, TI or TR shorter than the events need.
    """
    seq = make_sequence(plan, profile)
    errors, violations, extremes = _checks(seq, profile)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "series.seq"
        seq.write(str(path), create_signature=True, check_timing=False)  # type: ignore[attr-defined]
        text = path.read_text()
    duration = float(sum(seq.block_durations.values()))  # type: ignore[attr-defined]
    return SequenceResult(text, errors, violations, extremes, duration, len(seq.block_events))  # type: ignore[attr-defined]


def check_sequence_file(path: Path, profile: ScannerProfile) -> SequenceResult:
    """Re-read a ``.seq`` file with pypulseq and check timing, amplitude and slew."""
    import pypulseq as pp

    from vetmri.sequences.system import pulseq_system

    seq = pp.Sequence(system=pulseq_system(profile))
    seq.read(str(path))
    errors, violations, extremes = _checks(seq, profile)
    duration = float(sum(seq.block_durations.values()))
    return SequenceResult(path.read_text(), errors, violations, extremes, duration, len(seq.block_events))


def write_sequence(plan: SeriesPlan, profile: ScannerProfile, path: Path) -> SequenceResult:
    """Build the series' sequence and write it to ``path``; refuse to write a sequence that
    fails its timing or gradient checks.

    Raises
    ------
    SequenceRefusedError
        The plan's timing cannot be played.
    OperationFailedError
        The built sequence failed a check (a bug), or the file cannot be written.
    """
    result = build_sequence(plan, profile)
    if not result.ok:
        problems = list(result.timing_errors[:3]) + [v.message for v in result.violations]
        raise OperationFailedError(f"The sequence of {plan.parameters.name} failed its checks "
                                   f"({'; '.join(problems)}); it was not written.")
    try:
        path.write_text(result.text)
    except OSError as exc:
        raise OperationFailedError(f"Cannot write {path}: {exc.strerror or exc}.") from None
    return result
