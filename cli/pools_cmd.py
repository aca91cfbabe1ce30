"""``main.py pools ...``: list, show and edit pools and their hosts."""

from __future__ import annotations

import argparse
import time
from typing import Any

from cli import schedule_cmd
from cli.common import EXIT_OK, action_adder
from cli.output import notice, print_json, print_line, print_table
from config.settings import Settings
from pools.job_list import deletion_notice
from pools.json_shapes import change_json, pool_json
from pools.model import Pool, unreadable_warning
from pools.schedules import by_host
from pools.tokens import untypeable_warning
from pools.wording import plural
from storage.connection import open_store


def register(commands: Any) -> None:
    group = commands.add_parser(
        "pools", help="list and edit pools", description="List and edit pools."
    )
    actions, add = action_adder(group, "pools_command")

    add("list", _list, "List every pool with its member count.")
    add("show", _show, "Show one pool and its hosts.").add_argument("name", metavar="NAME")
    create = add("create", _create, "Create an empty pool.")
    create.add_argument("name", metavar="NAME")
    create.add_argument("--description", default="", help="a sentence about the pool")
    create.add_argument(
        "--color", default="", metavar="#RRGGBB", help="the pool's colour on the board"
    )
    rename = add("rename", _rename, "Rename a pool; its hosts stay.")
    rename.add_argument("old", metavar="OLD")
    rename.add_argument("new", metavar="NEW")
    describe = add("describe", _describe, "Set a pool's description.")
    describe.add_argument("name", metavar="NAME")
    describe.add_argument("text", metavar="TEXT")
    color = add("color", _color, "Set a pool's colour (#rrggbb, or '' for the default).")
    color.add_argument("name", metavar="NAME")
    color.add_argument("color", metavar="#RRGGBB")
    add("delete", _delete, "Delete a pool (its history keeps it).").add_argument(
        "name", metavar="NAME"
    )
    for verb, handler, text in (
        ("add", _add, "Add hosts to a pool."),
        ("remove", _remove, "Remove hosts from a pool."),
    ):
        parser = add(verb, handler, text)
        parser.add_argument("name", metavar="NAME")
        parser.add_argument("hosts", metavar="HOST", nargs="+")
    history = add("history", _history, "Show who changed what, newest first.")
    history.add_argument("name", metavar="NAME", nargs="?")
    history.add_argument("--limit", type=int, default=50, help="how many changes (default 50)")
    schedule_cmd.register(actions)


def _warn_unreadable(pools: list[Pool]) -> None:
    warning = unreadable_warning(pools)
    if warning:
        notice(f"Warning: {warning}")


def _trimmed(typed: str, pool: Pool) -> None:
    if typed != pool.name:
        notice(f"The name was trimmed to '{pool.name}'.")


def _when(epoch: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(epoch)) if epoch else "-"


def _report(args: argparse.Namespace, pool: Pool, sentence: str) -> int:
    if args.json:
        print_json(pool_json(pool))
    else:
        print_line(sentence)
    return EXIT_OK


def _list(args: argparse.Namespace, settings: Settings) -> int:
    with open_store(settings) as store:
        pools = store.pools()
    _warn_unreadable(pools)
    if args.json:
        print_json([pool_json(p) for p in pools])
    elif not pools:
        notice("There are no pools yet; create one with 'main.py pools create NAME'.")
    else:
        rows = [(p.name, len(p.hostnames), p.color or "-", p.description) for p in pools]
        print_table(("POOL", "HOSTS", "COLOUR", "DESCRIPTION"), rows)
    return EXIT_OK


