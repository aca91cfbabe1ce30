"""Errors a user can meet; ``str(error)`` is one plain sentence for the UI or stderr."""


class AfpoolsError(Exception):
    """Base of every error that is reported to the user instead of a traceback."""


class InvalidNameError(AfpoolsError, ValueError):
    """A pool or host name that cannot be stored."""


class PoolNotFoundError(AfpoolsError, LookupError):
    """The named pool does not exist."""


class HostNotFoundError(AfpoolsError, LookupError):
    """No known host (scanned or typed in) goes by that name or address."""


class PoolExistsError(AfpoolsError):
    """A pool with that name already exists."""


class NothingChangedError(AfpoolsError):
    """The request would not change anything (the host is already in the pool, say)."""


class StoreUnavailableError(AfpoolsError):
    """MongoDB (or the embedded server) cannot be reached or started."""


class SettingsError(AfpoolsError):
    """A settings file or value that cannot be used."""
