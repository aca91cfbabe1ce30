"""``main.py afstarter``: CGRU's own AfStarter, with a Pool combo beside its hosts mask.

The pools come from MongoDB when afpools is set up with one (``mongodb_uri``), else from the
pool service the way ``integrations/client.py`` finds it: an artist's machine has no private
embedded database of pools to read.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from cli.common import Parser
from config.settings import Settings, user_config_dir
from integrations import client
from manager.display import display_problem
from pools.errors import AfpoolsError
from storage.connection import open_store

SERVICE_WAIT = 3.0  # seconds; the combo says "asking" meanwhile, AfStarter works on


def register(commands: Any) -> None:
    parser: Parser = commands.add_parser(
        "afstarter",
        help="CGRU's AfStarter with a Pool choice next to its hosts mask",
        description=(
            "Start CGRU's own AfStarter ($CGRU_LOCATION/utilities/afstarter/afstarter.py, "
            "unchanged) with a Pool combo next to its Hosts Mask field: picking a pool writes "
            "@pool into the mask, and the pick is remembered. Every argument after "
            "'afstarter' goes to AfStarter (a scene file, say)."
        ),
    )
    parser.add_argument(
        "afstarter_args", nargs=argparse.REMAINDER, metavar="AFSTARTER ARGS", help="for AfStarter"
    )
    parser.set_defaults(handler=_run)


def find_afstarter(env: Any = os.environ) -> Path:
    """CGRU's folder, checked to hold AfStarter; one sentence when it does not."""
    from integrations.afstarter.launcher import AFSTARTER

    location = str(env.get("CGRU_LOCATION", "")).strip()
    if not location:
        raise AfpoolsError(
            "CGRU_LOCATION is not set, so CGRU's AfStarter cannot be found: set it to CGRU's "
            "folder, or start 'AfStarter with pools' from Keeper's AFANASY menu."
        )
    script = Path(location) / AFSTARTER
    if not script.is_file():
        raise AfpoolsError(f"AfStarter is not where CGRU keeps it: {script} does not exist.")
    return Path(location)


def pool_names(settings: Settings) -> list[str]:
    """Runs in the combo's thread; raises with the store's or the service's sentence."""
    if settings.mongodb_uri:
        with open_store(settings) as store:
            return [pool.name for pool in store.pools()]
    return [str(pool["name"]) for pool in client.list_pools(timeout=SERVICE_WAIT)]


def _run(args: argparse.Namespace, settings: Settings) -> int:
    location = find_afstarter()
    if display_problem():
        raise AfpoolsError(
            "There is no display to open AfStarter on: run it in a desktop session, or set DISPLAY."
        )
    from integrations.afstarter.launcher import run_afstarter  # Qt, once there is a screen

    return run_afstarter(
        location,
        list(args.afstarter_args),
        lambda: pool_names(settings),
        user_config_dir() / "afstarter.json",
    )
