"""``main.py renders``: the farm's renders with their state, address and pools."""

from __future__ import annotations

import argparse
from typing import Any

from afserver.connect import client_for
from afserver.renders import hosts_from_renders
from cli.common import EXIT_OK, json_flag
from cli.output import notice, print_json, print_table
from config.settings import Settings
from pools.host_merge import merge_hosts
from pools.json_shapes import host_json
from pools.model import memberships
from pools.wording import memory_text, state_text
from storage.connection import open_store


def register(commands: Any) -> None:
    text = "List afserver's renders with state, IP and the pools each is in."
    parser = commands.add_parser("renders", help=text, description=text)
    json_flag(parser)
    parser.set_defaults(handler=_renders)


def _renders(args: argparse.Namespace, settings: Settings) -> int:
    client = client_for(settings)
    renders = hosts_from_renders(client.renders(), client.render_resources())
    with open_store(settings) as store:
        pools, known = store.pools(), store.known_hosts()
    member_of = memberships(pools)
    merged = merge_hosts(renders, known, pools)  # what the board and the service show
    hosts = [merged[h.name] for h in renders]
    if args.json:
        print_json([host_json(h, member_of.get(h.name, ())) for h in hosts])
        return EXIT_OK
    if not hosts:
        notice(f"afserver at {client.address} has no renders.")
        return EXIT_OK
    rows = [
        (
            h.name,
            state_text(h, short=True),
            h.ip or "-",
            h.cpu_num or "-",
            memory_text(h.mem_total_mb) or "-",
            ", ".join(member_of.get(h.name, ())) or "-",
        )
        for h in hosts
    ]
    print_table(("RENDER", "STATE", "IP", "CORES", "MEMORY", "POOLS"), rows)
    return EXIT_OK
