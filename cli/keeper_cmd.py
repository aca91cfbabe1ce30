"""``main.py install-keeper``: add the board to CGRU Keeper's tray menu."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from cli.app import EXIT_OK, json_flag
from cli.output import print_json
from keeper_menu.installer import install
from pools.settings import Settings

DESCRIPTION = """\
Register afpools' menu folder in CGRU's menu_path and its icons in icons_path
(~/.cgru/config.json), keeping every other setting, and remember this Python (the one
with PyQt5 and pymongo) for the menu entries. Safe to run again."""


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "install-keeper",
        help="add 'Render Pools...' to CGRU Keeper's AFANASY menu",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--cgru-home",
        type=Path,
        default=Path.home() / ".cgru",
        help="CGRU's user folder (default ~/.cgru)",
    )
    parser.add_argument(
        "--python", default=sys.executable, help="Python for the menu entries (default: this one)"
    )
    json_flag(parser)
    parser.set_defaults(handler=_install)


def _install(args: argparse.Namespace, settings: Settings) -> int:
    result = install(args.cgru_home, args.python)
    if args.json:
        print_json(
            {
                "config": str(result.config),
                "changed": result.changed,
                "menu_path": result.menu_paths,
                "icons_path": result.icons_paths,
                "python": result.python,
            }
        )
        return EXIT_OK
    state = "updated" if result.changed else "already had afpools; nothing changed in it"
    print(f"CGRU config {result.config} {state}.")
    print(f"Keeper menu folders: {', '.join(result.menu_paths)}")
    print(
        f"Menu entries start afpools with {result.python}. Restart Keeper to see 'Render Pools...'."
    )
    return EXIT_OK
