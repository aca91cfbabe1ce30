"""``main.py serve``: run the pool service, or ``--configure`` it interactively."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from typing import Any

from cli.common import EXIT_OK, json_flag
from config.settings import Settings
from manager.display import display_problem
from pools.errors import AfpoolsError

DESCRIPTION = """\
Run the pool service: an HTTP/JSON API for render plugins (GET /v1/pools, /v1/pools/NAME,
/v1/pools/NAME/mask, /v1/hosts, /v1/jobs, /v1/health) and the 2019 'GET POOLS' protocol for
plugins already deployed. Answers come from memory, refreshed when the pools change. Beside
it runs the agent of 'main.py agent' (see its --help for the @pool tokens), a standby while
another agent holds the lease; --no-agent leaves it out. It logs one line per request on
stderr; stop it with Ctrl+C or SIGTERM. --configure asks for the address, ports, TLS files,
the 2019 listener and the write token, and saves them."""


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "serve",
        help="run the pool service for render plugins",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", metavar="H", help="address to listen on (default: settings)")
    parser.add_argument("--port", metavar="P", type=_port, help="HTTP port (default: settings)")
    parser.add_argument(
        "--legacy-port",
        metavar="Q",
        type=_port,
        help="port of the 2019 protocol; 0 switches it off (default: settings)",
    )
    parser.add_argument(
        "--no-agent",
        action="store_true",
        help="leave the agent out (another 'main.py agent' or service keeps the jobs' masks)",
    )
    parser.add_argument(
        "--configure", action="store_true", help="set the service up interactively and exit"
    )
    parser.add_argument(
        "--gui", action="store_true", help="with --configure: a dialog instead of questions"
    )
    json_flag(parser)
    parser.set_defaults(handler=_serve)


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"a port is a number from 0 to 65535, not {text!r}")
    return int(text)


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    if args.configure and args.gui:
        if display_problem():  # Qt would abort the whole process without a screen
            raise AfpoolsError(
                "There is no display to open the set-up dialog on: run it in a desktop "
                "session or set DISPLAY, or leave out --gui to answer questions here."
            )
        from manager.service_dialog import run_dialog

        return run_dialog(settings)
    if args.configure:
        from cli.serve_configure import configure

        return configure(settings)
    overrides = {
        "service_host": args.host,
        "service_port": args.port,
        "service_legacy_port": args.legacy_port,
        "service_agent": False if args.no_agent else None,
    }
    settings = dataclasses.replace(
        settings, **{k: v for k, v in overrides.items() if v is not None}
    )
    from poolserver.logs import remove_logging, setup_logging
    from poolserver.service import PoolService, run_service

    def ready(service: PoolService) -> None:
        rows = service.endpoints()
        if args.json:
            print(_json_line({"listening": dict(rows)}), flush=True)
            return
        print("afpools pool service", flush=False)
        for label, where in rows:
            print(f"  {label + ':':<15} {where}")
        print("Stop it with Ctrl+C.", flush=True)

    handler = setup_logging(json_lines=args.json)
    try:
        run_service(settings, ready)
    finally:
        remove_logging(handler)
    print("The pool service stopped.", file=sys.stderr)
    return EXIT_OK


def _json_line(data: Any) -> str:
    import json

    return json.dumps(data, ensure_ascii=False)
