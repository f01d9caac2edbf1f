"""``vetmri sim-server``: the simulated scanner behind the scanner-link protocol, so a
workstation (``vetmri acquire --scanner``) drives it over TCP like a real scanner."""

from __future__ import annotations

import argparse
import logging
import signal
import sys

from vetmri.cli.exam_options import add_patient_arguments, add_simulator_arguments

__all__ = ["register"]

log = logging.getLogger("vetmri.link")


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "sim-server", help="serve the simulated scanner over the scanner-link protocol (one workstation at a time)",
        description="The simulator, with a patient of this species, weight and region in the bore, behind the "
        "scanner-link protocol (docs/scanner-link.md). Prints the address it listens on; logs to stderr; "
        "Ctrl-C stops it.",
    )
    add_patient_arguments(parser)
    parser.add_argument("--variant", default="standard", metavar="standard|quick",
                        help="protocol variant of the planned exam: quick = at most half the scan time")
    add_simulator_arguments(parser)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: loopback only)")
    parser.add_argument("--port", type=int, default=9002, help="port to listen on (0: any free port; default 9002)")
    parser.add_argument("--allow-remote", action="store_true",
                        help="allow --host to be an address other computers can reach")
    parser.add_argument("--pace", type=float, metavar="X",
                        help="stream each series at X times the real scan's pace (1: real time; default: as fast "
                        "as it is simulated)")
    parser.add_argument("--idle-timeout", type=float, default=3600.0, metavar="S",
                        help="drop a workstation silent this many seconds (default 3600)")
    parser.set_defaults(handler=_serve)


def _is_loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _serve(args: argparse.Namespace) -> int:
    from vetmri.acquisition.link import LinkServer
    from vetmri.cli.exam_options import plan_from_arguments, require_patient, simulated_backend
    from vetmri.errors import UserInputError
    from vetmri.scanner.profile import load_profile
    from vetmri.settings import load_settings

    require_patient(args, hint=" of the patient in the simulated scanner")
    if not 0 <= args.port <= 65535:
        raise UserInputError(f"--port must be 0-65535, not {args.port}.")
    if args.idle_timeout <= 0:
        raise UserInputError("--idle-timeout must be a positive number of seconds.")
    if not _is_loopback(args.host) and not args.allow_remote:
        raise UserInputError(f"--host {args.host} would let other computers drive the simulated scanner; "
                             "add --allow-remote if that is what you want.")
    profile = load_profile(load_settings().scanner.profile)
    plan = plan_from_arguments(args)
    backend = simulated_backend(args, plan, profile)
    if args.pace is not None:
        from vetmri.acquisition.link.pacing import PacedBackend

        backend = PacedBackend(backend, speed=args.pace)
    _log_to_stderr()
    if not _is_loopback(args.host):
        log.warning("listening on %s: any computer that reaches this address can drive the simulated scanner",
                    args.host)
    server = LinkServer(backend, host=args.host, port=args.port, idle_timeout_s=args.idle_timeout,
                        software="vetmri sim-server")
    host, port = server.address
    print(f"vetmri sim-server: listening on {host}:{port} ({plan.species} {plan.weight_kg:g} kg {plan.region}, "
          f"seed {args.seed})", flush=True)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("vetmri sim-server: stopped", file=sys.stderr)
    finally:
        server.shutdown()
    return 0


def _interrupt(signum: int, frame: object) -> None:
    """SIGTERM stops the server like Ctrl-C."""
    raise KeyboardInterrupt


def _log_to_stderr() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
