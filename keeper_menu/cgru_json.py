"""A CGRU config file as text we can edit without losing anything the user wrote.

CGRU's files repeat the "" key for comments, so an object is kept as its key/value pairs in
order. Writing puts one key per line, tab-indented, as CGRU's own files are.
"""

from __future__ import annotations

import json
import time
from typing import Any


class Pairs(list[tuple[str, Any]]):
    """A JSON object as its key/value pairs: CGRU configs repeat the "" comment key."""


def load(text: str) -> Pairs:
    data = json.loads(text, object_pairs_hook=Pairs)
    if not isinstance(data, Pairs):
        raise ValueError("the top level is not an object")
    return data


def dump(value: Any, *, ascii_only: bool, indent: int = 0) -> str:
    """``ascii_only`` escapes other characters: CGRU 3.4.1 reads its config in the
    locale's code page, which on Windows is not UTF-8."""
    pad, inner = "\t" * indent, "\t" * (indent + 1)
    if isinstance(value, Pairs):
        if not value:
            return "{}"
        items = [
            f"{inner}{json.dumps(k, ensure_ascii=ascii_only)}:"
            f"{dump(v, ascii_only=ascii_only, indent=indent + 1)}"
            for k, v in value
        ]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, list):
        return (
            "[" + ",".join(dump(v, ascii_only=ascii_only, indent=indent + 1) for v in value) + "]"
        )
    return json.dumps(value, ensure_ascii=ascii_only)


def section(data: Pairs) -> Pairs:
    """The ``cgru_config`` object, created the way CGRU creates it when there is none."""
    for key, value in data:
        if key == "cgru_config" and isinstance(value, Pairs):
            return value
    created = Pairs([("", f"Created by afpools install-keeper at {time.ctime()}")])
    data.append(("cgru_config", created))
    return created


def set_where_read(pairs: Pairs, key: str, value: str, tags: frozenset[str]) -> None:
    """Set ``key`` where CGRU reads it last on this platform (the object itself or one of its
    matching ``OS_`` sections, in the order of the text), so that no later copy undoes ours
    and the values for other platforms stay; add it when there is none."""
    places = _places(pairs, key, tags)
    if not places:
        pairs.append((key, value))
        return
    owner, index = places[-1]
    owner[index] = (key, value)


def _places(pairs: Pairs, key: str, tags: frozenset[str]) -> list[tuple[Pairs, int]]:
    found: list[tuple[Pairs, int]] = []
    for index, (name, value) in enumerate(pairs):
        if name == key:
            found.append((pairs, index))
        elif name.startswith("OS_") and name[3:] in tags and isinstance(value, Pairs):
            found += _places(value, key, tags)
    return found
