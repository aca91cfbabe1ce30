"""Driver exceptions become one sentence a user can read; our own errors pass through."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from pymongo.errors import OperationFailure, PyMongoError

from pools.errors import AfpoolsError, StoreUnavailableError

P = ParamSpec("P")
R = TypeVar("R")


def translate_errors(method: Callable[P, R]) -> Callable[P, R]:
    """Turn driver exceptions into one sentence; our own errors pass through."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except AfpoolsError:
            raise
        except OperationFailure as error:
            reason = (error.details or {}).get("errmsg") or str(error)
            raise StoreUnavailableError(f"MongoDB refused the operation: {reason}.") from error
        except PyMongoError as error:
            where = getattr(args[0], "address", "the database") if args else "the database"
            raise StoreUnavailableError(
                f"MongoDB at {where} cannot be reached ({_short(error)})."
            ) from error

    return wrapper


def _short(error: Exception) -> str:
    text = str(error).split(", Timeout:")[0].split("Topology Description")[0]
    return text.strip().rstrip(",.") or type(error).__name__
