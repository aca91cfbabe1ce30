"""The service's log: one line per request (the access log) and one per error.

Plain lines for people reading a terminal or journalctl; ``--json`` makes each line a JSON
object for log collectors. Request fields travel in ``extra={"fields": ...}`` so that both
formats print the same facts.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from typing import TextIO

from agent.config import LOGGER_NAME as AGENT_LOGGER_NAME

LOGGER_NAME = "afpools.poolserver"
ACCESS_LOGGER_NAME = "afpools.poolserver.access"
LOGGER_NAMES = (LOGGER_NAME, AGENT_LOGGER_NAME)


class JsonLinesFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "ts": round(record.created, 3),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            line.update(fields)
        if record.exc_info:
            line["traceback"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


class PlainFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(message)s", "%Y-%m-%d %H:%M:%S")
        self.converter = time.localtime


def setup_logging(*, json_lines: bool = False, stream: TextIO | None = None) -> logging.Handler:
    """Send the service's and the agent's loggers to ``stream`` (stderr); returns the
    handler to remove it."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonLinesFormatter() if json_lines else PlainFormatter())
    for name in LOGGER_NAMES:
        logger = logging.getLogger(name)
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    return handler


def remove_logging(handler: logging.Handler) -> None:
    """Undo ``setup_logging``: the loggers pass their records on again, as before it."""
    for name in LOGGER_NAMES:
        logger = logging.getLogger(name)
        logger.removeHandler(handler)
        if not logger.handlers:
            logger.propagate = True
            logger.setLevel(logging.NOTSET)
    handler.close()
