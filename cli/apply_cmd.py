"""``main.py apply POOL JOB_ID...``: restrict jobs on afserver to a pool's hosts."""

from __future__ import annotations

import argparse
from typing import Any

from cli.common import EXIT_OK, EXIT_USER_ERROR, json_flag
from cli.output import notice, print_json, print_line
from config.settings import Settings
from pools.jobs import Decision
from pools.masks import JobMasks, admits_any
from pools.model import Pool
from pools.wording import noun_for, plural

DESCRIPTION = """\
Write the pool's exact mask to the jobs (hosts_mask_type "regex"). A job's own hosts mask
still holds: the job runs only on hosts that are in the pool AND match its mask (its pool
tokens, if any, count as the agent reads them); its exclude mask is kept. The jobs are
bound through the agent's memory: from then on the agent rewrites them whenever the pool
changes, and applying again starts from the job's own masks. Jobs that get the same masks
share one action. When an agent is running elsewhere it writes the masks within a pass.
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
    from agent.apply import apply_pool
    from agent.standalone import standalone_agent

    wanted = list(dict.fromkeys(args.job_ids))
    with standalone_agent(settings) as agent:
        applied = apply_pool(agent, args.pool, wanted)
    pool, decisions = applied.pool, list(applied.decisions)
    if not pool.hostnames:
        notice(f"Pool '{pool.name}' has no hosts: these jobs will not run until hosts are added.")
    elif not pool.effective_hostnames:
        notice(
            f"Pool '{pool.name}' has no host in it now (its members follow schedules): these "
            "jobs run once one is in."
        )
    else:
        _warn_runs_nowhere(pool, decisions)
    if args.json:
        print_json(
            {
                "pool": pool.name,
                "jobs": [{"id": d.job.id, "name": d.job.name, **_masks(d)} for d in decisions],
            }
        )
    else:
        print_line(
            f"Pool '{pool.name}' ({plural(len(pool.hostnames), 'host')}) applied to "
            f"{_jobs(decisions)}."
        )
    if not applied.written_here:
        notice(f"The agent of {applied.holder} holds the lease; it writes the masks in a pass.")
        return EXIT_OK
    missed = sorted(applied.report.not_taken) if applied.report else []
    if missed:
        notice(
            f"afserver did not take the masks of {noun_for(len(missed), 'job')} "
            f"{', '.join(map(str, missed))}; the agent sends them again."
        )
        return EXIT_USER_ERROR
    return EXIT_OK


def _masks(decision: Decision) -> dict[str, str]:
    target = decision.target
    assert target is not None
    kind, include, exclude = target.job_level()
    return {"hosts_mask": include, "hosts_mask_exclude": exclude, "hosts_mask_type": kind}


def _jobs(decisions: list[Decision]) -> str:
    names = ", ".join(f"{d.job.id} ({d.job.name})" for d in decisions)
    return f"{noun_for(len(decisions), 'job')} {names}"


def _warn_runs_nowhere(pool: Pool, decisions: list[Decision]) -> None:
    """The masks are written all the same (the admin asked for them), but such a job waits
    for ever and afserver never says why."""
    stranded = [
        d for d in decisions if not admits_any(JobMasks(**_masks(d)), pool.effective_hostnames)
    ]
    if stranded:
        their = "its" if len(stranded) == 1 else "their"
        notice(
            f"Warning: {_jobs(stranded)} will not run: {their} own hosts masks and "
            f"pool '{pool.name}' have no host in common."
        )
