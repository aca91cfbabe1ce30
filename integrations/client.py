# -*- coding: utf-8 -*-
"""Ask the afpools pool service for pools and host masks: one file, standard library only.

Render plugins run inside Pythons where pymongo is hard to install (Natron ships 2.7,
Blender 3.11), so they ask the pool service over HTTP instead. Copy this file next to the
plugin; it runs on Python 2.7 and 3.x alike::

    import client as afpools   # or whatever name it was vendored under

    for pool in afpools.list_pools():
        print(pool["name"], len(pool["hosts"]))
    afpools.pool_mask("lighting")["mask"]   # the exact regex of the pool's hosts
    afpools.apply_pool(job, "lighting")     # an af.Job: sets hosts_mask and hosts_mask_type
    afpools.bind_job(42, "lighting", token=TOKEN)   # a submitted job, bound afterwards
    afpools.mask_with_pool("rnd-a @gpu", "lighting")   # "@lighting rnd-a": the token edit

A Pool choice in a submitter only edits the job's hosts mask: ``mask_with_pool`` removes every
``@...`` token and writes ``@name``, a space and the artist's own remaining text, so afpools'
agent makes the job exact on afserver. ``pool_choice`` says what such a choice shows for a
mask: the pools that can be picked, the one the mask names, and one sentence when the mask
names a pool that is gone or several pools. Blender, AfStarter and Natron all use these two.

Where the service is, first found wins: the ``url`` argument; ``AFPOOLS_SERVICE_URL`` (for
example ``https://farm-server:51080``); CGRU's config key ``afpools_service_url``; the
afserver host of CGRU's config (``af_servername``, or ``CGRU_AF_SERVERNAME``) on port 51080,
since the service usually runs beside afserver; ``http://127.0.0.1:51080``. A URL without a
port uses 51080. For https, ``ca_file`` or ``AFPOOLS_SERVICE_CA`` names the CA file (or the
service's self-signed certificate); ``cert_file``/``key_file`` (``AFPOOLS_SERVICE_CERT``,
``AFPOOLS_SERVICE_KEY``) give a client certificate when the service asks for one.

Every failure raises :class:`PoolServiceError`, whose message is one readable sentence:
also an answer that is not what the function returns, as from a URL that names the 2019 pool
server's port (9999), which speaks its own protocol, not HTTP. Python 2.7's httplib takes
such a reply for an HTTP/0.9 "200", so every answer's shape is checked before it is used.
"""

from __future__ import absolute_import, division, print_function

import json
import os
import socket
import ssl
import sys

if sys.version_info[0] >= 3:
    import http.client as httplib
    from urllib.parse import quote, urlencode, urlsplit
else:  # Python 2.7
    from urllib import quote, urlencode

    import httplib
    from urlparse import urlsplit

TYPE_CHECKING = False
if TYPE_CHECKING:  # type comments only: Python 2.7 has no typing module
    from typing import Any, Dict, List, Optional, Sequence, Tuple  # noqa: F401

    Answer = Dict[str, Any]

__all__ = [
    "NO_POOL",
    "TOKEN_SEPARATORS",
    "PoolServiceClient",
    "PoolServiceError",
    "PoolTokenError",
    "apply_pool",
    "bind_job",
    "can_be_token",
    "list_pools",
    "mask_pools",
    "mask_with_pool",
    "mask_without_pools",
    "pool_choice",
    "pool_mask",
    "service_url",
]

DEFAULT_PORT = 51080
DEFAULT_TIMEOUT = 5.0
CGRU_URL_KEY = "afpools_service_url"
_PY2 = sys.version_info[0] < 3
# What OpenSSL says when the other side answers a ClientHello in plaintext.
_NOT_TLS_REASONS = ("WRONG_VERSION_NUMBER", "UNKNOWN_PROTOCOL", "HTTP_REQUEST", "RECORD_LAYER")
_CERT_ERRORS = (ssl.SSLError, getattr(ssl, "CertificateError", ssl.SSLError))
_TEXT = (type(json.loads('""')), str)  # what JSON strings decode to: unicode on 2.7, str on 3
_2019_TYPES = ("response", "error")  # the 2019 protocol's header: {"type": ..., ...}


