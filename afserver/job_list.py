"""afserver's job list decoded for the fields the agent needs, and nothing else.

A farm's list of 5,000 jobs is megabytes of JSON (every block carries a progress bar); the
agent reads it every few seconds. msgspec decodes only the declared fields (ids, names,
state, ready tasks and the masks of the job and its blocks) in C, several times faster than
building every field with ``json``. A reply of an unexpected shape (a block that is no
object, say) falls back to the plain decoder, so one odd job is reported by the reader and
the others go on.
"""

from __future__ import annotations

import re
from typing import Any, TypedDict

import msgspec

from afserver.framing import FrameError, JsonObject, parse_json_object


class _Block(TypedDict, total=False):
    block_num: Any
    hosts_mask: Any
    hosts_mask_exclude: Any


class _Job(TypedDict, total=False):
    id: Any
    serial: Any
    name: Any
    user_name: Any
    st: Any
    running_tasks_num: Any
    tasks_ready: Any
    hosts_mask: Any
    hosts_mask_exclude: Any
    hosts_mask_type: Any
    blocks: list[_Block]


class _Reply(TypedDict, total=False):
    jobs: list[_Job]
    info: Any


_DECODER = msgspec.json.Decoder(_Reply)
_ESCAPE = re.compile(rb"\\(.)", re.DOTALL)
_JSON_ESCAPES = frozenset(b'"\\/bfnrtu')


def decode_job_list(body: bytes) -> JsonObject:
    """The reply object with each job cut down to what the agent reads.

    afserver 3.4.1 writes a block's masks into the list unescaped (CGRU
    ``libafanasy/blockdata.cpp``): one block mask holding ``\\d`` makes the whole reply
    invalid JSON. Such a backslash is read as the character it is, so one job cannot hide
    the others (and the agent can rewrite a mask of its own without it)."""
    try:
        reply: JsonObject = dict(_DECODER.decode(body))
    except msgspec.ValidationError:
        return parse_json_object(body)
    except msgspec.DecodeError:
        repaired = _ESCAPE.sub(_lone_backslash, body)
        if repaired != body:
            return decode_job_list(repaired)
        parse_json_object(body)  # says what is wrong with it
        raise FrameError("a reply that is not JSON") from None
    if "jobs" not in reply and "info" not in reply:
        return parse_json_object(body)  # some other object: let the caller say so
    return reply


def _lone_backslash(escape: re.Match[bytes]) -> bytes:
    """``\\d`` (no JSON escape) as an escaped backslash and the ``d``; real escapes stay."""
    text = escape.group(0)
    return text if escape.group(1)[0] in _JSON_ESCAPES else b"\\" + text
