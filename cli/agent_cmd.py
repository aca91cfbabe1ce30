"""``main.py agent``: make the masks of jobs with pool tokens exact, in the foreground."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Iterator
from typing import Any

from cli.common import EXIT_OK, EXIT_USER_ERROR, json_flag
from cli.output import notice, print_json, print_line
from config.settings import Settings
from pools.job_masks import TYPE, field_label
from pools.jobs import Decision
from pools.json_shapes import job_json
from pools.tokens import MAX_PARTS
from pools.wording import noun_for, plural

GRAMMAR = f"""\
Pool tokens. Artists type @POOL into any submitter's hosts mask (AfStarter, Blender, Nuke,
Houdini, Natron, afcmd): '@lighting', '@lighting @gpu', '@lighting rnd-a'.
  - The mask is split as afserver splits a "find" mask: on '|', ';', ',', ':' and spaces.
    Each part '@NAME' names the pool NAME exactly (case counts); the job gets the union of
    the pools named. Until the agent acts the job waits: '@' starts no hostname.
  - Every other part keeps its meaning: in a find mask it stays a prefix, so
    '@lighting rnd-a' admits lighting's hosts and every host whose name starts with
    'rnd-a', exactly what afserver admitted for 'rnd-a' before the agent acted.
  - '@NAME' in the exclude mask takes that pool's hosts away; the artist's own exclusions
    stay. It acts once the agent has bound the job (within seconds).
  - Block masks are read the same way. A job that is already of type "regex" is bound only
    when its mask is tokens alone ('@lighting|@gpu'); any other regex job is left alone.
  - The agent writes the exact regex with hosts_mask_type "regex" (which also changes how
    afserver reads the exclude and block masks, so those are converted too), remembers the
    job, and rewrites it whenever one of its pools changes.
  - A token that names no pool leaves the job as it is (listed by 'main.py jobs --waiting');
    a deleted or empty pool gives its jobs none of its hosts. A pool whose name holds a
    space or a separator cannot be typed as a token. A mask of more than {MAX_PARTS} parts,
    or with a control character, is left alone with a sentence in the log.
  - A mask edited by hand after the agent wrote it is read again; without tokens the job
    is released and never touched again. A job with no token and never given to
    'main.py apply' is never touched."""

DESCRIPTION = f"""\
Keep queued jobs on their pools: read afserver's jobs, replace every pool token in their
hosts masks by the pool's exact hosts, and rewrite them whenever a pool changes. Runs in the
foreground until Ctrl+C or SIGTERM, which give its lease up so that another agent takes
over at once. One agent writes at a time (a lease in MongoDB); others wait as standbys.
'main.py serve' runs the same agent beside the pool service.

{GRAMMAR}

Exit codes: 0 done (with --once: every mask written reads back from afserver); 1 afserver
or MongoDB cannot be reached, another agent holds the lease, or a mask was not taken."""


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "agent",
        help="keep jobs with pool tokens (@pool) on their pools' hosts",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--once", action="store_true", help="one pass (read, decide, write, read back), then exit"
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="print what one pass would write; write nothing"
    )
    json_flag(parser)
    parser.set_defaults(handler=_agent)


def _agent(args: argparse.Namespace, settings: Settings) -> int:
    from agent.standalone import standalone_agent
    from poolserver.logs import remove_logging, setup_logging

    handler = setup_logging(json_lines=args.json)
    try:
        with standalone_agent(settings, writes=not args.dry_run) as agent:
            if args.dry_run:
                return _dry_run(args, agent.run_pass(write=False).decisions)
            if args.once:
                return _once(args, agent)
            return _forever(agent)
    finally:
        remove_logging(handler)


def _dry_run(args: argparse.Namespace, decisions: tuple[Decision, ...]) -> int:
    writing = [d for d in decisions if d.writes]
    if args.json:
        print_json({"would_write": [_planned(d) for d in writing], "jobs": _jobs_json(decisions)})
        return EXIT_OK
    for decision in writing:
        job = decision.job
        print_line(f"Job {job.id} ({job.name}, {job.user or '-'}):")
        for label, before, after in _changes(decision):
            print_line(f"  {label}: {before!r} -> {after!r}")
    if not writing:
        notice("Nothing to write: every job with pool tokens holds its masks already.")
    return EXIT_OK


def _once(args: argparse.Namespace, agent: Any) -> int:
    lease = agent.take_lease()
    if not agent.active:
        notice(
            f"Another agent ({lease.description}) holds the lease, so this one wrote nothing; "
            "it writes the masks itself."
        )
        return EXIT_USER_ERROR
    try:
        agent.step_schedules()  # a boundary crossed since the last run: before any write
        result = agent.run_pass(write=True)
        agent.record_usage()
    finally:
        agent.release_lease()
    written = sorted({w.job_id for w in result.writes} - set(result.not_taken))
    if args.json:
        print_json(
            {
                "written": written,
                "actions": len(result.actions),
                "not_taken": list(result.not_taken),
                "jobs": _jobs_json(result.decisions),
            }
        )
    elif result.writes:
        print_line(
            f"Wrote the masks of {plural(len(written), 'job')} in "
            f"{plural(len(result.actions), 'action')}."
        )
    else:
        print_line(
            f"Nothing to write: {plural(len(result.decisions), 'job')} with pool tokens or "
            "bindings, each holding its masks already."
        )
    if result.not_taken:
        ids = ", ".join(str(i) for i in result.not_taken)
        notice(
            f"afserver did not take the masks of {noun_for(len(result.not_taken), 'job')} "
            f"{ids}; the next pass sends them again."
        )
        return EXIT_USER_ERROR
    return EXIT_OK


def _forever(agent: Any) -> int:
    stop = threading.Event()
    previous = {
        signum: signal.signal(signum, lambda *_: stop.set())
        for signum in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        notice("The agent runs; stop it with Ctrl+C.")
        agent.run(stop)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    print("The agent stopped.", file=sys.stderr)
    return EXIT_OK


def _changes(decision: Decision) -> Iterator[tuple[str, str, str]]:
    assert decision.target is not None
    current, target = decision.job.masks, decision.target
    for key in decision.job.fields():
        if current.get(key) != target.get(key):
            yield field_label(key), current.get(key), target.get(key)
    if current.kind != target.kind:
        yield TYPE, current.kind, target.kind


def _planned(decision: Decision) -> dict[str, Any]:
    return {
        "id": decision.job.id,
        "name": decision.job.name,
        "changes": [
            {"field": label, "from": before, "to": after}
            for label, before, after in _changes(decision)
        ],
    }


def _jobs_json(decisions: tuple[Decision, ...]) -> list[dict[str, Any]]:
    return [job_json(d) for d in decisions]
