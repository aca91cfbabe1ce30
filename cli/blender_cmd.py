"""``main.py install-blender``: the Pool choice for CGRU's Blender add-on.

Without ``--addons-dir`` the add-on goes into the add-ons folder of every Blender version the
user has started (each has a folder of its own in Blender's user config), or into
``$BLENDER_USER_SCRIPTS/addons`` when that variable is set, as Blender itself then looks only
there.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cli.common import EXIT_OK, json_flag
from cli.output import print_json, print_line
from cli.plugin_files import CLIENT, INTEGRATIONS, plugin_sources, write_files
from config.settings import Settings
from pools.errors import AfpoolsError

ADDON = "afpools_blender"
SOURCE = INTEGRATIONS / "blender" / ADDON
_VERSION = re.compile(r"\d+\.\d+")
ENABLE = (
    "Enable it in Blender: Edit > Preferences > Add-ons, search for 'afpools' and tick it "
    "(CGRU Tools must be enabled too); the Pool row appears in Render Properties > Afanasy. "
    'Or once from a terminal: blender -b --python-expr "import bpy; '
    f"bpy.ops.preferences.addon_enable(module='{ADDON}'); bpy.ops.wm.save_userpref()\""
)


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "install-blender",
        help="add a Pool choice to CGRU's Afanasy panel in Blender",
        description=(
            f"Copy the Blender add-on {ADDON} (with its own copy of integrations/client.py) "
            "into Blender's add-ons folder. It draws a Pool row in CGRU's Afanasy panel and "
            "writes @pool into the job's hosts mask."
        ),
    )
    parser.add_argument(
        "--addons-dir",
        metavar="DIR",
        type=Path,
        help="install into DIR/afpools_blender (default: every Blender version of this user)",
    )
    json_flag(parser)
    parser.set_defaults(handler=_install)


def blender_config_root(env: Mapping[str, str], platform: str = sys.platform) -> Path:
    """Where Blender keeps one folder per version for this user."""
    home = Path(env.get("HOME") or Path.home())
    if platform.startswith("win"):
        appdata = env.get("APPDATA") or str(home / "AppData" / "Roaming")
        return Path(appdata, "Blender Foundation", "Blender")
    if platform == "darwin":
        return home / "Library" / "Application Support" / "Blender"
    return Path(env.get("XDG_CONFIG_HOME") or home / ".config") / "blender"


def addons_folders(env: Mapping[str, str], platform: str = sys.platform) -> list[Path]:
    """The add-ons folders Blender reads for this user; one sentence when there is none."""
    scripts = env.get("BLENDER_USER_SCRIPTS", "").strip()
    if scripts:
        return [Path(scripts) / "addons"]
    root = blender_config_root(env, platform)
    versions = sorted(
        (p for p in root.glob("*") if p.is_dir() and _VERSION.fullmatch(p.name)),
        key=lambda p: tuple(int(n) for n in p.name.split(".")),
    )
    if not versions:
        raise AfpoolsError(
            f"No Blender version has a folder in {root} yet (Blender makes it when it first "
            "starts): start Blender once, or name the add-ons folder with --addons-dir DIR."
        )
    return [version / "scripts" / "addons" for version in versions]


def _install(args: argparse.Namespace, settings: Settings) -> int:
    folders = [args.addons_dir] if args.addons_dir else addons_folders(os.environ)
    files = {**plugin_sources(SOURCE), "client.py": CLIENT.read_bytes()}
    installed = [
        write_files(folder / ADDON, files, "add-on folder")[0].parent for folder in folders
    ]
    if args.json:
        print_json({"installed": [str(path) for path in installed], "module": ADDON})
        return EXIT_OK
    print_line(f"Installed the Blender add-on {ADDON} into:")
    for path in installed:
        print_line(f"  {path}")
    print_line(ENABLE)
    return EXIT_OK
