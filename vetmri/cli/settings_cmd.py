"""``vetmri settings show|path|set|unset``: read and change the settings file."""

from __future__ import annotations

import argparse

__all__ = ["register"]


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("settings", help="show or change the workstation settings")
    actions = parser.add_subparsers(dest="settings_command", metavar="ACTION", required=True)
    show = actions.add_parser("show", help="print the effective settings (defaults filled in)")
    show.add_argument("--json", action="store_true", help="print JSON instead of TOML")
    show.set_defaults(handler=_show)
    path = actions.add_parser("path", help="print where the settings file is")
    path.set_defaults(handler=_path)
    change = actions.add_parser(
        "set",
        help="set one key, e.g. 'scanner.backend link', or a PACS node: 'pacs.main ORTHANC@10.0.0.5:4242'",
    )
    change.add_argument("key", help="dotted key, e.g. dicom.ae_title, pacs.NAME or pacs.NAME.port")
    change.add_argument("value", help="the new value")
    change.set_defaults(handler=_set)
    remove = actions.add_parser(
        "unset", help="remove a key (back to its default) or a PACS node (pacs.NAME)"
    )
    remove.add_argument("key")
    remove.set_defaults(handler=_unset)


def _show(args: argparse.Namespace) -> int:
    from vetmri.cli.output import print_json
    from vetmri.settings import load_settings

    settings = load_settings()
    if args.json:
        print_json(settings.to_dict())
        return 0
    import tomlkit

    print(f"# effective settings; file: {settings.path}", end="")
    print("" if settings.path.exists() else " (not created yet: all defaults)")
    print(f"# data dir from: {settings.data.source}")
    data = settings.to_dict()
    if not data["pacs"]:
        del data["pacs"]
    print(tomlkit.dumps(data), end="")
    return 0


def _path(args: argparse.Namespace) -> int:
    from vetmri.settings import settings_path

    print(settings_path())
    return 0


def _set(args: argparse.Namespace) -> int:
    from vetmri.settings import set_setting

    settings = set_setting(args.key, args.value)
    print(f"{args.key} = {args.value} (saved in {settings.path})")
    return 0


def _unset(args: argparse.Namespace) -> int:
    from vetmri.settings import unset_setting

    settings = unset_setting(args.key)
    print(f"{args.key} removed (saved in {settings.path})")
    return 0
