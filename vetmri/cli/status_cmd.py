"""``vetmri status``: the workstation's set-up at a glance (also shown by a bare ``vetmri``)."""

from __future__ import annotations

import argparse

__all__ = ["register", "show_status"]


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "status", help="show the scanner, data folder, settings and PACS nodes in use"
    )
    parser.add_argument("--json", action="store_true", help="print JSON for other tools")
    parser.set_defaults(handler=show_status)


def show_status(args: argparse.Namespace) -> int:
    from vetmri.cli.output import print_json, print_table
    from vetmri.datadir import ensure_private_folder
    from vetmri.workstation import workstation_status

    status = workstation_status()
    ensure_private_folder(status.settings.data.dir)
    profile = status.profile
    if getattr(args, "json", False):
        print_json(
            {
                "version": status.version,
                "running_from": status.running_from,
                "scanner": {
                    "backend": status.settings.scanner.backend,
                    "address": status.settings.scanner.address,
                    "profile": profile.name,
                },
                "data_dir": str(status.settings.data.dir),
                "data_dir_source": status.settings.data.source,
                "settings_path": str(status.settings.path),
                "settings_file_exists": status.settings_file_exists,
                "log_path": str(status.log_path),
                "data_folders": {k: str(v) for k, v in status.data_folders.items()},
                "pacs": [n.name for n in status.pacs],
            }
        )
        return 0
    magnet, gradients = profile.magnet, profile.gradients
    print(f"vetmri {status.version}: workstation for the {magnet.b0_t:g} T veterinary MRI scanner")
    print()
    print(f"Scanner     {status.scanner_summary}")
    print(
        f"Profile     {profile.name}: {magnet.b0_t:.3f} T ({magnet.larmor_hz / 1e6:.4f} MHz), "
        f"gradients {gradients.max_amplitude_t_per_m * 1e3:g} mT/m at "
        f"{gradients.max_slew_t_per_m_per_s:g} T/m/s (rise {gradients.rise_time_s * 1e3:.2f} ms), "
        f"bore {profile.bore.clear_diameter_m * 1e3:.0f} mm"
    )
    source = {"default": "default", "settings file": "from the settings", "VETMRI_DATA_DIR": "from VETMRI_DATA_DIR"}
    print(f"Data folder {status.settings.data.dir} ({source[status.settings.data.source]})")
    state = "" if status.settings_file_exists else " (not created yet: all defaults)"
    print(f"Settings    {status.settings.path}{state}")
    print(f"Log         {status.log_path}")
    print(f"Shipped     {', '.join(str(p) for p in status.data_folders.values())} (running from {status.running_from})")
    pacs = ", ".join(f"{n.name} ({n.ae_title}@{n.host}:{n.port})" for n in status.pacs)
    print(f"PACS        {pacs or 'none configured (vetmri settings set pacs.NAME AE_TITLE@HOST:PORT)'}")
    print()
    print("Coils")
    print_table(
        ("name", "channels", "body parts", "subject width", "use"),
        [
            (
                c.name,
                c.channels,
                ", ".join(c.anatomy),
                f"{c.min_subject_m * 1e3:.0f}-{c.max_subject_m * 1e3:.0f} mm",
                c.description,
            )
            for c in profile.coils
        ],
    )
    print()
    print("Type 'vetmri --help' for the commands.")
    return 0
