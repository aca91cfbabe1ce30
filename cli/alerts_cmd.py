"""``main.py alerts``: starved and idle pools, for people and for cron (exit 3: alerts)."""

from __future__ import annotations

import argparse
import time
from typing import Any

from cli.common import EXIT_ALERTS, EXIT_OK, json_flag
from cli.output import notice, print_json, print_line
from config.settings import Settings
from pools.alerts import duration
from pools.errors import AfpoolsError
from pools.wording import plural
from storage.connection import open_store

DESCRIPTION = """\
Say which pools are starved (tasks waiting and no idle host for N minutes) and which are
idle (idle hosts and nothing waiting for N minutes), from the usage minutes the agent
records. Exit codes: 0 no alert, 3 a pool is starved, 1 the database cannot be read. Reads
only; the board's banner offers to lend idle hosts to a starved pool."""


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "alerts",
        help="starved and idle pools (exit 3 when a pool is starved)",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--minutes",
        type=_minutes,
        metavar="N",
        help="how long a pool must be starved or idle (default: the alert_minutes setting)",
    )
    json_flag(parser)
    parser.set_defaults(handler=_alerts)


def _minutes(text: str) -> int:
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"--minutes is a whole number of minutes, not {text!r}")
    return int(text)


def _alerts(args: argparse.Namespace, settings: Settings) -> int:
    minutes = args.minutes or settings.alert_minutes
    if minutes < 1:
        raise AfpoolsError(f"alert_minutes must be at least 1, not {minutes}.")
    with open_store(settings) as store:
        found, problems = store.alerts(minutes, time.time())
    for problem in problems:
        notice(problem)
    if args.json:
        print_json({**found.json(), "minutes": minutes})
    else:
        for alert in found.alerts:
            print_line(alert.sentence)
        for condition in found.idle:
            idle = plural(condition.point.idle, "idle host")
            print_line(
                f"{condition.pool}: {idle}, nothing waiting for {duration(condition.minutes)}."
            )
        if not found.alerts and not found.idle:
            notice(f"No pool has been starved or idle for {minutes} minutes.")
    return EXIT_ALERTS if found.alerts else EXIT_OK
