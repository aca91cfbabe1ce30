"""JSON sent by clients, parsed with a bound on how deeply it nests.

Python's json module recurses once per level, so about a thousand ``[`` (a 3 KB request)
raise RecursionError: not a ValueError, so it escaped as a traceback and the client got no
answer or a 500. No request of the service nests more than a few levels; deeper input is
refused before it is parsed, cheaply (regular expressions, no Python loop per byte).
"""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any

MAX_DEPTH = 32
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(rb"[^\[\]{}]+")
_STEP = [0] * 256
for _opening in b"[{":
    _STEP[_opening] = 1
for _closing in b"]}":
    _STEP[_closing] = -1


class TooDeepError(ValueError):
    """The JSON nests deeper than ``limit`` arrays and objects."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"The JSON nests deeper than {limit} levels.")
        self.limit = limit


def nesting_depth(raw: bytes) -> int:
    """The deepest nesting of arrays and objects; brackets inside strings do not count."""
    brackets = _NOT_BRACKET.sub(b"", _STRING.sub(b"", raw))
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


def load_json(raw: bytes, max_depth: int = MAX_DEPTH) -> Any:
    """The parsed value; ValueError if it is not JSON (TooDeepError if it nests too deeply)."""
    if nesting_depth(raw) > max_depth:
        raise TooDeepError(max_depth)
    return json.loads(raw)
