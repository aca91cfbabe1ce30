"""``main.py apply POOL JOB_ID...``: restrict jobs on afserver to a pool's hosts."""

from __future__ import annotations

import argparse
from typing import Any

from afserver.connect import client_for
from cli.common import EXIT_OK, json_flag
from cli.output import notice, print_json, print_line
from config.settings import Settings
from pools.errors import AfpoolsError
from pools.jobs import JobPlan, batches, plan_job
from pools.masks import admits_any
from pools.model import Pool
from pools.wording import noun_for, plural
from storage.connection import open_store

DESCRIPTION = """\
Write the pool's exact mask to the jobs (hosts_mask_type "regex"). A job's own hosts mask
still holds: the job runs only on hosts that are in the pool AND match its mask; its exclude
mask is kept. Applying again (after the pool changed, or another pool) starts from the job's
own masks, remembered in the database. Jobs that get the same masks share one action.
A job whose own masks leave none of the pool's hosts gets the masks all the same, and a
warning that it will not run."""


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "apply",
        help="restrict afserver jobs to a pool's hosts",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("pool", metavar="POOL")
    parser.add_argument("job_ids", metavar="JOB_ID", nargs="+", type=_job_id)
    json_flag(parser)
    parser.set_defaults(handler=_apply)


def _job_id(text: str) -> int:
    if not text.isdigit() or int(text) <= 0:
        raise argparse.ArgumentTypeError(f"a job id is a positive whole number, not {text!r}")
    return int(text)


def _apply(args: argparse.Namespace, settings: Settings) -> int:
    wanted = list(dict.fromkeys(args.job_ids))
    client = client_for(settings)
    with open_store(settings) as store:
        pool = store.pool(args.pool)
        jobs = {int(job["id"]): job for job in client.jobs(wanted)}
        missing = [job_id for job_id in wanted if job_id not in jobs]
        if missing:
            listed = ", ".join(str(i) for i in missing)
            raise AfpoolsError(
                f"afserver at {client.address} has no job with id {listed}; nothing was changed."
            )
        plans = [
            plan_job(jobs[i], pool, store.bindings.get(i, int(jobs[i].get("serial", 0))))
            for i in wanted
        ]
        # The bindings first: if an action fails halfway (or answers late after applying),
        # the next apply still knows the jobs' own masks. A binding whose mask never reached
        # the job does no harm: user_masks() only uses it when the job carries that mask.
        for plan in plans:
            store.bindings.save(plan.binding)
        for masks, ids in batches(plans).items():
            client.set_job_params(
                ids,
                {
                    "hosts_mask": masks.hosts_mask,
                    "hosts_mask_exclude": masks.hosts_mask_exclude,
                    "hosts_mask_type": masks.hosts_mask_type,
                },
            )
    if not pool.hostnames:
        notice(f"Pool '{pool.name}' has no hosts: these jobs will not run until hosts are added.")
    else:
        _warn_runs_nowhere(pool, plans)
    if args.json:
        print_json(
            {
                "pool": pool.name,
                "jobs": [{"id": p.job_id, "name": p.job_name, **vars(p.masks)} for p in plans],
            }
        )
    else:
        print_line(
            f"Pool '{pool.name}' ({plural(len(pool.hostnames), 'host')}) applied to {_jobs(plans)}."
        )
    return EXIT_OK


def _jobs(plans: list[JobPlan]) -> str:
    names = ", ".join(f"{p.job_id} ({p.job_name})" for p in plans)
    return f"{noun_for(len(plans), 'job')} {names}"


def _warn_runs_nowhere(pool: Pool, plans: list[JobPlan]) -> None:
    """The masks are written all the same (the admin asked for them), but such a job waits
    for ever and afserver never says why."""
    stranded = [plan for plan in plans if not admits_any(plan.masks, pool.hostnames)]
    if stranded:
        their = "its" if len(stranded) == 1 else "their"
        notice(
            f"Warning: {_jobs(stranded)} will not run: {their} own hosts masks and "
            f"pool '{pool.name}' have no host in common."
        )
