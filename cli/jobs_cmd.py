"""``main.py jobs``: the afserver jobs that pools concern: bound, waiting, or refused."""

from __future__ import annotations

import argparse
from typing import Any

from cli.common import EXIT_OK, json_flag
from cli.output import notice, print_json, print_table
from config.settings import Settings
from pools.errors import PoolNotFoundError
from pools.job_list import status_text
from pools.jobs import Decision, listed
from pools.json_shapes import job_json

DESCRIPTION = """\
List afserver's jobs that hold pool tokens (@pool) or were given to 'main.py apply': the
pools each is bound to, its state and running tasks, and the jobs that wait because a token
names no pool. Reads afserver and the database; changes nothing."""


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "jobs",
        help="list the jobs bound to pools, or waiting for one",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--pool", metavar="P", help="only the jobs bound to pool P")
    parser.add_argument(
        "--waiting", action="store_true", help="only the jobs whose token names no pool"
    )
    json_flag(parser)
    parser.set_defaults(handler=_jobs)


def _jobs(args: argparse.Namespace, settings: Settings) -> int:
    from agent.standalone import standalone_agent

    with standalone_agent(settings, writes=False) as agent:
        result = agent.engine.run(write=False)  # the table says what the log would
    if args.pool is not None and (result.index is None or args.pool not in result.index.by_name):
        raise PoolNotFoundError(f"There is no pool named '{args.pool}'.")
    shown = listed(result.decisions, pool=args.pool, waiting=args.waiting)
    if args.json:
        print_json([job_json(d) for d in shown])
    elif not shown:
        notice(_nothing(args))
    else:
        print_table(
            ("JOB", "NAME", "USER", "STATE", "RUNNING", "POOLS", "STATUS"),
            [_row(d) for d in shown],
        )
    return EXIT_OK


def _row(decision: Decision) -> tuple[object, ...]:
    job = decision.job
    pools = ", ".join(decision.pools) or "-"
    row = (job.id, job.name, job.user or "-", job.state or "-", job.running, pools)
    return (*row, status_text(decision))


def _nothing(args: argparse.Namespace) -> str:
    if args.waiting:
        return "No job waits for a pool."
    if args.pool is not None:
        return f"No job is bound to pool '{args.pool}'."
    return "No job holds a pool token or was given to 'main.py apply'."
