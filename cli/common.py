"""What every command of ``main.py`` shares: exit codes, the parser, the ``--json`` flag."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import NoReturn

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
