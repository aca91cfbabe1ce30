"""Paths of Afanasy's native pools: what afpools accepts, and how one of our pools maps to one.

afserver (CGRU 3.0+) names a native pool by its path from the root: ``/``, ``/gpu``,
``/cpu/big``. A new pool is added to its parent under a single name, and afserver replaces
every character of that name outside ``0``-``z`` with ``_`` (``libafanasy/pool.cpp``); that
range still holds ``[``, ``\\``, ``^`` and ``@``. afpools accepts only ``[A-Za-z0-9_]`` in a
part, so the path it asks for is the path afserver makes, and a path is also an exact
action mask once escaped.
"""

from __future__ import annotations

import re

from pools.errors import InvalidNameError

ROOT = "/"
_PART = re.compile(r"[A-Za-z0-9_]+")
_NOT_KEPT = re.compile(r"[^A-Za-z0-9_]")
_KEPT_TEXT = "letters A-Z and a-z, digits and '_'"


class NativePathError(InvalidNameError):
    """A native pool path afpools will not send to afserver; ``str()`` says why."""


def parse_path(text: str) -> str:
    """The path, checked; surrounding spaces are dropped. Raises ``NativePathError``."""
    path = text.strip()
    problem = path_problem(path)
    if problem:
        raise NativePathError(problem)
    return path


def path_problem(path: str) -> str:
    """One sentence on what is wrong with ``path``, or '' when afserver would keep it as is."""
    if not path:
        return "A native pool path cannot be empty; write one like '/gpu' or '/cpu/big'."
    if not path.startswith(ROOT):
        return f"The native pool path '{path}' must start at the root '/', like '/gpu'."
    if path == ROOT:
        return ""
    if path.endswith("/"):
        return f"The native pool path '{path}' ends with '/'; leave the last '/' out."
    parts = path[1:].split("/")
    if "" in parts:
        return f"The native pool path '{path}' has '//' in it; write one '/' between two names."
    for part in parts:
        if part in (".", ".."):
            return (
                f"The native pool path '{path}' has '{part}' in it; write the whole path "
                "from the root instead."
            )
    for part in parts:
        if not _PART.fullmatch(part):
            bad = _NOT_KEPT.search(part)
            shown = bad.group() if bad else part
            return (
                f"The native pool path '{path}' has '{shown}' in '{part}'; afserver pool "
                f"names keep only {_KEPT_TEXT}."
            )
    return ""


def child_path(parent: str, name: str) -> str:
    """``/cpu/small`` for the name ``small`` under ``/cpu`` (surrounding spaces dropped)."""
    return (parent if parent != ROOT else "") + "/" + name.strip()


def name_problem(name: str) -> str:
    """One sentence on what is wrong with one pool's name (what ``add_pool`` is given), or ''.
    A name is one level: ``/``, ``.`` and ``..`` are refused like any other character afserver
    would change, so that a name never makes more pools, or others, than the one asked for."""
    name = name.strip()
    if not name:
        return "A native pool needs a name, like 'gpu' or 'big'."
    bad = _NOT_KEPT.search(name)
    if bad is None:
        return ""
    return (
        f"The name '{name}' has '{bad.group()}' in it; afserver pool names keep only {_KEPT_TEXT}."
    )


def path_for_pool(name: str) -> str:
    """The native path for one of our pools: ``/`` and its name, every character afpools
    does not accept in a path (``-``, ``.``, spaces, accents) mapped to ``_``."""
    return ROOT + _NOT_KEPT.sub("_", name.strip())


def parent_path(path: str) -> str:
    """``/cpu`` for ``/cpu/big``, ``/`` for ``/gpu``, '' for the root."""
    if path == ROOT:
        return ""
    parent = path.rsplit("/", 1)[0]
    return parent or ROOT


def leaf_name(path: str) -> str:
    """The last part (what ``add_pool`` is given): ``big`` for ``/cpu/big``."""
    return path.rsplit("/", 1)[-1]


def lineage(path: str) -> tuple[str, ...]:
    """The root, every ancestor and the path itself, outermost first."""
    if path == ROOT:
        return (ROOT,)
    parts = path[1:].split("/")
    return (ROOT, *("/" + "/".join(parts[: depth + 1]) for depth in range(len(parts))))


def depth(path: str) -> int:
    """0 for the root, 1 for ``/gpu``, 2 for ``/cpu/big``."""
    return 0 if path == ROOT else path.count("/")


def tree_order(path: str) -> tuple[str, ...]:
    """Sort key that puts every pool right after its parent, siblings by name."""
    return tuple(path.split("/")[1:]) if path != ROOT else ()