class PoolServiceError(Exception):
    """The pool service could not be asked, or said no; ``str(error)`` is one sentence.

    Also raised, as :class:`PoolTokenError`, for a pool that cannot be written as a token.
    """

    def __init__(self, message, status=None):
        # type: (str, Optional[int]) -> None
        Exception.__init__(self, message)
        self.message = message
        self.status = status  # the HTTP status when the service answered, else None

    def __str__(self):
        # type: () -> str
        if _PY2 and not isinstance(self.message, bytes):  # str is bytes on 2.7
            return self.message.encode("utf-8")  # type: ignore[return-value]
        return self.message

    def __unicode__(self):
        # type: () -> Any
        """``unicode(error)`` on Python 2.7: the sentence, non-ASCII names and all."""
        if isinstance(self.message, bytes):
            return self.message.decode("utf-8", "replace")
        return self.message


def _cgru_values():
    # type: () -> Dict[str, Any]
    """CGRU's merged config: through CGRU's own module when the plugin has it, else files."""
    try:
        import cgruconfig  # type: ignore[import-not-found]

        return dict(cgruconfig.VARS)
    except Exception:  # any failure there means: read the files ourselves
        pass
    values = {}  # type: Dict[str, Any]
    paths = []  # type: List[str]
    location = os.environ.get("CGRU_LOCATION", "")
    if location:
        paths += [
            os.path.join(location, "config_default.json"),
            os.path.join(location, "config.json"),
        ]
    paths.append(os.path.join(os.path.expanduser("~"), ".cgru", "config.json"))
    for path in paths:
        try:
            with open(path) as handle:
                section = json.load(handle).get("cgru_config", {})
        except (IOError, OSError, ValueError, AttributeError):
            continue
        if isinstance(section, dict):
            values.update(section)
    return values


def service_url(url=None):
    # type: (Optional[str]) -> str
    """The service's base URL, ``scheme://host:port`` plus any path, found as described above."""
    if not url:
        url = os.environ.get("AFPOOLS_SERVICE_URL", "").strip()
    if not url:
        cgru = _cgru_values()
        url = str(cgru.get(CGRU_URL_KEY) or "").strip()
        if not url:
            host = os.environ.get("CGRU_AF_SERVERNAME") or cgru.get("af_servername") or ""
            url = str(host).strip() or "127.0.0.1"
    if "://" not in url:
        url = "http://" + url
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PoolServiceError("The pool service address %r is not an http(s) URL." % url)
    host = parts.hostname
    if ":" in host:
        host = "[%s]" % host
    try:
        port = parts.port or DEFAULT_PORT
    except ValueError:
        raise PoolServiceError("The pool service address %r has an invalid port." % url)
    return "%s://%s:%d%s" % (parts.scheme, host, port, parts.path.rstrip("/"))


