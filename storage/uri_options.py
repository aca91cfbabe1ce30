"""The options of a MongoDB URI, checked before pymongo sees them.

pymongo does not refuse an option it does not know, a value it cannot read or an option
given twice: it prints a raw ``UserWarning`` and connects without it. A misspelt ``tls`` or
``authSource`` would then connect differently from what the admin wrote, so afpools refuses
the URI instead, in one sentence that names the option (never its value). The check is done
here with pymongo's own tables and validators, without touching the warnings machinery
(which is process-wide and not thread-safe) and without any network traffic.
"""

from __future__ import annotations

import difflib
import re

from pymongo.common import URI_OPTIONS_VALIDATOR_MAP
from pymongo.errors import ConfigurationError
from pymongo.uri_parser import split_options

from config.redaction import redact
from pools.errors import StoreUnavailableError

_SCHEMES = ("mongodb://", "mongodb+srv://")
# Options that pymongo lets a URI repeat.
_REPEATABLE = frozenset({"readpreferencetags"})
# pymongo does not name an unknown option, as it may be credential text typed in the wrong
# place; a name that looks like an option's is shown, anything else is not.
_OPTION_LIKE = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,63}")


def check_uri_options(uri: str) -> None:
    """Raise StoreUnavailableError for an option pymongo would only warn about."""
    text = _options_text(uri)
    if not text:
        return
    seen: set[str] = set()
    for item in re.split(r"[&;]", text):
        name, equals, value = item.partition("=")
        if not equals or "=" in value:
            continue  # not key=value: split_options below says so
        key = name.lower()
        if key not in URI_OPTIONS_VALIDATOR_MAP:
            raise StoreUnavailableError(_unknown(name))
        if key in seen and key not in _REPEATABLE:
            raise StoreUnavailableError(
                f"The MongoDB URI gives the option '{name}' more than once; keep one."
            )
        seen.add(key)
    try:
        split_options(text, validate=True, warn=False)
    except (ConfigurationError, ValueError, TypeError) as error:
        raise StoreUnavailableError(
            f"The MongoDB URI {redact(uri)!r} is not valid: {redact(str(error)).rstrip('.')}."
        ) from None


def _options_text(uri: str) -> str:
    """The part after ``?``, found the way pymongo finds it (the host list ends at ``/``)."""
    scheme = next((s for s in _SCHEMES if uri.startswith(s)), "")
    if not scheme:
        return ""  # MongoClient explains a wrong scheme itself
    _, slash, path = uri[len(scheme) :].partition("/")
    return path.partition("?")[2] if slash else ""


def _unknown(name: str) -> str:
    if not _OPTION_LIKE.fullmatch(name):
        return "The MongoDB URI has an option that pymongo does not know; remove or correct it."
    close = difflib.get_close_matches(name.lower(), URI_OPTIONS_VALIDATOR_MAP, n=1, cutoff=0.75)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return (
        f"The MongoDB URI has the option '{name}', which pymongo does not know{hint}; "
        "remove or correct it."
    )
