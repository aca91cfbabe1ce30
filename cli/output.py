"""Plain tables for people, JSON for scripts; stored text never drives the terminal.

Pool names, descriptions, hostnames and history users come from the database, where the
2019 tool, an HTTP write or another program may have put escape sequences. Printed raw, an
ESC sequence recolours or clears the terminal, moves the cursor or sets the window title;
a bidirectional override reorders what the admin reads. Every line a command prints for
people goes through :func:`terminal_safe`.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Sequence
from typing import Any

# C0 and C1 controls with DEL, line and paragraph separators, and the bidirectional marks,
# embeddings, overrides and isolates. Everything else (accents, CJK, emoji) prints as it is.
_BEYOND_C0 = "\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069"
_UNSAFE = re.compile(f"[\x00-\x1f{_BEYOND_C0}]")
# json.dumps escapes C0 controls inside strings itself; raw ones in its text are layout.
_UNSAFE_IN_JSON = re.compile(f"[{_BEYOND_C0}]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def terminal_safe(text: object) -> str:
    """``text`` with every character that could drive a terminal written as an escape."""
    return _UNSAFE.sub(_escape, str(text))


def print_line(text: object) -> None:
    """One line of a command's output, on stdout."""
    print(terminal_safe(text))


def print_json(data: Any) -> None:
    # The characters left can only occur inside strings, where \\uXXXX is the same text.
    text = json.dumps(data, indent=2, ensure_ascii=False)
    sys.stdout.write(_UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")


def print_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Columns padded to their widest cell; the last column is never padded."""
    cells = [[terminal_safe(c) for c in headers]] + [
        [terminal_safe(c) for c in row] for row in rows
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for row in cells:
        line = "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        print(line.rstrip())


def notice(sentence: str) -> None:
    """A remark that is not the command's output: stderr, so pipes stay clean."""
    print(terminal_safe(sentence), file=sys.stderr)
