"""Words the board's texts share; the controller itself became the sessions (session.py).

``plural`` moves to a Qt-free module of its own; until then it waits here.
"""

from __future__ import annotations


def plural(count: int, noun: str, nouns: str = "") -> str:
    """ "1 host", "2 hosts"; irregular plurals as a second word ("change is", "changes are")."""
    if count == 1:
        return f"{count} {noun}"
    return f"{count} {nouns or noun + 's'}"
