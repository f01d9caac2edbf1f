"""The scanner an exam runs on, as the settings name it: the simulator in process
(``[scanner] backend = "sim"``) or the scanner link (``"link"``, ``address``), the latter
also what ``vetmri sim-server`` serves."""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import replace
from typing import Any

from vetmri.acquisition.contract import ScannerBackend
from vetmri.exam.request import ExamRequest
from vetmri.protocols.plan import ExamPlan
from vetmri.scanner.profile import ScannerProfile
from vetmri.settings import Settings

__all__ = ["OpenBackend", "open_backend", "scanner_label"]


class OpenBackend(AbstractContextManager["OpenBackend"]):
    """A backend and how to let it go (the link is closed, the simulator needs nothing)."""

    def __init__(self, backend: ScannerBackend, label: str) -> None:
        self.backend = backend
        self.label = label

    def __exit__(self, *exc: Any) -> None:
        close = getattr(self.backend, "close", None)
        if close is not None:
            close()


def scanner_label(settings: Settings) -> str:
    """``simulated`` or ``link HOST:PORT``, for screens and summaries."""
    return "simulated" if settings.scanner.backend == "sim" else f"link {settings.scanner.address}"


def open_backend(settings: Settings, plan: ExamPlan, request: ExamRequest, profile: ScannerProfile, *,
                 timeout_s: float = 30.0) -> OpenBackend:
    """Connect to (or start) the scanner the settings name, with ``plan``'s animal in the
    simulated bore.

    Raises
    ------
    UserInputError
        No phantom for the species and region, or simulated conditions that cannot be.
    OperationFailedError
        The scanner link does not answer (one sentence with the address).
    """
    if settings.scanner.backend == "link":
        from vetmri.acquisition.link import LinkBackend

        return OpenBackend(LinkBackend(settings.scanner.host, settings.scanner.port, timeout_s=timeout_s),
                           scanner_label(settings))
    from vetmri.acquisition.phantoms import phantom_for_exam
    from vetmri.acquisition.simulated import SimulatedBackend

    phantom = phantom_for_exam(plan.species, plan.region, plan.weight_kg, skull=plan.skull_type, phantom=request.phantom,
                               lesions=request.lesions, texture=request.texture)
    conditions = replace(request.conditions, coil=request.conditions.coil or plan.coil)
    return OpenBackend(SimulatedBackend(phantom, profile=profile, conditions=conditions), scanner_label(settings))
