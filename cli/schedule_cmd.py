"""``main.py pools schedule POOL add|list|remove``: members that follow the clock."""

from __future__ import annotations

import argparse
import datetime as dt
import time
from typing import Any

from cli.common import EXIT_OK, action_adder
from cli.output import notice, print_json, print_line, print_table
from config.settings import Settings
from config.timezone import farm_zone, zone_name
from pools.errors import AfpoolsError
from pools.model import Pool
from pools.schedules import Schedule, by_host, next_change, window
from storage.connection import open_store

DESCRIPTION = """\
Give pool members windows of time in which they are in the pool, in the farm's time zone
(the farm_timezone setting; empty is the local zone of the machine that runs the agent):
'add ws-01 ws-02 --from 20:00 --to 07:00 --days mon-fri' puts them in from 20:00 to 07:00
the next morning, Monday to Friday nights; '--days sat,sun --from 00:00 --to 24:00' all
weekend; '--away' while the user is away (afserver shows the render out of nimby). A member
may have several windows; outside all of them it is out of the pool. The agent applies them
at their boundaries: jobs bound to the pool are rewritten within a pass, a host that leaves
finishes the task it runs, and the stored membership never changes. Days: mon, tue, wed,
thu, fri, sat, sun, ranges (mon-fri) and commas (sat,sun), or all (the default)."""


def register(pools_actions: Any) -> None:
    parser = pools_actions.add_parser(
        "schedule",
        help="when members are in a pool (night-time membership)",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("pool", metavar="POOL")
    _, add_action = action_adder(parser, "schedule_action")
    add = add_action("add", _add, "give members a window (or --away)")
    add.add_argument("hosts", metavar="HOST", nargs="+")
    add.add_argument("--from", dest="start", metavar="HH:MM", help="when the window opens")
    add.add_argument("--to", dest="end", metavar="HH:MM", help="when it closes (24:00 allowed)")
    add.add_argument("--days", default="all", help="the days it opens on (default: all)")
    add.add_argument(
        "--away", action="store_true", help="in while the user is away (render not in nimby)"
    )
    add_action("list", _list, "the pool's schedules, and who is in now")
    remove = add_action("remove", _remove, "take members' schedules away (always in)")
    remove.add_argument("hosts", metavar="HOST", nargs="+")


def _add(args: argparse.Namespace, settings: Settings) -> int:
    if args.away and (args.start or args.end):
        raise AfpoolsError("--away is a schedule of its own: give it without --from and --to.")
    if not args.away and not (args.start and args.end):
        raise AfpoolsError("A schedule needs --from HH:MM and --to HH:MM (or --away).")
    chosen = None if args.away else window(args.start, args.end, args.days)
    zone = farm_zone(settings)
    with open_store(settings) as store:
        pool, hosts = store.add_schedule(args.pool, args.hosts, chosen)
    if args.json:
        print_json(_schedules_json(pool, zone))
        return EXIT_OK
    when = Schedule("", chosen).text()
    where = "" if chosen is None else f" ({zone_name(zone)} time)"
    print_line(f"{', '.join(hosts)} in pool '{pool.name}' {when}{where}; the agent applies it.")
    return EXIT_OK


def _remove(args: argparse.Namespace, settings: Settings) -> int:
    zone = farm_zone(settings)
    with open_store(settings) as store:
        pool, hosts = store.remove_schedule(args.pool, args.hosts)
    if args.json:
        print_json(_schedules_json(pool, zone))
    else:
        print_line(f"{', '.join(hosts)} in pool '{pool.name}' at all times now.")
    return EXIT_OK


def _list(args: argparse.Namespace, settings: Settings) -> int:
    zone = farm_zone(settings)
    with open_store(settings) as store:
        pool = store.pool(args.pool)
    shown = _schedules_json(pool, zone)
    if args.json:
        print_json(shown)
    elif not shown:
        notice(f"No member of pool '{pool.name}' has a schedule.")
    else:
        print_line(f"Times are {zone_name(zone)} time.")
        print_table(
            ("HOST", "IN THE POOL", "NOW", "NEXT CHANGE"),
            [
                (s["host"], "; ".join(s["when"]), "out" if s["out"] else "in", s["next_text"])
                for s in shown
            ],
        )
    return EXIT_OK


def _schedules_json(pool: Pool, zone: dt.tzinfo) -> list[dict[str, Any]]:
    """One object per scheduled member: its windows, whether it is out now (as the agent
    applied it) and when its clock windows next change."""
    now = time.time()
    shown = []
    for host, entries in by_host(pool.schedules).items():
        windows = [s.window for s in entries if s.window is not None]
        change = next_change(windows, now, zone)
        shown.append(
            {
                "host": host,
                "when": [s.text() for s in entries],
                "away": any(s.window is None for s in entries),
                "member": host in pool.hostnames,
                "out": host in pool.schedule_out,
                "next_change": change,
                "next_text": _moment(change, zone) if change is not None else "-",
            }
        )
    return shown


def _moment(moment: float, zone: dt.tzinfo) -> str:
    return dt.datetime.fromtimestamp(moment, zone).strftime("%a %Y-%m-%d %H:%M")
