"""Send DICOM files to a PACS node (C-STORE SCU), reporting the fate of every file.

Built for a persistent send queue: :func:`send_files` never raises for a peer that is
down or drops the connection; it returns a :class:`SendReport` saying which files were
accepted and which were not (and whether trying again may help). Sending is idempotent,
since a PACS stores an instance again under the same SOP Instance UID, so a queue simply
sends the files not yet accepted until none are left.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from vetmri.dicom.association import DEFAULT_TIMEOUT_S, association, describe_node
from vetmri.errors import OperationFailedError, UserInputError
from vetmri.settings import PacsNode

__all__ = ["FileSendResult", "SendOutcome", "SendReport", "send_files"]

#: At most this many presentation contexts fit one association (PS3.8: 128, odd IDs).
_MAX_CONTEXTS = 128


class SendOutcome(StrEnum):
    """What became of one file."""

    ACCEPTED = "accepted"  #: the PACS confirmed it (success or a warning status)
    NOT_SENT = "not sent"  #: the connection was not there or was lost before it: retry
    RETRY_LATER = "retry later"  #: the PACS answered with a transient failure (out of resources)
    REFUSED = "refused"  #: the PACS refused it for good (SOP class, data set): retrying will not help
    UNREADABLE = "unreadable"  #: our own file is missing or broken


@dataclass(frozen=True)
class FileSendResult:
    """The fate of one file.

    Attributes
    ----------
    path : Path
        The file.
    sop_instance_uid : str
        Its SOP Instance UID ("" when unreadable).
    outcome : SendOutcome
        What happened.
    status : int or None
        The DIMSE status the PACS returned (None if it never answered).
    message : str
        One sentence for the person at the console.
    """

    path: Path
    sop_instance_uid: str
    outcome: SendOutcome
    status: int | None
    message: str

    @property
    def retry_may_help(self) -> bool:
        """Whether sending this file again later may succeed."""
        return self.outcome in (SendOutcome.NOT_SENT, SendOutcome.RETRY_LATER)


@dataclass(frozen=True)
class SendReport:
    """Per-file results of one :func:`send_files` call, in the order given.

    Attributes
    ----------
    node : PacsNode
        The destination.
    results : tuple of FileSendResult
        One per file.
    connection_problem : str
        Why the association failed or broke ("" when it held).
    """

    node: PacsNode
    results: tuple[FileSendResult, ...]
    connection_problem: str = ""

    @property
    def accepted(self) -> tuple[FileSendResult, ...]:
        """Files the PACS confirmed."""
        return tuple(r for r in self.results if r.outcome is SendOutcome.ACCEPTED)

    @property
    def pending(self) -> tuple[FileSendResult, ...]:
        """Files not accepted for which a retry may help."""
        return tuple(r for r in self.results if r.retry_may_help)

    @property
    def complete(self) -> bool:
        """Every file was accepted."""
        return len(self.accepted) == len(self.results)


def _classify(status: int) -> tuple[SendOutcome, str]:
    if status == 0x0000 or status in (0x0001, 0x0107, 0x0116) or status >> 12 == 0xB:
        return SendOutcome.ACCEPTED, "stored" if status == 0 else f"stored with warning 0x{status:04X}"
    if status >> 8 == 0xA7:
        return SendOutcome.RETRY_LATER, f"the PACS is out of resources (0x{status:04X}); it will be sent again later"
    return SendOutcome.REFUSED, f"the PACS refused it (status 0x{status:04X}); check the file and the PACS log"


def _headers(paths: Sequence[Path]) -> list[tuple[Path, object | None, str]]:
    from vetmri.dicom.reader import read_dicom_file

    headers = []
    for path in paths:
        try:
            headers.append((path, read_dicom_file(path, pixels=False), ""))
        except UserInputError as exc:
            headers.append((path, None, str(exc)))
    return headers


def send_files(
    node: PacsNode,
    paths: Sequence[Path],
    *,
    calling_ae_title: str,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    on_result: Callable[[FileSendResult], None] | None = None,
) -> SendReport:
    """Send ``paths`` to ``node`` over one association, file by file.

    Parameters
    ----------
    node : PacsNode
        The destination, from the settings.
    paths : sequence of Path
        DICOM Part 10 files (any storage SOP class).
    calling_ae_title : str
        Our AE title.
    on_result : callable, optional
        Called with each file's result as soon as it is known (progress, or a queue
        marking the file done at once).

    Returns
    -------
    SendReport
        One result per path; never raises for network failures.
    """
    headers = _headers(paths)
    results: dict[Path, FileSendResult] = {}

    def record(result: FileSendResult) -> None:
        results[result.path] = result
        if on_result is not None:
            on_result(result)

    readable = []
    for path, ds, problem in headers:
        if ds is None:
            record(FileSendResult(path, "", SendOutcome.UNREADABLE, None, problem))
        else:
            readable.append((path, ds))
    contexts = sorted({(str(ds.SOPClassUID), str(ds.file_meta.TransferSyntaxUID)) for _, ds in readable})
    if len(contexts) > _MAX_CONTEXTS:
        raise UserInputError(
            f"These {len(paths)} files need {len(contexts)} kinds of DICOM storage; send them in smaller groups."
        )
    problem = ""
    if readable:
        problem = _send_over_association(node, readable, contexts, calling_ae_title, timeout_s, record)
    return SendReport(node=node, results=tuple(results[p] for p in paths), connection_problem=problem)


def _send_over_association(node, readable, contexts, calling_ae_title, timeout_s, record) -> str:
    from pydicom.uid import ExplicitVRLittleEndian, ImplicitVRLittleEndian

    merged: dict[str, set[str]] = {}  # SOP class -> the files' transfer syntaxes + uncompressed ones
    for sop, transfer in contexts:
        merged.setdefault(sop, {ExplicitVRLittleEndian, ImplicitVRLittleEndian}).add(transfer)
    remaining = list(readable)
    try:
        with association(node, [(s, sorted(t)) for s, t in merged.items()],
                         calling_ae_title=calling_ae_title, timeout_s=timeout_s) as assoc:
            while remaining:
                path, ds = remaining[0]
                if not assoc.is_established:
                    break
                try:
                    status = assoc.send_c_store(path)
                except (ValueError, RuntimeError) as exc:  # no accepted context for this file
                    record(FileSendResult(path, str(ds.SOPInstanceUID), SendOutcome.REFUSED, None,
                                          f"{path} could not be offered to {describe_node(node)} ({exc})."))
                    remaining.pop(0)
                    continue
                if not status or "Status" not in status:
                    break  # the connection was lost before an answer: the file counts as not sent
                outcome, text = _classify(int(status.Status))
                record(FileSendResult(path, str(ds.SOPInstanceUID), outcome, int(status.Status), f"{path.name}: {text}."))
                remaining.pop(0)
    except OperationFailedError as exc:
        lost = str(exc)
    else:
        lost = "" if not remaining else f"The connection to {describe_node(node)} was lost during the send."
    for path, ds in remaining:
        record(FileSendResult(path, str(ds.SOPInstanceUID), SendOutcome.NOT_SENT, None,
                              f"{path.name}: not sent ({lost or 'connection lost'}); it will be sent again."))
    return lost