class PoolServiceClient(object):
    """Talks to one pool service; cheap to make, holds no connection between calls."""

    def __init__(  # noqa: PLR0917 -- Python 2.7 has no keyword-only arguments
        self,
        url=None,  # type: Optional[str]
        timeout=DEFAULT_TIMEOUT,  # type: float
        ca_file=None,  # type: Optional[str]
        cert_file=None,  # type: Optional[str]
        key_file=None,  # type: Optional[str]
        token=None,  # type: Optional[str]
    ):
        # type: (...) -> None
        self.url = service_url(url)
        self.token = token or os.environ.get("AFPOOLS_SERVICE_TOKEN") or None
        self.timeout = float(timeout)
        self.ca_file = ca_file or os.environ.get("AFPOOLS_SERVICE_CA") or None
        self.cert_file = cert_file or os.environ.get("AFPOOLS_SERVICE_CERT") or None
        self.key_file = key_file or os.environ.get("AFPOOLS_SERVICE_KEY") or None

    # -- what plugins ask ------------------------------------------------------------------

    def list_pools(self):
        # type: () -> List[Answer]
        """Every pool: ``[{"name", "description", "color", "hosts", "revision", ...}]``."""
        answer = self._get("/v1/pools")
        pools = self._field(answer, "pools", list, "a list of pools")  # type: List[Answer]
        if not all(_is_pool(pool) for pool in pools):
            raise self._unexpected("a list of pools")
        return pools

    def pool(self, name):
        # type: (str) -> Answer
        answer = self._get("/v1/pools/" + _quote(name))
        pool = self._field(answer, "pool", dict, "a pool")  # type: Answer
        if not _is_pool(pool):
            raise self._unexpected("a pool")
        return pool

    def pool_mask(
        self,
        name,  # type: str
        user_mask=None,  # type: Optional[str]
        user_mask_type=None,  # type: Optional[str]
        user_exclude=None,  # type: Optional[str]
        kind="include",  # type: str
    ):
        # type: (...) -> Answer
        """The pool's exact mask, combined with the job's own ``user_mask`` if given.

        Returns ``{"mask", "hosts_mask_type": "regex", "hosts_mask_exclude", "hosts", ...}``;
        ``user_mask_type`` is the job's own type ("find", afserver's default, or "regex").
        """
        query = [("kind", kind)]  # type: List[Tuple[str, str]]
        if user_mask:
            query.append(("user_mask", user_mask))
        if user_mask_type:
            query.append(("user_mask_type", user_mask_type))
        if user_exclude:
            query.append(("user_exclude", user_exclude))
        answer = self._get("/v1/pools/" + _quote(name) + "/mask", query)  # type: Answer
        self._field(answer, "mask", _TEXT, "a host mask")
        for optional in ("hosts_mask_type", "hosts_mask_exclude"):
            if not isinstance(answer.get(optional, ""), _TEXT):
                raise self._unexpected("a host mask")
        return answer

    def apply_pool(self, job, name):
        # type: (Any, str) -> Answer
        """Keep a CGRU ``af.Job`` (or a job dict) on the pool's hosts; returns the answer.

        The job's own masks still hold: it runs on hosts in the pool AND matching its mask,
        and its exclude mask is kept (converted to regex, because the job's type becomes
        regex). Call it once, just before ``job.send()``.
        """
        data = getattr(job, "data", job)
        if not isinstance(data, dict):
            raise PoolServiceError("apply_pool needs a CGRU af.Job or a job dictionary.")
        answer = self.pool_mask(
            name,
            user_mask=data.get("hosts_mask") or None,
            user_mask_type=data.get("hosts_mask_type") or "find",
            user_exclude=data.get("hosts_mask_exclude") or None,
        )
        data["hosts_mask"] = answer["mask"]
        data["hosts_mask_type"] = answer.get("hosts_mask_type", "regex")
        if answer.get("hosts_mask_exclude"):
            data["hosts_mask_exclude"] = answer["hosts_mask_exclude"]
        return answer

    def bind_job(self, job_id, name, user=None):
        # type: (int, str, Optional[str]) -> Answer
        """Bind a job already on afserver to the pool, as ``main.py apply`` does.

        For submitters that cannot put ``@pool`` into a job's hosts mask (CGRU's Fusion
        plugin drops the mask). It is a write: the service must have writes on, and the
        client needs its token (``token``, or ``AFPOOLS_SERVICE_TOKEN``). Returns
        ``{"job", "pool", "written", "writer"}``; the agent keeps the job on the pool.
        """
        if isinstance(job_id, bool) or not isinstance(job_id, int) or job_id <= 0:
            raise PoolServiceError("A job id is a positive whole number, not %r." % (job_id,))
        if not self.token:
            raise PoolServiceError(
                "Binding a job is a write: give the pool service's token (token=..., or "
                "AFPOOLS_SERVICE_TOKEN)."
            )
        body = {"pool": name}  # type: Dict[str, Any]
        if user:
            body["user"] = user
        answer = self._request("POST", "/v1/jobs/%d/pool" % job_id, body=body)
        self._field(answer, "job", dict, "the bound job")
        self._field(answer, "pool", dict, "the bound job")
        return answer  # type: ignore[no-any-return]

    def health(self):
        # type: () -> Answer
        answer = self._get("/v1/health", allow_unavailable=True)  # type: Answer
        self._field(answer, "status", _TEXT, "a health status")
        return answer

    # -- answers ---------------------------------------------------------------------------

    def _where(self):
        # type: () -> str
        return "The pool service at %s" % self.url

    def _unexpected(self, what):
        # type: (str) -> PoolServiceError
        return PoolServiceError(
            "%s did not answer with %s; is that the pool service's HTTP address (port %d by "
            "default)?" % (self._where(), what, DEFAULT_PORT)
        )

    def _field(self, answer, key, kinds, what):
        # type: (Any, str, Any, str) -> Any
        """``answer[key]`` when the answer is an object and that value is one of ``kinds``."""
        value = answer.get(key) if isinstance(answer, dict) else None
        if not isinstance(value, kinds):
            raise self._unexpected(what)
        return value

    # -- the wire --------------------------------------------------------------------------

    def _connection(self, parts):
        # type: (Any) -> httplib.HTTPConnection
        if parts.scheme == "http":
            return httplib.HTTPConnection(parts.hostname, parts.port, timeout=self.timeout)
        return httplib.HTTPSConnection(
            parts.hostname, parts.port, timeout=self.timeout, context=self._tls_context()
        )

    def _tls_context(self):
        # type: () -> ssl.SSLContext
        """The https context; a CA or certificate file that is missing or wrong is named."""
        files = [("CA file", self.ca_file), ("client certificate", self.cert_file)]
        files.append(("client key", self.key_file))
        for label, path in files:
            if path and not os.path.isfile(path):
                raise PoolServiceError("The %s %s does not exist." % (label, path))
        try:
            context = ssl.create_default_context(cafile=self.ca_file)
        except (ssl.SSLError, IOError, OSError) as error:
            raise PoolServiceError(
                "The CA file %s cannot be used (%s)." % (self.ca_file, _reason(error))
            )
        if self.cert_file:
            try:
                context.load_cert_chain(self.cert_file, self.key_file)
            except (ssl.SSLError, IOError, OSError) as error:
                raise PoolServiceError(
                    "The client certificate %s cannot be used (%s)."
                    % (self.cert_file, _reason(error))
                )
        return context

    def _get(self, path, query=None, allow_unavailable=False):
        # type: (str, Optional[Sequence[Tuple[str, str]]], bool) -> Any
        return self._request("GET", path, query, allow_unavailable=allow_unavailable)

    def _request(self, method, path, query=None, body=None, allow_unavailable=False):
        # type: (str, str, Optional[Sequence[Tuple[str, str]]], Any, bool) -> Any
        parts = urlsplit(self.url)
        target = parts.path + path
        if query:
            target += "?" + urlencode([(k, _utf8(v)) for k, v in query])
        headers = {"Accept": "application/json"}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        if self.token and method != "GET":
            headers["Authorization"] = "Bearer " + self.token
        where = self._where()
        connection = None
        try:
            connection = self._connection(parts)
            connection.request(method, target, body=payload, headers=headers)
            response = connection.getresponse()
            status, body = response.status, response.read()
            if response.version == 9:  # Python 2.7's name for "no HTTP status line"
                raise _not_http(where, body)
        except socket.timeout:
            raise PoolServiceError("%s did not answer within %g s." % (where, self.timeout))
        except _CERT_ERRORS as error:
            if _speaks_plaintext(error):
                raise PoolServiceError(
                    "%s does not speak TLS on that port; use an http:// address." % where
                )
            raise PoolServiceError(
                "%s failed the TLS check (%s); set AFPOOLS_SERVICE_CA to its CA or certificate "
                "file." % (where, _reason(error))
            )
        except (IOError, OSError) as error:  # socket.error is one of these on 2.7 and 3
            raise PoolServiceError("%s cannot be reached (%s)." % (where, _reason(error)))
        except httplib.BadStatusLine as error:  # Python 3: a reply without an HTTP status line
            raise _not_http(where, getattr(error, "line", ""))
        except httplib.HTTPException as error:
            raise PoolServiceError("%s did not answer in HTTP (%s)." % (where, _reason(error)))
        finally:
            if connection is not None:
                connection.close()
        return _decoded(where, status, body, allow_unavailable)


