"""Opening DICOM associations to configured nodes (pynetdicom), and C-ECHO.

Only nodes from the settings are contacted (:class:`vetmri.settings.PacsNode`): the
functions take a node, never a free address. Failures to connect become
:class:`~vetmri.errors.OperationFailedError` sentences naming the node.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from vetmri.errors import OperationFailedError
from vetmri.settings import PacsNode

__all__ = ["EchoResult", "association", "describe_node", "echo"]

#: Seconds to wait for the connection, the association and each reply.
DEFAULT_TIMEOUT_S = 15.0


def describe_node(node: PacsNode) -> str:
    """``'main' (ORTHANC at 192.0.2.10:4242)``: how messages name a node."""
    return f"{node.name!r} ({node.ae_title} at {node.host}:{node.port})"


@contextmanager
def association(
    node: PacsNode,
    contexts: Iterable[tuple[str, Iterable[str] | None]],
    *,
    calling_ae_title: str,
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> Iterator:
    """An established association with ``node``, released (or aborted) on exit.

    Parameters
    ----------
    node : PacsNode
        The peer, from the settings.
    contexts : iterable of (abstract syntax UID, transfer syntax UIDs or None)
        Presentation contexts to propose; None proposes the default transfer syntaxes.
    calling_ae_title : str
        Our AE title (settings ``dicom.ae_title``).

    Raises
    ------
    OperationFailedError
        The node cannot be reached, rejects us, or aborts.
    """
    from pynetdicom import AE

    ae = AE(ae_title=calling_ae_title)
    for abstract, transfers in contexts:
        if transfers is None:
            ae.add_requested_context(abstract)
        else:
            ae.add_requested_context(abstract, list(transfers))
    ae.acse_timeout = ae.dimse_timeout = ae.network_timeout = timeout_s
    ae.connection_timeout = timeout_s
    assoc = ae.associate(node.host, node.port, ae_title=node.ae_title)
    if not assoc.is_established:
        if assoc.is_rejected:
            why = "it rejected the association (check that it knows our AE title " f"{calling_ae_title!r})"
        else:
            why = "it could not be reached (is it running, and are host and port right?)"
        raise OperationFailedError(f"Could not talk to the DICOM node {describe_node(node)}: {why}.")
    try:
        yield assoc
    finally:
        if assoc.is_established:
            assoc.release()
        ae.shutdown()


@dataclass(frozen=True)
class EchoResult:
    """A successful C-ECHO.

    Attributes
    ----------
    node : PacsNode
        Who answered.
    round_trip_s : float
        Seconds from opening the association to the echo's answer.
    """

    node: PacsNode
    round_trip_s: float


def echo(node: PacsNode, *, calling_ae_title: str, timeout_s: float = DEFAULT_TIMEOUT_S) -> EchoResult:
    """Check that ``node`` answers DICOM (C-ECHO, Verification SOP Class).

    Raises
    ------
    OperationFailedError
        No association, or the node answered with a failure status.
    """
    from pynetdicom.sop_class import Verification

    started = time.monotonic()
    with association(node, [(Verification, None)], calling_ae_title=calling_ae_title, timeout_s=timeout_s) as assoc:
        status = assoc.send_c_echo()
    if not status or int(status.Status) != 0:
        code = f"0x{int(status.Status):04X}" if status and "Status" in status else "no answer"
        raise OperationFailedError(f"The DICOM node {describe_node(node)} did not confirm the echo (status {code}).")
    return EchoResult(node=node, round_trip_s=time.monotonic() - started)
