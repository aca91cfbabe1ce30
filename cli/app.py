"""Argument parsing, settings and the one place where errors become a sentence and exit 1."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Any

from cli import (
    afstarter_cmd,
    agent_cmd,
    alerts_cmd,
    apply_cmd,
    blender_cmd,
    jobs_cmd,
    keeper_cmd,
    mask_cmd,
    native_cmd,
    natron_cmd,
    pools_cmd,
    pymongo_cmd,
    renders_cmd,
    scan_cmd,
    serve_cmd,
    settings_cmd,
)
from cli.common import EXIT_BUG, EXIT_INTERRUPTED, EXIT_OK, EXIT_USER_ERROR, Handler, Parser
from cli.output import notice
from config.redaction import has_secret, redact
from config.settings import Settings, load_settings, settings_file_path
from manager.display import display_problem
from pools.errors import AfpoolsError


def build_parser() -> Parser:
    parser = Parser(
        prog="main.py",
        description="Render pools for CGRU's Afanasy. Without a command, opens the pool board.",
        epilog="Run 'main.py COMMAND --help' for the options of a command.",
    )
    parser.add_argument(
        "--mongodb-uri", metavar="URI", help="MongoDB to use (default: settings, else embedded)"
    )
    parser.add_argument(
        "--afserver", metavar="HOST[:PORT]", help="afserver to use (default: settings, CGRU config)"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for module in (
        pools_cmd,
        renders_cmd,
        native_cmd,
        mask_cmd,
        apply_cmd,
        jobs_cmd,
        agent_cmd,
        alerts_cmd,
        scan_cmd,
        serve_cmd,
        settings_cmd,
        keeper_cmd,
        blender_cmd,
        natron_cmd,
        afstarter_cmd,
        pymongo_cmd,
    ):
        module.register(commands)
    return parser


def split_address(text: str) -> tuple[str, str]:
    """HOST, HOST:PORT, an IPv6 address, or [IPv6]:PORT -> (host, port or '')."""
    text = text.strip()
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        return host, rest[1:] if rest.startswith(":") else rest
    if text.count(":") == 1:
        host, _, port = text.partition(":")
        return host, port
    return text, ""  # a name, or a bare IPv6 address


def _warn_about_visible_secret(uri: str | None) -> None:
    """A command line is readable by every local user (``ps``, /proc): say where it belongs."""
    if uri and has_secret(uri):
        notice(
            "The --mongodb-uri password can be read by every user of this machine (ps); "
            f"set AFPOOLS_MONGODB_URI or mongodb_uri in {settings_file_path()} instead."
        )


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    _warn_about_visible_secret(args.mongodb_uri)
    overrides: dict[str, Any] = {"mongodb_uri": args.mongodb_uri}
    if args.afserver is not None:
        host, port = split_address(args.afserver)
        if not host:
            raise AfpoolsError(f"--afserver needs a host name or address, not {args.afserver!r}.")
        overrides["afserver_host"] = host
        if port:
            overrides["afserver_port"] = port
    return overrides


def _board(args: argparse.Namespace, settings: Settings) -> int:
    """No command: the pool board (Qt is imported only here)."""
    problem = display_problem()
    if problem:
        raise AfpoolsError(problem)
    from manager.app import run_board  # Qt, once there is a screen for it

    return run_board(settings)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = getattr(args, "handler", None) or _board
    try:
        settings = load_settings(overrides=_overrides(args))
        for warning in settings.warnings:
            notice(warning)
        return handler(args, settings)
    except AfpoolsError as error:
        notice(redact(str(error)))
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `main.py renders | head`: the reader has all it wanted
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except Exception as error:  # a bug: still one sentence, the traceback on request
        if os.environ.get("AFPOOLS_DEBUG"):
            raise
        notice(
            f"Unexpected error ({type(error).__name__}: {redact(str(error))}); "
            "run again with AFPOOLS_DEBUG=1 to see where it happened."
        )
        return EXIT_BUG