def _show(args: argparse.Namespace, settings: Settings) -> int:
    with open_store(settings) as store:
        pool = store.pool(args.name)
    _warn_unreadable([pool])
    if args.json:
        print_json(pool_json(pool))
        return EXIT_OK
    print_line(f"Pool:        {pool.name}")
    print_line(f"Description: {pool.description or '-'}")
    print_line(f"Colour:      {pool.color or 'default'}")
    print_line(
        f"Revision:    {pool.revision} ({_when(pool.updated_at)} by {pool.updated_by or '-'})"
    )
    print_line(f"Hosts ({len(pool.hostnames)}):")
    scheduled = by_host(pool.schedules)
    for host in pool.hostnames:
        if host in scheduled:
            state = "out now" if host not in pool.effective_hostnames else "in now"
            when = "; ".join(s.text() for s in scheduled[host])
            print_line(f"  {host}  (scheduled {when}: {state})")
        else:
            print_line(f"  {host}")
    return EXIT_OK


def _untypeable(pool: Pool) -> None:
    """Artists name pools in hosts masks as @NAME; warn when that cannot work (not refused:
    the board and 'apply' still use the pool)."""
    warning = untypeable_warning(pool.name)
    if warning:
        notice(f"Warning: {warning[:1].lower()}{warning[1:]}")


def _create(args: argparse.Namespace, settings: Settings) -> int:
    with open_store(settings) as store:
        pool = store.create(args.name, description=args.description, color=args.color)
    _trimmed(args.name, pool)
    _untypeable(pool)
    return _report(args, pool, f"Created pool '{pool.name}'.")


def _rename(args: argparse.Namespace, settings: Settings) -> int:
    with open_store(settings) as store:
        pool = store.rename(args.old, args.new)
    _trimmed(args.new, pool)
    _untypeable(pool)
    return _report(args, pool, f"Renamed pool '{args.old}' to '{pool.name}'.")


def _describe(args: argparse.Namespace, settings: Settings) -> int:
    with open_store(settings) as store:
        pool = store.set_description(args.name, args.text)
    return _report(args, pool, f"Description of pool '{pool.name}' set.")


def _color(args: argparse.Namespace, settings: Settings) -> int:
    with open_store(settings) as store:
        pool = store.set_color(args.name, args.color)
    return _report(args, pool, f"Colour of pool '{pool.name}' set to {pool.color or 'default'}.")


def _delete(args: argparse.Namespace, settings: Settings) -> int:
    with open_store(settings) as store:
        bound = store.bindings.bound_to(store.pool_id(args.name))
        pool = store.delete(args.name)
    count = plural(len(pool.hostnames), "host")
    if bound:
        notice(deletion_notice(pool.name, [(b.job_id, b.job_name) for b in bound]))
    return _report(args, pool, f"Deleted pool '{pool.name}' ({count}).")


def _membership(args: argparse.Namespace, settings: Settings, adding: bool) -> int:
    with open_store(settings) as store:
        edit = store.add_hosts if adding else store.remove_hosts
        pool, changed = edit(args.name, args.hosts)
    skipped = [h.strip() for h in args.hosts if h.strip() not in changed]
    relation = "already in" if adding else "not in"
    for host in dict.fromkeys(skipped):
        notice(f"{host} was {relation} pool '{pool.name}'.")
    verb = "Added" if adding else "Removed"
    where = "to" if adding else "from"
    return _report(args, pool, f"{verb} {', '.join(changed)} {where} pool '{pool.name}'.")


def _add(args: argparse.Namespace, settings: Settings) -> int:
    return _membership(args, settings, adding=True)


def _remove(args: argparse.Namespace, settings: Settings) -> int:
    return _membership(args, settings, adding=False)


def _history(args: argparse.Namespace, settings: Settings) -> int:
    with open_store(settings) as store:
        changes = store.history(args.name, limit=args.limit)
    if args.json:
        print_json([change_json(c) for c in changes])
    elif not changes:
        where = f" for pool '{args.name}'" if args.name else ""
        notice(f"No changes recorded{where}.")
    else:
        rows = [(_when(c.ts), c.user or "-", c.describe()) for c in changes]
        print_table(("WHEN", "WHO", "CHANGE"), rows)
    return EXIT_OK
