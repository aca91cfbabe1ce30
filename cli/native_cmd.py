"""``main.py native ...``: afserver's own pool tree (CGRU 3.0+), beside our pools.

Every command reads afserver first and changes it through ``afserver.native``: a move is one
action whatever the number of renders, and what happened is read back, render by render.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from afserver.connect import client_for
from afserver.native import NativePools
from cli.common import EXIT_OK, EXIT_USER_ERROR, action_adder
from cli.output import notice, print_json, print_line, print_table
from config.settings import Settings
from pools.errors import AfpoolsError
from pools.json_shapes import move_json, native_tree_json
from pools.native import NativeTree, created_sentence, names_text
from pools.native_moves import (
    FromPoolPlan,
    MoveResult,
    consent_question,
    from_pool_sentence,
    left_behind,
    plan_from_pool,
)
from pools.native_paths import depth, parse_path, path_for_pool
from pools.wording import plural
from storage.connection import open_store


def register(commands: Any) -> None:
    group = commands.add_parser(
        "native",
        help="afserver's native pools (CGRU 3.0+)",
        description="List and change afserver's own pool tree (CGRU 3.0 and newer).",
    )
    _, add = action_adder(group, "native_command")

    add("list", _list, "List the native pool tree: each pool's renders and counters.")
    add("create", _create, "Create a native pool, and its parents where missing.").add_argument(
        "path", metavar="PATH", help="like /gpu or /cpu/big"
    )
    add("delete", _delete, "Delete an empty native pool.").add_argument("path", metavar="PATH")
    move = add("move", _move, "Move renders into a native pool (one afserver action).")
    move.add_argument("path", metavar="PATH")
    move.add_argument("renders", metavar="RENDER", nargs="+")
    from_pool = add(
        "from-pool",
        _from_pool,
        "Make a native pool from one of our pools: create it and move its idle renders there.",
    )
    from_pool.add_argument("pool", metavar="POOL", help="one of our pools")
    from_pool.add_argument(
        "path", metavar="PATH", nargs="?", help="default: /POOL with other characters as '_'"
    )
    from_pool.add_argument(
        "--yes", action="store_true", help="move renders out of other native pools without asking"
    )


def _native(settings: Settings) -> NativePools:
    return NativePools(client_for(settings))


# -- list --------------------------------------------------------------------------------


def _list(args: argparse.Namespace, settings: Settings) -> int:
    tree = _native(settings).tree()
    if args.json:
        print_json(native_tree_json(tree))
        return EXIT_OK
    rows = []
    for pool in tree.pools.values():
        counts = pool.counters
        rows.append(
            (
                "  " * depth(pool.path) + pool.path,
                len(pool.renders),
                counts.renders_total,
                counts.renders_online,
                counts.renders_busy,
                counts.renders_nimby,
                counts.renders_paused,
                counts.renders_offline,
                ", ".join(pool.renders) or "-",
            )
        )
    headers = ("POOL", "OWN", "TOTAL", "ONLINE", "BUSY", "NIMBY", "PAUSED", "OFFLINE", "RENDERS")
    print_table(headers, rows)
    _warn_unplaced(tree)
    return EXIT_OK


def _warn_unplaced(tree: NativeTree) -> None:
    if tree.unplaced:
        shown = names_text(f"{name} ({tree.pool_of(name)})" for name in tree.unplaced)
        count = plural(len(tree.unplaced), "render")
        notice(f"afserver lists {count} in pools it does not list itself: {shown}.")


# -- create and delete -------------------------------------------------------------------


def _create(args: argparse.Namespace, settings: Settings) -> int:
    path = parse_path(args.path)
    created = _native(settings).create(path)
    if args.json:
        print_json({"path": path, "created": list(created)})
    else:
        print_line(created_sentence(path, created))
    return EXIT_OK


def _delete(args: argparse.Namespace, settings: Settings) -> int:
    path = parse_path(args.path)
    _native(settings).delete(path)
    if args.json:
        print_json({"path": path, "deleted": True})
    else:
        print_line(f"Deleted native pool '{path}'.")
    return EXIT_OK


# -- moves -------------------------------------------------------------------------------


def _move(args: argparse.Namespace, settings: Settings) -> int:
    result = _native(settings).move(parse_path(args.path), args.renders)
    if args.json:
        print_json(move_json(result))
    else:
        _report_move(result)
    return EXIT_OK if result.all_arrived else EXIT_USER_ERROR


def _report_move(result: MoveResult) -> None:
    """The summary on stdout; each render that did not move, and why, on stderr."""
    print_line(result.summary())
    for outcome in result.failed:
        notice(f"{outcome.name}: {outcome.reason}")


def _from_pool(args: argparse.Namespace, settings: Settings) -> int:
    with open_store(settings) as store:
        pool = store.pool(args.pool)
    path = parse_path(args.path) if args.path else path_for_pool(pool.name)
    native = _native(settings)
    plan = plan_from_pool(native.tree(), pool.name, pool.hostnames, path)
    if plan.needs_consent and not args.yes:
        _ask_consent(plan, interactive=not args.json)
    created = native.ensure(path)
    result = native.move(path, plan.move) if plan.move else None
    if args.json:
        print_json(_from_pool_json(plan, created, result))
    else:
        print_line(from_pool_sentence(plan, created))
        if result is not None:
            _report_move(result)
        _report_left(plan)
    return EXIT_OK if result is None or result.all_arrived else EXIT_USER_ERROR


def _ask_consent(plan: FromPoolPlan, *, interactive: bool) -> None:
    """Taking renders out of a native pool someone made on purpose asks first."""
    question = consent_question(plan)
    if not interactive or not sys.stdin.isatty():
        raise AfpoolsError(f"{question}; run again with --yes to move them.")
    print(f"{question}. Move them? [y/N] ", end="", file=sys.stderr, flush=True)
    answer = sys.stdin.readline().strip().lower()
    if answer not in ("y", "yes"):
        raise AfpoolsError("Nothing was changed.")


def _report_left(plan: FromPoolPlan) -> None:
    for text in left_behind(plan):
        notice(text)


def _from_pool_json(
    plan: FromPoolPlan, created: tuple[str, ...], result: MoveResult | None
) -> dict[str, Any]:
    return {
        "pool": plan.pool,
        "path": plan.path,
        "created": list(created),
        "move": move_json(result) if result is not None else None,
        "already": list(plan.already),
        "busy": list(plan.busy),
        "not_renders": list(plan.not_renders),
    }
