"""``vetmri dicom queue --watch``: drain the PACS send queue on a station without the UI.

The queue is worked in a thread (:func:`vetmri.dicom.queue_drain.watch_queue`): every due
job is sent, a PACS that is waited for is asked every ``--interval`` seconds whether it
answers again, and each job worked is one line (``--json``: one JSON object a line).
Ctrl-C finishes the job being sent, then exits 130.
"""

from __future__ import annotations

import argparse
import sys
import threading

__all__ = ["watch"]


def watch(args: argparse.Namespace) -> int:
    import json

    from vetmri.dicom.queue_drain import watch_queue, waiting_summary
    from vetmri.errors import UserInputError
    from vetmri.records.store import open_store
    from vetmri.settings import load_settings

    interval = args.interval
    if not 0.2 <= interval <= 3600:
        raise UserInputError(f"--interval must be from 0.2 to 3600 seconds, not {interval:g}.")
    if args.retry:
        raise UserInputError("--watch and --retry do not go together; --watch retries by itself as soon as a PACS answers.")
    settings = load_settings()

    def store():
        return open_store(settings.data.dir, uid_root=settings.dicom.uid_root)

    from vetmri.cli.dicom_cmd import job_dict, outcome_lines

    last: dict = {}

    def on_step(report) -> None:
        if args.json:
            for outcome in report.outcomes:
                print(json.dumps({**job_dict(outcome.job), "files": outcome.files, "accepted": outcome.accepted,
                                  "problem": outcome.problem}, ensure_ascii=False, default=str))
            sys.stdout.flush()
            return
        for name in report.answered:
            print(f"The PACS node '{name}' answers again; sending what waited for it.", flush=True)
        outcome_lines(report.outcomes)
        sys.stdout.flush()
        state = (report.waiting, report.next_due_at)
        if report.outcomes or state != last.get("state"):  # a line when something changed, not every turn
            summary = waiting_summary(report)
            print(summary[0].upper() + summary[1:] + ".", flush=True)
        last["state"] = state

    stop = threading.Event()
    failure: dict = {}

    def run() -> None:
        try:
            watch_queue(store, load_settings, stop=stop, on_step=on_step, poll_s=interval, probe_every_s=interval)
        except BaseException as exc:  # handed to the main thread, which reports it
            failure["error"] = exc
            stop.set()

    if not args.json:
        print(f"Watching the PACS send queue (every {interval:g} s); Ctrl-C stops.", flush=True)
    worker = threading.Thread(target=run, name="vetmri-queue-watch", daemon=True)
    worker.start()
    try:
        while worker.is_alive():
            worker.join(0.2)
    except KeyboardInterrupt:
        stop.set()
        print("vetmri: stopping the watch after the job being sent (Ctrl-C again to leave at once).",
              file=sys.stderr, flush=True)
        try:
            worker.join()
        except KeyboardInterrupt:
            pass
        print("vetmri: stopped watching the send queue; what waits stays queued.", file=sys.stderr)
        return 130
    if "error" in failure:
        raise failure["error"]
    return 0