def _decoded(where, status, body, allow_unavailable):
    # type: (str, int, bytes, bool) -> Any
    """The JSON of a successful answer; the service's own sentence (one line) for an error."""
    try:
        answer = json.loads(body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RuntimeError):  # RuntimeError: nested too deeply
        raise PoolServiceError("%s answered %d with something that is not JSON." % (where, status))
    if status == 200 or (allow_unavailable and status == 503):
        return answer
    message = answer.get("error") if isinstance(answer, dict) else None
    if isinstance(message, _TEXT) and message.strip():
        raise PoolServiceError(_shortened(message.strip().splitlines()[0]), status)
    raise PoolServiceError("%s answered HTTP %d." % (where, status), status)


def _is_pool(value):
    # type: (Any) -> bool
    """What plugins read from a pool: its name and its list of hosts."""
    return (
        isinstance(value, dict)
        and isinstance(value.get("name"), _TEXT)
        and isinstance(value.get("hosts"), list)
    )


def _not_http(where, reply):
    # type: (str, Any) -> PoolServiceError
    """The error for a reply without an HTTP status line; the 2019 protocol is named."""
    if isinstance(reply, bytes):
        reply = reply.decode("latin-1")
    try:
        header = json.JSONDecoder().raw_decode(reply.lstrip())[0]
    except (ValueError, RuntimeError):
        header = None
    if isinstance(header, dict) and header.get("type") in _2019_TYPES:
        return PoolServiceError(
            "%s answered in the 2019 pool protocol, not HTTP; use the service's HTTP port "
            "(%d by default)." % (where, DEFAULT_PORT)
        )
    shown = _shortened(" ".join(reply.split()), 60)
    return PoolServiceError('%s did not answer in HTTP (it sent "%s").' % (where, shown))


