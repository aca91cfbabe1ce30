"""The agent: passes on a clock, the lease, and what it says (the log and its status).

Exactly one agent writes: the one holding the lease. Every agent reads afserver's jobs and
decides (so a standby, or a service with ``--no-agent``, can still list the jobs), but only
the holder saves bindings and sends actions, and only while its lease has time left. The
store's change token is checked every ``watch_interval`` (a tiny read), afserver's jobs are
read every ``jobs_interval`` or at once when the pools changed.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from afserver.client import AfserverClient
from agent.config import LOGGER_NAME, AgentConfig
from agent.passes import BindingsMovedError, PassEngine, PassResult
from agent.recorder import UsageRecorder
from agent.schedule_keeper import ScheduleKeeper
from pools.errors import AfpoolsError
from pools.job_list import job_sentence, unwritten, waiting
from pools.jobs import Decision
from pools.wording import noun_for
from storage.leases import Lease
from storage.store_source import StoreSource

ACTIVE = "active"  # holds the lease and writes
STANDBY = "standby"  # another agent holds the lease
OFF = "off"  # never writes (serve --no-agent); still lists the jobs

log = logging.getLogger(LOGGER_NAME)


class LeaseLostError(AfpoolsError):
    """The lease may have run out (or another agent took it): nothing more is written."""


@dataclass(frozen=True)
class AgentStatus:
    """What the agent last knew, replaced whole after each step (read without a lock)."""

    role: str
    decisions: tuple[Decision, ...] = ()
    pass_at: float = 0.0  # when the last pass ended (epoch seconds); 0: none yet
    error: str = ""  # why the last pass failed, one sentence
    lease: Lease | None = None  # the lease as last read

    # Worked out once per status (health asks for them on every request; a status is
    # replaced whole, never changed).
    @cached_property
    def waiting(self) -> list[Decision]:
        return waiting(self.decisions)

    @cached_property
    def unwritten(self) -> list[Decision]:
        """Jobs with tokens whose masks are not yet what their pools say."""
        return unwritten(self.decisions)

    def lease_held(self, now: float) -> bool:
        return self.lease is not None and self.lease.alive(now)


class Agent:
    """One agent; ``writes`` False makes it an observer that never takes the lease."""

    def __init__(
        self,
        config: AgentConfig,
        client: AfserverClient,
        stores: StoreSource,
        *,
        writes: bool = True,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.config = config
        self.holder = uuid.uuid4().hex
        self._clock = clock
        self.engine = PassEngine(client, stores, clock=clock)
        self.recorder = UsageRecorder(client, stores, clock)
        self.schedules = ScheduleKeeper(
            client, stores, config.zone, clock=clock, renders_every=config.jobs_interval
        )
        self._stores = stores
        self._writes = writes
        self._lease: Lease | None = None  # ours, while we hold it
        self._renewed_at = -float("inf")  # monotonic time of the last renewal
        self._checked_at = -float("inf")  # monotonic time the lease was last looked at
        self._seen: Lease | None = None  # the lease as last read, whoever held it
        self._fence_lock = threading.Lock()
        self._said: dict[str, str] = {}  # what was logged per job, to say it once
        self._trouble = ""  # the kind of error being reported, until things work again
        self.failures = 0  # steps that failed since the start (each said once per sentence)
        self.status = AgentStatus(role=STANDBY if writes else OFF)

    # -- the lease ------------------------------------------------------------------------

    @property
    def active(self) -> bool:
        return self._lease is not None and self._lease.alive(time.time())

    def take_lease(self) -> Lease:
        """Take or renew the lease; returns it as it stands, whoever holds it."""
        lease = self._stores.store().leases.take(
            self.holder, self.config.description, self.config.lease_seconds
        )
        self._seen, self._checked_at = lease, time.monotonic()
        was_active = self._lease is not None
        if lease.holder == self.holder:
            if not was_active:
                self.engine.memory.forget()  # another agent may have written meanwhile
                self.recorder.forget()
                log.info("This agent (%s) holds the lease and writes.", self.config.description)
            self._lease, self._renewed_at = lease, time.monotonic()
        else:
            if was_active:
                log.warning("The lease went to %s; this agent stops writing.", lease.description)
            self._lease = None
        return lease

    def release_lease(self) -> None:
        """Give the lease up so that a standby takes over at once (a clean stop)."""
        if self._lease is None:
            return
        self._lease = None
        try:
            self._stores.store().leases.release(self.holder)
        except AfpoolsError as error:
            log.warning("The lease could not be released (%s); it expires by itself.", error)

    def fence(self) -> None:
        """Before a write: renew the lease when due, refuse when it may have run out.
        Several actions are sent at once, so their fences take turns."""
        with self._fence_lock:
            self._fence()

    def _fence(self) -> None:
        if self._lease is None:
            raise LeaseLostError("This agent does not hold the lease; nothing was written.")
        if time.monotonic() - self._renewed_at >= self.config.renew_every:
            self.take_lease()
            if self._lease is None:
                raise LeaseLostError("Another agent took the lease; nothing more was written.")
        if self._lease.expires_at - time.time() < self.config.write_margin:
            raise LeaseLostError("The lease ran short before this write; it waits a pass.")

    # -- passes -------------------------------------------------------------------------

    def run_pass(self, *, write: bool) -> PassResult:
        """One pass; with ``write`` the lease must be held (``take_lease``)."""
        if write and not self.active:
            raise LeaseLostError("This agent does not hold the lease; nothing was written.")
        result = self.engine.run(write=write, fence=self.fence)
        self._tell(result, wrote=write)
        self.status = AgentStatus(self._role(), result.decisions, time.time(), "", self._seen)
        return result

    def run(self, stop: threading.Event) -> None:
        """Work until ``stop`` is set, then give the lease up."""
        next_jobs = 0.0
        try:
            while not stop.is_set():
                try:
                    self._lease_step()
                    if self.active:
                        self.step_schedules()
                    due = time.monotonic() >= next_jobs
                    if due or self.engine.pools_changed():
                        self.run_pass(write=self.active)
                        next_jobs = time.monotonic() + self.config.jobs_interval
                    else:
                        self.status = _with_lease(self.status, self._role(), self._seen)
                    self.record_usage()
                    self._recovered()
                except BindingsMovedError:
                    next_jobs = 0.0  # another writer's bindings: read them and pass again
                except AfpoolsError as error:
                    self._failed(error)
                except Exception as error:  # a bug or a reply nobody foresaw: never the end
                    self._unexpected(error)
                stop.wait(self._pause())
        finally:
            self.release_lease()

    def step_schedules(self) -> int:
        """Apply the schedule boundaries crossed since the pools were last read, before a
        pass writes: the pools as a new holder finds them may count in a member whose window
        closed while no agent ran."""
        index = self.engine.memory.index
        if index is None:
            index = self.engine.pools_index(write=True)
        return self.schedules.step(index, self.fence)

    def _pause(self) -> float:
        """The watch interval, or less when a schedule boundary comes sooner: a member joins
        or leaves on time, not up to an interval late."""
        pause = self.config.watch_interval
        if self.active:
            boundary = self.schedules.next_boundary(self.engine.memory.index)
            if boundary is not None:
                pause = min(pause, max(0.0, boundary - self._clock()))
        return pause

    def record_usage(self) -> None:
        """Once a minute, while this agent holds the lease: the pools' usage point."""
        index = self.engine.memory.index
        if self.active and index is not None and self.recorder.due():
            self.fence()
            self.recorder.record(index, self.status.decisions)

    def _lease_step(self) -> None:
        """Renew the lease, or try to take it, or (an observer) look who holds it: a third
        of a lease period apart, so a standby takes over within two periods of a death."""
        if time.monotonic() - self._checked_at < self.config.renew_every:
            return
        if self._writes:
            self.take_lease()
        else:
            self._seen = self._stores.store().leases.current()
            self._checked_at = time.monotonic()

    def _role(self) -> str:
        if not self._writes:
            return OFF
        return ACTIVE if self.active else STANDBY

    # -- what it says -----------------------------------------------------------------

    def _tell(self, result: PassResult, *, wrote: bool) -> None:
        said: dict[str, str] = {}
        for key, sentence in result.problems:
            if self._said.get(key or sentence) != sentence:
                log.warning("%s", sentence)
            said[key or sentence] = sentence
        for decision in result.decisions:
            sentence = job_sentence(decision)
            if sentence and self._said.get(decision.job.key) != sentence:
                log.warning("%s", sentence)
            if sentence:
                said[decision.job.key] = sentence
        self._said = said
        if wrote and result.actions:
            written = len({w.job_id for w in result.writes}) - len(result.not_taken)
            log.info(
                "Wrote the masks of %s in %s.",
                f"{written} {noun_for(written, 'job')}",
                f"{len(result.actions)} {noun_for(len(result.actions), 'action')}",
            )
        if wrote and result.not_taken:
            ids = ", ".join(str(i) for i in result.not_taken)
            log.warning(
                "afserver did not take the masks of %s %s; they are sent again next pass.",
                noun_for(len(result.not_taken), "job"),
                ids,
            )

    def _failed(self, error: AfpoolsError, *, kind: str = "") -> None:
        """Say it once per outage: the same kind of trouble again (its details vary: a
        refused connection, then a timeout) is not news until it is over."""
        self.failures += 1
        logged = bool(kind)  # an unexpected error was logged with its traceback already
        kind = kind or type(error).__name__
        if kind != self._trouble and not logged:
            log.error("%s", error)
        self._trouble = kind
        self.status = AgentStatus(
            self._role(), self.status.decisions, self.status.pass_at, str(error), self.status.lease
        )

    def _unexpected(self, error: Exception) -> None:
        """Log where it happened (once per kind of trouble, like any other) and go on: the
        loop is the farm's only agent, and the next step may well work."""
        kind = f"{type(error).__name__} (unexpected)"
        if kind != self._trouble:
            log.exception("The agent met an unexpected error; it goes on.")
        self._failed(
            AfpoolsError(
                f"The agent met an unexpected error ({type(error).__name__}: {error}); "
                "it goes on, and its log says where it happened."
            ),
            kind=kind,
        )

    def _recovered(self) -> None:
        if self._trouble:
            log.warning("The agent works again.")
            status = self.status
            self.status = AgentStatus(
                status.role, status.decisions, status.pass_at, "", status.lease
            )
        self._trouble = ""


def _with_lease(status: AgentStatus, role: str, lease: Lease | None) -> AgentStatus:
    return AgentStatus(role, status.decisions, status.pass_at, status.error, lease)
