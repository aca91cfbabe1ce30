"""``main.py mask``: the exact regex host mask of a pool, or of hostnames in a file."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from afserver.connect import client_for
from afserver.renders import hosts_from_renders
from cli.common import EXIT_OK, json_flag
from cli.output import print_json, print_line
from config.settings import Settings
from pools.errors import AfpoolsError, InvalidNameError
from pools.host_merge import merge_hosts
from pools.masks import exclude_mask, include_mask
from pools.model import normalize_hostname
from storage.connection import open_store

DESCRIPTION = """\
Print a regex host mask (hosts_mask_type "regex") on stdout, the mask alone.
The include mask matches exactly the pool's hosts. The exclude mask matches every known
render that is not in the pool: afserver's renders, hosts found by scans and the hosts of
other pools, or the names in --all-file."""


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "mask",
        help="print a pool's exact regex host mask",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("pool", metavar="POOL", nargs="?", help="pool name")
    parser.add_argument(
        "--hosts-file", type=Path, metavar="FILE", help="hostnames, one per line, instead of a pool"
    )
    parser.add_argument("--exclude", action="store_true", help="print the exclude mask instead")
    parser.add_argument(
        "--all-file", type=Path, metavar="FILE", help="every render, one per line (for --exclude)"
    )
    json_flag(parser)
    parser.set_defaults(handler=_mask)


def read_hostnames(path: Path) -> list[str]:
    """Hostnames of a file: one per line; blank lines and # comments are skipped."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise AfpoolsError(f"The file {path} cannot be read: {error.args[-1]}.") from None
    names: list[str] = []
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        try:
            names.append(normalize_hostname(text))
        except InvalidNameError as error:
            raise InvalidNameError(f"{path} line {number}: {error}") from None
    return names


def _known_names(settings: Settings, args: argparse.Namespace, pool_hosts: list[str]) -> list[str]:
    if args.all_file is not None:
        return read_hostnames(args.all_file)
    renders = hosts_from_renders(client_for(settings).renders())
    if args.pool is None:
        return [h.name for h in renders] + pool_hosts
    with open_store(settings) as store:
        known, pools = store.known_hosts(), store.pools()
    return list(merge_hosts(renders, known, pools))  # the names the service excludes too


def _mask(args: argparse.Namespace, settings: Settings) -> int:
    if (args.pool is None) == (args.hosts_file is None):
        raise AfpoolsError("Name a pool or give --hosts-file, not both and not neither.")
    if args.all_file is not None and not args.exclude:
        raise AfpoolsError("--all-file is only used with --exclude.")
    if args.pool is not None:
        with open_store(settings) as store:
            members = list(store.pool(args.pool).effective_hostnames)  # in the pool now
    else:
        members = read_hostnames(args.hosts_file)
    if args.exclude:
        mask = exclude_mask(members, _known_names(settings, args, members))
    else:
        mask = include_mask(members)
    if args.json:
        kind = "exclude" if args.exclude else "include"
        print_json({"kind": kind, "hosts_mask_type": "regex", "mask": mask, "hosts": len(members)})
    else:
        print_line(mask)
    return EXIT_OK