def _shortened(text, limit=300):
    # type: (Any, int) -> Any
    """A server's text cut to ``limit`` characters, so an error stays one readable line."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _quote(name):
    # type: (str) -> str
    return quote(_utf8(name), safe="")


def _utf8(text):
    # type: (Any) -> bytes
    if not isinstance(text, bytes):
        encoded = text.encode("utf-8")  # type: bytes
        return encoded
    return bytes(text)


def _speaks_plaintext(error):
    # type: (BaseException) -> bool
    reason = str(getattr(error, "reason", "") or error).upper().replace(" ", "_")
    return any(word in reason for word in _NOT_TLS_REASONS)


def _reason(error):
    # type: (BaseException) -> str
    text = getattr(error, "reason", None) or getattr(error, "strerror", None) or str(error)
    return str(text).rstrip(".") or type(error).__name__


def _client(options):
    # type: (Dict[str, Any]) -> PoolServiceClient
    return PoolServiceClient(**options)


def list_pools(**options):
    # type: (**Any) -> List[Answer]
    """Every pool; ``options`` are those of :class:`PoolServiceClient` (url, timeout, ...)."""
    return _client(options).list_pools()


def pool_mask(name, user_mask=None, user_mask_type=None, **options):
    # type: (str, Optional[str], Optional[str], **Any) -> Answer
    """The pool's exact regex mask, combined with the job's own mask if one is given."""
    return _client(options).pool_mask(name, user_mask=user_mask, user_mask_type=user_mask_type)


def apply_pool(job, name, **options):
    # type: (Any, str, **Any) -> Answer
    """Set ``hosts_mask`` and ``hosts_mask_type`` of a CGRU af.Job so it stays on the pool."""
    return _client(options).apply_pool(job, name)


def bind_job(job_id, name, user=None, **options):
    # type: (int, str, Optional[str], **Any) -> Answer
    """Bind a job already on afserver to the pool (a write: pass ``token=...``)."""
    return _client(options).bind_job(job_id, name, user=user)


# -- the @pool token in a hosts mask -------------------------------------------------------

TOKEN_SEPARATORS = "|;,: "  # afserver's find separators: a token ends at any of them
TOKEN_MARK = "@"
NO_POOL = ""  # "no pool", for mask_with_pool() and in pool_choice()'s answers
_SEPARATORS_SHOWN = " ".join(TOKEN_SEPARATORS.strip())  # "| ; , :" in sentences


class PoolTokenError(PoolServiceError):
    """A pool that cannot be written into the mask: its name, or a mask that grew too long."""


def can_be_token(name):
    # type: (Any) -> bool
    """Whether ``@name`` survives afserver's split of the mask: no separator, no space."""
    text = _text(name)
    return bool(text) and not any(char in TOKEN_SEPARATORS for char in text)


def mask_pools(mask):
    # type: (Any) -> List[Any]
    """The pools that the mask's ``@name`` tokens name, in their order, each once."""
    names = []  # type: List[Any]
    for text, _separators in _mask_pieces(mask):
        name = text[len(TOKEN_MARK) :]
        if text.startswith(TOKEN_MARK) and name and name not in names:
            names.append(name)
    return names


