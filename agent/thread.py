"""The agent on a thread of its own, beside the pool service."""

from __future__ import annotations

import threading

from agent.loop import Agent, AgentStatus

JOIN_SECONDS = 30.0  # a pass may be waiting for an action's answer (a server cycle)


class AgentThread:
    """``start()`` runs the agent until ``stop()``, which releases the lease and joins."""

    def __init__(self, agent: Agent) -> None:
        self.agent = agent
        self._stop = threading.Event()
        self._thread = threading.Thread(target=agent.run, args=(self._stop,), name="afpools-agent")

    @property
    def status(self) -> AgentStatus:
        return self.agent.status

    def start(self) -> AgentThread:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(JOIN_SECONDS)
