"""Errors a user can meet; ``str(error)`` is one plain sentence for the UI or stderr."""


class AfpoolsError(Exception):
    """Base of every error that is reported to the user instead of a traceback."""


class InvalidNameError(AfpoolsError, ValueError):
    """A pool or host name that cannot be stored."""


class PoolNotFoundError(AfpoolsError, LookupError):
    """The named pool does not exist."""


class JobNotFoundError(AfpoolsError, LookupError):
    """afserver has no job with that id."""


class HostNotFoundError(AfpoolsError, LookupError):
    """No known host (scanned or typed in) goes by that name or address."""


class PoolExistsError(AfpoolsError):
    """A pool with that name already exists."""


class NothingChangedError(AfpoolsError):
    """The request would not change anything (the host is already in the pool, say).

    ``pool`` is the pool as it was found (a ``pools.model.Pool``), when there was one.
    """

    def __init__(self, sentence: str, pool: object = None) -> None:
        super().__init__(sentence)
        self.pool = pool


class StoreUnavailableError(AfpoolsError):
    """MongoDB (or the embedded server) cannot be reached or started."""


class SettingsError(AfpoolsError):
    """A settings file or value that cannot be used."""
