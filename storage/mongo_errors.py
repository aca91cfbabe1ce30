"""Driver exceptions become one sentence a user can read; our own errors pass through."""

from __future__ import annotations

import functools
import os
import re
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import ParamSpec, TypeVar

import pymongo
from pymongo.errors import OperationFailure, PyMongoError

from pools.errors import AfpoolsError, StoreUnavailableError

P = ParamSpec("P")
R = TypeVar("R")
_PYMONGO_DIR = str(Path(pymongo.__file__).parent) + os.sep


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
            raise StoreUnavailableError(
                f"MongoDB at {_where(args)} cannot be reached ({_short(error)})."
            ) from error
        except KeyError as error:  # pymongo reading a field the server's answer lacks
            if not _raised_in_driver(error):
                raise
            raise StoreUnavailableError(_driver_surprise(_where(args), error)) from error

    return wrapper


def _where(args: tuple[object, ...]) -> object:
    return getattr(args[0], "address", "the database") if args else "the database"


def _raised_in_driver(error: BaseException) -> bool:
    """Whether pymongo itself failed on the server's answer (our own bugs stay bugs)."""
    frames = traceback.extract_tb(error.__traceback__)
    return bool(frames) and _PYMONGO_DIR in frames[-1].filename


def _driver_surprise(where: object, error: BaseException) -> str:
    """A server answer pymongo could not read, most often a login it does not expect.

    A server without authentication such as nx-27017 answers the SCRAM login with a bare
    ``ok`` that has no ``payload``.
    """
    frames = traceback.extract_tb(error.__traceback__)
    if Path(frames[-1].filename).name.startswith("auth"):
        return (
            f"MongoDB at {where} did not accept the user name and password of the URI; "
            "if that server has no authentication, remove 'user:password@' from the URI."
        )
    return f"MongoDB at {where} sent an answer that pymongo cannot read (no field {error})."


def _short(error: Exception) -> str:
    """The driver's reason in a few words: without the server's address (the sentence says
    it), the errno, the timeouts it was configured with, or the topology it saw."""
    text = str(error).split(", Timeout:")[0].split("Topology Description")[0]
    text = _TIMEOUTS.sub("", text)
    text = _ADDRESS.sub("", text.strip())
    text = _ERRNO.sub("", text)
    return text.strip().rstrip(",.") or type(error).__name__


_TIMEOUTS = re.compile(r"\s*\(configured timeouts:[^)]*\)")
_ADDRESS = re.compile(r"^\S+:\d+: ")  # "127.0.0.1:27017: connection closed"
_ERRNO = re.compile(r"\[Errno -?\d+\] ")
