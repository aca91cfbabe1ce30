"""MongoDB URIs fit for a screen, a log or an error: passwords and secret options hidden.

A URI is shown by ``main.py settings``, in connection errors and in warnings. Besides the
``user:password@`` part, pymongo reads secrets from query options: the key file's
``tlsCertificateKeyFilePassword`` and ``authMechanismProperties=AWS_SESSION_TOKEN:...``. Any
option (or mechanism property) whose name says password, passphrase, secret, token or
credential is hidden, so a future option of that kind is hidden too. Hiding too much is
harmless; hiding too little is not, so the rules err on the wide side.
"""

from __future__ import annotations

import re
from urllib.parse import unquote_plus

HIDDEN = "***"
_SCHEME = re.compile(r"(mongodb(?:\+srv)?://)", re.IGNORECASE)
_SECRET_NAME = re.compile(r"pass|pwd|secret|token|credential", re.IGNORECASE)
_MECHANISM_PROPERTIES = "authmechanismproperties"
_OPTION_ITEM = re.compile(r"[A-Za-z][A-Za-z0-9_]*=[^=]*")


def redact(text: str) -> str:
    """``text`` with every MongoDB URI's password and secret options replaced by ***."""
    pieces = _SCHEME.split(text)
    # pieces: [before, scheme, rest, scheme, rest, ...]; a rest runs to the next URI.
    for index in range(2, len(pieces), 2):
        pieces[index] = _redact_after_scheme(pieces[index])
    return "".join(pieces)


def has_secret(uri: str) -> bool:
    """Whether the URI carries a password or a secret option (what :func:`redact` hides)."""
    return redact(uri) != uri


def _redact_after_scheme(rest: str) -> str:
    return _redact_options(_redact_userinfo(rest))


def _redact_userinfo(rest: str) -> str:
    """Hide what follows ``user:`` up to the ``@`` that ends the user info."""
    at = _userinfo_end(rest)
    if at < 0:
        return rest
    user, colon, _ = rest[:at].partition(":")
    return f"{user}:{HIDDEN}{rest[at:]}" if colon else rest


def _userinfo_end(rest: str) -> int:
    """The index of the ``@`` that ends the user info, or -1.

    pymongo reads the options from the first ``?`` and the hosts up to the first ``/``, so
    a password with a raw ``?``, ``/`` or ``@`` is misread, refused, and shown in the error.
    Such a password is hidden all the same: up to the last ``@`` that neither a database
    name's ``/`` nor a well-formed ``name=value`` option explains.
    """
    before_query, _, options = rest.partition("?")
    hosts = before_query.partition("/")[0]
    end = hosts.rfind("@")
    stray = before_query.rfind("@")
    offset = len(before_query) + 1
    for item in re.split(r"([&;])", options):
        if "@" in item and not _OPTION_ITEM.fullmatch(item):
            stray = offset + item.rfind("@")
        offset += len(item)
    if stray <= end:
        return end
    if end >= 0:
        return stray
    # No '@' among the hosts: a raw '/' or '?' in the password, unless what follows the
    # first ':' is a port (``host:27017/db@x``).
    colon = hosts.find(":")
    if colon < 0 or rest[colon + 1 : len(hosts)].isdigit():
        return -1
    return stray


def _redact_options(rest: str) -> str:
    head, mark, options = rest.partition("?")
    if not mark:
        return rest
    parts = re.split(r"([&;])", options)
    for index in range(0, len(parts), 2):
        name, equals, value = parts[index].partition("=")
        if not equals:
            continue
        if _SECRET_NAME.search(unquote_plus(name)):
            parts[index] = f"{name}={HIDDEN}"
        elif unquote_plus(name).lower() == _MECHANISM_PROPERTIES:
            parts[index] = f"{name}={_redact_properties(value)}"
    return head + mark + "".join(parts)


def _redact_properties(value: str) -> str:
    """``SERVICE_NAME:x,AWS_SESSION_TOKEN:***``: the names stay readable, secrets do not."""
    shown = []
    for item in unquote_plus(value).split(","):
        key, colon, _ = item.partition(":")
        shown.append(f"{key}:{HIDDEN}" if colon and _SECRET_NAME.search(key) else item)
    text = ",".join(shown)
    return text if text != unquote_plus(value) else value
