"""Sequences are pure functions of the plan: build each once and keep it.

Building and checking a dog-brain exam's sequences with pypulseq costs seconds per
series. :class:`SequenceCache` keeps every built ``.seq`` text in the data folder
(``cache/sequences/<key>.seq``), keyed by the series plan, the scanner profile and the
sequence code, so the same protocol on the same scanner is built once; and
:meth:`SequenceCache.prefetch` builds the next series in a thread while the current one
scans.
"""

from __future__ import annotations

import hashlib
import json
import logging
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from vetmri import __version__
from vetmri.atomicfile import atomic_write_text
from vetmri.errors import OperationFailedError
from vetmri.protocols.plan import SeriesPlan
from vetmri.scanner.profile import ScannerProfile

__all__ = ["CachedSequence", "SequenceCache", "sequence_key"]

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CachedSequence:
    """A checked sequence ready to play.

    Attributes
    ----------
    text : str
        The Pulseq file.
    duration_s : float
        Its scan time.
    from_cache : bool
        Whether it was read back rather than built now.
    """

    text: str
    duration_s: float
    from_cache: bool


def _code_fingerprint() -> str:
    """The sequence builders' source (a changed builder invalidates the cache); the version
    alone where the source is not shipped (a frozen binary)."""
    folder = Path(__file__).resolve().parents[1] / "sequences"
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(folder.glob("*.py")):
        try:
            digest.update(path.read_bytes())
        except OSError:
            pass
    return digest.hexdigest()[:16]


_CODE = _code_fingerprint()


def sequence_key(plan: SeriesPlan, profile: ScannerProfile) -> str:
    """A name for the sequence of ``plan`` on ``profile`` (same plan, same sequence)."""
    content = json.dumps({"plan": repr(plan), "profile": repr(profile), "code": _CODE}, sort_keys=True)
    return hashlib.sha256(content.encode()).hexdigest()[:32]


class SequenceCache:
    """Built sequences of one data folder.

    Parameters
    ----------
    folder : Path or None
        Where the ``.seq`` files live; None keeps nothing on disk (build every time).
    profile : ScannerProfile
    """

    def __init__(self, folder: Path | None, profile: ScannerProfile) -> None:
        self.folder = folder
        self.profile = profile
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="vetmri-sequences")
        self._pending: dict[str, Future[CachedSequence]] = {}

    def get(self, plan: SeriesPlan) -> CachedSequence:
        """The checked sequence of ``plan`` (from disk, from a prefetch, or built now).

        Raises
        ------
        UserInputError
            The plan's timing cannot be played (the planner's sentence).
        OperationFailedError
            The built sequence failed its checks.
        """
        key = sequence_key(plan, self.profile)
        future = self._pending.pop(key, None)
        if future is not None:
            return future.result()
        return self._load_or_build(plan, key)

    def prefetch(self, plan: SeriesPlan) -> None:
        """Start building ``plan``'s sequence in the background (errors surface in :meth:`get`)."""
        key = sequence_key(plan, self.profile)
        if key not in self._pending:
            self._pending[key] = self._pool.submit(self._load_or_build, plan, key)

    def close(self) -> None:
        """Stop the background builder (a build under way finishes first)."""
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _load_or_build(self, plan: SeriesPlan, key: str) -> CachedSequence:
        from vetmri.sequences.api import build_sequence

        cached = self._read(key)
        if cached is not None:
            return cached
        name = plan.parameters.name
        built = build_sequence(plan, self.profile)
        if not built.ok:
            problem = (built.timing_errors or tuple(v.message for v in built.violations))[0]
            raise OperationFailedError(f"The sequence of {name} failed its checks ({problem}); it was not played.")
        self._write(key, built.text, built.duration_s)
        return CachedSequence(built.text, built.duration_s, from_cache=False)

    def _read(self, key: str) -> CachedSequence | None:
        if self.folder is None:
            return None
        try:
            meta = json.loads((self.folder / f"{key}.json").read_text())
            text = (self.folder / f"{key}.seq").read_text()
        except (OSError, ValueError):
            return None
        if not isinstance(meta, dict) or meta.get("chars") != len(text) or not isinstance(meta.get("duration_s"), (int, float)):
            return None  # a half-written or foreign entry: build again
        return CachedSequence(text, float(meta["duration_s"]), from_cache=True)

    def _write(self, key: str, text: str, duration_s: float) -> None:
        if self.folder is None:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            atomic_write_text(self.folder / f"{key}.seq", text)
            atomic_write_text(self.folder / f"{key}.json", json.dumps({"duration_s": duration_s, "chars": len(text)}))
        except OSError as exc:  # the cache is a convenience: a full disk must not stop the exam here
            _log.warning("sequence cache not written (%s)", exc)


