"""What every command of ``main.py`` shares: exit codes, the parser, the ``--json`` flag."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any, NoReturn

from config.settings import Settings

Handler = Callable[[argparse.Namespace, Settings], int]

EXIT_OK = 0
EXIT_USER_ERROR = 1
EXIT_BUG = 2
EXIT_ALERTS = 3  # main.py alerts: a pool is starved (for cron)
EXIT_INTERRUPTED = 130


class Parser(argparse.ArgumentParser):
    """argparse that reports a usage mistake in one sentence and exits 1, like other errors."""

    def error(self, message: str) -> NoReturn:
        print(f"{self.prog}: {message} (see '{self.prog} --help').", file=sys.stderr)
        raise SystemExit(EXIT_USER_ERROR)


def json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")


AddAction = Callable[[str, Handler, str], argparse.ArgumentParser]


def action_adder(group: argparse.ArgumentParser, dest: str) -> tuple[Any, AddAction]:
    """The actions of a command group (``pools list``), and ``add(name, handler, help)`` for
    one that prints its help as its description and has ``--json``."""
    actions = group.add_subparsers(dest=dest, metavar="ACTION", required=True, parser_class=Parser)

    def add(name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = actions.add_parser(
            name, help=help_text, description=help_text
        )
        parser.set_defaults(handler=handler)
        json_flag(parser)
        return parser

    return actions, add
