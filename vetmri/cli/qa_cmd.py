"""``vetmri qa run`` and ``vetmri qa history``: the phantom QA and its stored results.

``qa run`` exits 0 when every measure is within its limits and 1 when one is not (the
result is stored either way), so a scheduled check can act on the exit code.
"""

from __future__ import annotations

import argparse
import sys

__all__ = ["register"]


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("qa", help="phantom QA: scan the QA phantom and judge it; its history")
    actions = parser.add_subparsers(dest="qa_command", metavar="ACTION", required=True)
    run = actions.add_parser(
        "run", help="scan the QA phantom on the configured scanner, judge every measure and store the result",
        description="Scans the QA phantom on the scanner of the settings (the simulator by default; the scanner "
        "link when [scanner] backend = \"link\"), measures SNR, uniformity, ghosting, geometric accuracy, slice "
        "thickness, the Larmor frequency and the RF scale against the scanner profile's [qa] limits, and stores "
        "the result. Exit code 1 when a measure fails. The simulated magnet can be degraded with the options "
        "of 'vetmri simulate'.")
    run.add_argument("--json", action="store_true", help="print the result as JSON")
    sim = run.add_argument_group("simulated magnet (simulator only)")
    sim.add_argument("--drift-hz", type=float, default=0.0, metavar="F",
                     help="the magnet's drift from its nominal frequency, Hz")
    sim.add_argument("--rf-error", type=float, default=1.0, metavar="SCALE",
                     help="actual over nominal flip angle before RF calibration (1.4 = 40 %% too much)")
    sim.add_argument("--shim-error", metavar="X,Y,Z", help="linear field error, Hz/m along x, y, z (QA does not shim)")
    sim.add_argument("--b1-falloff", type=float, default=0.0, metavar="F",
                     help="flip-angle loss at the coil's radius (0.2 = 20 %% less at the edge)")
    sim.add_argument("--interference-hz", metavar="F[,F...]", help="external interference lines, Hz from the Larmor frequency")
    sim.add_argument("--seed", type=int, default=0, metavar="N", help="seed of the noise and the magnet's maps")
    sim.add_argument("--no-effects", action="store_true", help="ideal magnet: no B0 map, drift or RF error")
    run.set_defaults(handler=_run, no_noise=False, motion=None, motion_mm=2.0)
    history = actions.add_parser("history", help="list the stored QA results, oldest first")
    history.add_argument("--json", action="store_true", help="print JSON for other tools")
    history.add_argument("--last", type=int, metavar="N", help="only the newest N results")
    history.set_defaults(handler=_history)


def _run(args: argparse.Namespace) -> int:
    from vetmri.acquisition.simulated import SimulatedConditions
    from vetmri.cli.exam_options import print_progress, simulated_conditions
    from vetmri.cli.output import print_json
    from vetmri.qa.run import run_qa
    from vetmri.records.qa_results import add_qa_result
    from vetmri.records.store import open_store
    from vetmri.settings import load_settings

    settings = load_settings()
    conditions = simulated_conditions(args, None)
    given = conditions != SimulatedConditions()
    result = run_qa(settings, conditions=conditions if given or settings.scanner.backend == "sim" else None,
                    on_progress=None if args.json else print_progress)
    if not args.json:
        print(file=sys.stderr)
    with open_store(settings.data.dir) as store:
        record_id = add_qa_result(store, result.to_dict())
    data = dict(result.to_dict(), id=record_id)
    if args.json:
        print_json(data)
    else:
        _print_result(data, record_id)
    return 0 if result.passed else 1


def _print_result(data: dict, record_id: str) -> None:
    from vetmri.cli.output import print_table
    from vetmri.qa.result import QaResult
    from vetmri.qa.text import limits_text, value_text, verdict_text

    result = QaResult.from_dict(data)
    print(f"QA {result.date} on {result.scanner}: scan {result.scan_time_s:.0f} s, run {result.run_time_s:.1f} s")
    print_table(("measure", "value", "limits", "result"),
                [(m.label, value_text(m), limits_text(m), verdict_text(m.passed)) for m in result.measures])
    for m in result.failures:
        print(f"FAIL {m.label}: {m.reason}")
    print(f"QA {'passed' if result.passed else 'FAILED'}; stored as {record_id}")


def _history(args: argparse.Namespace) -> int:
    from vetmri.cli.output import print_json, print_table
    from vetmri.errors import UserInputError
    from vetmri.qa.history import history_rows
    from vetmri.records.qa_results import qa_results
    from vetmri.records.store import open_store
    from vetmri.settings import load_settings

    if args.last is not None and args.last < 1:
        raise UserInputError("--last must be 1 or more.")
    with open_store(load_settings().data.dir) as store:
        docs = qa_results(store, limit=args.last)
    if args.json:
        print_json(docs)
        return 0
    if not docs:
        print("no QA results yet; run 'vetmri qa run'")
        return 0
    header, rows = history_rows(docs)
    print_table(header, rows)
    return 0
