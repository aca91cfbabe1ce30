"""``main.py apply POOL JOB...``: bind jobs to a pool through the agent's own bindings.

The job runs only on the pool's hosts that its own masks admit (its tokens resolved as the
agent resolves them). The bindings are saved first; then, when no other agent holds the
lease, the masks are written here and read back; when one does, that agent writes them
within a pass (its bindings counter moved). From then on the agent follows the pool.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from agent.loop import Agent
from agent.writer import WriteReport, send
from pools.errors import AfpoolsError, JobNotFoundError
from pools.job_actions import writes_for
from pools.job_masks import read_job
from pools.jobs import BOUND, Decision, PoolIndex, decide
from pools.model import Pool


@dataclass(frozen=True)
class Applied:
    pool: Pool
    decisions: tuple[Decision, ...]
    written_here: bool  # False: another agent holds the lease and writes them
    holder: str = ""  # who holds the lease then
    report: WriteReport | None = None


def apply_pool(agent: Agent, pool_name: str, job_ids: list[int]) -> Applied:
    """Bind the jobs to the pool and write their masks; AfpoolsError changes nothing."""
    client = agent.engine.client
    store = agent.engine.stores.store()
    index = PoolIndex(store.pool_entries())
    if pool_name not in index.by_name:
        store.pool(pool_name)  # raises the store's own sentence (with a trimmed-name hint)
    pool_id = index.by_name[pool_name]
    found = {int(obj["id"]): obj for obj in client.job_masks(job_ids) if "id" in obj}
    missing = [job_id for job_id in job_ids if job_id not in found]
    if missing:
        listed = ", ".join(str(i) for i in missing)
        raise JobNotFoundError(
            f"afserver at {client.address} has no job with id {listed}; nothing was changed."
        )
    bindings = store.bindings
    now = time.time()
    decisions = []
    for job_id in job_ids:
        view = read_job(found[job_id])
        decision = decide(view, bindings.get(view.id, view.serial), index, now, apply=pool_id)
        if decision.status != BOUND or decision.binding is None:
            raise AfpoolsError(_refusal(decision))
        decisions.append(decision)
    lease = agent.take_lease()
    try:
        # The bindings first: a write that fails halfway is sent again from them.
        bindings.change([d.binding for d in decisions if d.binding is not None], ())
        pool = index.by_id[pool_id]
        if not agent.active:
            return Applied(pool, tuple(decisions), False, lease.description)
        writes = [w for d in decisions if d.target for w in writes_for(d.job, d.target)]
        report = send(client, writes, agent.fence)
        return Applied(pool, tuple(decisions), True, report=report)
    finally:
        agent.release_lease()


def _refusal(decision: Decision) -> str:
    job = decision.job
    if decision.reason.startswith("Job "):
        return f"{decision.reason} Nothing was changed."
    if decision.reason:
        return f"Job {job.id} ({job.name}): {decision.reason} Nothing was changed."
    return f"Job {job.id} ({job.name}) has finished; nothing was changed."
