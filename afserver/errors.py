"""What can go wrong when talking to afserver, each as one sentence naming the server.

Callers catch ``AfserverError``; the subclasses exist for the few places (tests, a retry
policy, the board's status line) that need to tell a dead server from a broken reply.
"""

from __future__ import annotations

from pools.errors import AfpoolsError
from pools.wording import sentence


def _seconds(value: float) -> str:
    return f"{value:g}"


class AfserverError(AfpoolsError):
    """afserver could not be asked, or did not give a usable answer."""

    def __init__(self, address: str, message: str) -> None:
        super().__init__(message)
        self.address = address


class AfserverUnreachableError(AfserverError):
    """No connection: refused, unknown host, network down."""

    def __init__(self, address: str, reason: str | None = None) -> None:
        if reason is None:
            message = f"afserver at {address} refused the connection."
        else:
            message = f"afserver at {address} could not be reached: {sentence(reason)}"
        super().__init__(address, message)
        self.reason = reason


class AfserverTimeoutError(AfserverError):
    """The whole request (connect, send, reply) took longer than the client allows."""

    def __init__(self, address: str, timeout: float) -> None:
        super().__init__(
            address, f"afserver at {address} did not answer within {_seconds(timeout)} s."
        )
        self.timeout = timeout


class AfserverProtocolError(AfserverError):
    """A reply that is not afserver's framing or not a JSON object of the expected shape."""

    def __init__(self, address: str, problem: str) -> None:
        super().__init__(address, f"afserver at {address} sent {sentence(problem)}")
        self.problem = problem


class AfserverTruncatedError(AfserverProtocolError):
    """The reply stopped (closed or went silent) before its declared length arrived."""

    def __init__(self, address: str, received: int, declared: int | None) -> None:
        if declared is None:
            problem = f"a truncated reply (only {received} bytes of its header)"
        else:
            problem = f"a truncated reply ({received} of {declared} bytes)"
        super().__init__(address, problem)
        self.received = received
        self.declared = declared


class AfserverRejectedError(AfserverError):
    """afserver answered ``{"info":{"kind":"error"}}``: it understood and said no."""

    def __init__(self, address: str, server_text: str) -> None:
        super().__init__(
            address, f"afserver at {address} rejected the request: {sentence(server_text)}"
        )
        self.server_text = server_text
