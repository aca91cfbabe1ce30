"""``main.py install-natron``: the Pool choice on CGRU's Afanasy nodes in Natron.

Natron runs the ``init.py`` of every folder in ``NATRON_PLUGIN_PATH``. afpools' goes into a
folder of its own: CGRU's ``plugins/natron`` has an ``init.py`` too, and one that afpools did
not write is never overwritten.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from cli.common import EXIT_OK, json_flag
from cli.output import print_json, print_line
from cli.plugin_files import CLIENT, INTEGRATIONS, write_files
from config.settings import Settings, user_data_dir
from pools.errors import AfpoolsError

SOURCE = INTEGRATIONS / "natron"
OURS = "# afpools:"  # how afpools' init.py begins


def default_folder() -> Path:
    """Beside afpools' data folder, not in it: that one is the embedded database's, 0700."""
    return user_data_dir().parent / "afpools-natron"


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "install-natron",
        help="add a Pool choice to CGRU's Afanasy node in Natron",
        description=(
            "Copy afpools' Natron start-up script (init.py, afpools_natron.py and its own copy "
            "of integrations/client.py) into a folder of its own, and print the "
            "NATRON_PLUGIN_PATH line that makes Natron run it."
        ),
    )
    parser.add_argument(
        "--plugin-dir",
        metavar="DIR",
        type=Path,
        help=f"where the files go (default: {default_folder()})",
    )
    json_flag(parser)
    parser.set_defaults(handler=_install)


def plugin_path_line(folder: Path, platform: str = sys.platform) -> str:
    """The line that puts ``folder`` first in NATRON_PLUGIN_PATH and keeps what was there."""
    if platform.startswith("win"):
        return f'set "NATRON_PLUGIN_PATH={folder};%NATRON_PLUGIN_PATH%"'
    return f'export NATRON_PLUGIN_PATH="{folder}${{NATRON_PLUGIN_PATH:+:$NATRON_PLUGIN_PATH}}"'


def _check_init(folder: Path) -> None:
    init = folder / "init.py"
    try:
        first = init.read_text(encoding="utf-8", errors="replace").splitlines()[:1]
    except FileNotFoundError:
        return
    except OSError as error:
        raise AfpoolsError(f"{init} cannot be read ({error.strerror}).") from None
    if first and first[0].startswith(OURS):
        return
    raise AfpoolsError(
        f"{folder} already has an init.py that afpools did not write (CGRU's plugins/natron "
        "has one), and it is left as it is: give afpools a folder of its own with "
        "--plugin-dir DIR."
    )


def _install(args: argparse.Namespace, settings: Settings) -> int:
    folder = (args.plugin_dir or default_folder()).absolute()
    _check_init(folder)
    files = {
        "afpools_client.py": CLIENT.read_bytes(),
        "afpools_natron.py": (SOURCE / "afpools_natron.py").read_bytes(),
        "init.py": (SOURCE / "init.py").read_bytes(),  # last: Natron runs it
    }
    write_files(folder, files, "Natron plug-in folder")
    line = plugin_path_line(folder)
    if args.json:
        print_json({"installed": str(folder), "plugin_path_line": line})
        return EXIT_OK
    print_line(f"Installed afpools' Natron start-up script into {folder}.")
    print_line("Add this line to the environment Natron starts in (keep CGRU's plugins/natron):")
    print_line(f"  {line}")
    print_line("The Pool choice then appears on the Scheduling page of CGRU's Afanasy node.")
    return EXIT_OK