def mask_without_pools(mask):
    # type: (Any) -> Any
    """The artist's own part of the mask: every ``@...`` token taken out, the rest as typed."""
    pieces = _mask_pieces(mask)
    if not any(text.startswith(TOKEN_MARK) for text, _separators in pieces):
        return _text(mask)
    kept = [
        text + separators for text, separators in pieces if text and not text.startswith(TOKEN_MARK)
    ]
    return "".join(kept).rstrip(TOKEN_SEPARATORS)


def mask_with_pool(mask, pool, max_bytes=None):
    # type: (Any, Any, Optional[int]) -> Any
    """The mask with ``pool`` picked: ``@pool``, a space, the artist's own text.

    Every ``@...`` token already there goes (the mask names one pool afterwards); a false
    ``pool`` (``NO_POOL``) only takes the tokens out. ``max_bytes`` is what the mask's field
    holds (UTF-8); a mask that would not fit raises :class:`PoolTokenError`, as does a pool
    whose name holds a separator or a space, so the caller keeps the mask as it was.
    """
    rest = mask_without_pools(mask)
    name = _text(pool)
    if not name:
        result = rest
    elif not can_be_token(name):
        raise PoolTokenError(
            "The pool '%s' cannot be picked: its name holds a space or one of %s, which "
            "end a token in a hosts mask." % (name, _SEPARATORS_SHOWN)
        )
    else:
        result = TOKEN_MARK + name + (" " + rest if rest else "")
    if max_bytes is not None and len(result.encode("utf-8")) > max_bytes:
        raise PoolTokenError(
            "The hosts mask would be longer than the %d bytes its field holds with "
            "@%s in it, so it was left as it is." % (max_bytes, name)
        )
    return result


def pool_choice(names, mask):
    # type: (Optional[Sequence[Any]], Any) -> Dict[str, Any]
    """What a Pool choice shows for ``mask``, the service's pool ``names`` given (None when
    the service could not be asked). Returns a dict:

    - ``pools``: the names that can be picked, in the service's order, then the pools that
      the mask names and the service does not list (so the choice can show them);
    - ``current``: the pool the mask names first, or ``NO_POOL``;
    - ``missing``: the mask's pools that the service does not list (none when not asked);
    - ``notes``: sentences for the artist (a pool that is gone, several pools, unpickable
      names), most important first; empty when all is plain.
    """
    in_mask = mask_pools(mask)
    listed = [_text(name) for name in names] if names is not None else []
    pickable = [name for name in listed if can_be_token(name)]
    missing = [name for name in in_mask if names is not None and name not in listed]
    notes = []  # type: List[Any]
    if len(in_mask) > 1:
        notes.append(
            "The hosts mask names %d pools (%s), so the job may run in any of them; "
            "picking one here replaces them all."
            % (len(in_mask), ", ".join(TOKEN_MARK + name for name in in_mask))
        )
    for name in missing:
        notes.append(
            "The pool '%s' no longer exists: a job sent with @%s waits until an admin "
            "creates it again; pick another pool." % (name, name)
        )
    unpickable = len(listed) - len(pickable)
    if unpickable:
        notes.append(
            "%d pool%s cannot be picked here: a name with a space or one of %s cannot be "
            "a token." % (unpickable, "" if unpickable == 1 else "s", _SEPARATORS_SHOWN)
        )
    return {
        "pools": pickable + [name for name in in_mask if name not in pickable],
        "current": in_mask[0] if in_mask else NO_POOL,
        "missing": missing,
        "notes": notes,
    }


def _mask_pieces(mask):
    # type: (Any) -> List[Tuple[Any, Any]]
    """The mask as ``[(text, the separators after it), ...]``, split the way afserver does."""
    pieces = []  # type: List[Tuple[Any, Any]]
    text = separators = ""
    for char in _text(mask):
        if char in TOKEN_SEPARATORS:
            separators += char
            continue
        if separators:
            pieces.append((text, separators))
            text = separators = ""
        text += char
    pieces.append((text, separators))
    return pieces


def _text(value):
    # type: (Any) -> Any
    """Text as the host application hands it over: UTF-8 bytes on Python 2.7 become unicode."""
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value
