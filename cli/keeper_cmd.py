"""``main.py install-keeper``: add the board to CGRU Keeper's tray menu."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from cli.common import EXIT_OK, json_flag
from cli.output import notice, print_json
from config.settings import Settings
from keeper_menu.installer import ROOT, InstallResult, install, running_as_root

DESCRIPTION = """\
Register afpools' menu folder in CGRU's menu_path and its icons in icons_path of the user's
CGRU config (~/.cgru/config.json; %APPDATA%\\cgru\\config.json on Windows). The user's value
replaces the studio's, so it keeps every folder CGRU's config files name and adds ours; every
other setting stays as it was, and a backup of the old file is left beside it. The menu
entries start afpools with this Python (the one with PyQt5 and pymongo). Safe to run again."""


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "install-keeper",
        help="add 'Render Pools...' to CGRU Keeper's AFANASY menu",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--python", default=sys.executable, help="Python for the menu entries (default: this one)"
    )
    json_flag(parser)
    parser.set_defaults(handler=_install)


def _install(args: argparse.Namespace, settings: Settings) -> int:
    result = install(ROOT, args.python, env=os.environ, as_root=running_as_root())
    for warning in result.warnings:
        notice(f"Warning: {warning}")
    if args.json:
        print_json(
            {
                "config": str(result.config),
                "written": str(result.written.target) if result.written else None,
                "backup": str(result.written.backup)
                if result.written and result.written.backup
                else None,
                "changed": result.changed,
                "menu_path": result.paths["menu_path"],
                "icons_path": result.paths["icons_path"],
                "added": [vars(change) for change in result.added],
                "removed": [vars(change) for change in result.removed],
                "python": result.python,
            }
        )
        return EXIT_OK
    print("\n".join(describe(result)))
    return EXIT_OK


def describe(result: InstallResult) -> list[str]:
    """What changed, in the words a user checks their config with."""
    written = result.written
    if written is None:
        lines = [f"CGRU config {result.config} already had afpools; nothing changed in it."]
    else:
        through = (
            f" (through the link, in {written.target})" if written.target != result.config else ""
        )
        backup = f"; the old one is in {written.backup}" if written.backup else ""
        lines = [f"CGRU config {result.config} updated{through}{backup}:"]
        lines += [f"  {c.key}: added {c.path} ({_origin(c.source)})" for c in result.added]
        lines += [f"  {c.key}: removed {c.path} ({c.source})" for c in result.removed]
        lines.append("  every other setting is as it was.")
    lines.append(f"Keeper menu folders: {', '.join(result.paths['menu_path'])}")
    lines.append(
        f"Menu entries start afpools with {result.python} ({result.env_file}). "
        "Restart Keeper to see 'Render Pools...' and 'AfStarter with pools...'."
    )
    return lines


def _origin(source: str) -> str:
    return "afpools' own" if source == "afpools" else f"from {source}"
