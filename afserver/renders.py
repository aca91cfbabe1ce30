"""Turn afserver's render objects into the ``Host`` values the board shows.

The default render list has names, states and pools; machine sizes come only from the
``mode:"resources"`` list, a different object per render keyed by the same ``id``. Both are
read defensively: a field that is missing or of the wrong type leaves the default, because
one odd render must not blank the whole board.

A board polls the list every few seconds. ``decode_renders`` reads only the fields a ``Host``
is made of (not the heartbeats, which change every poll), and ``PolledHosts`` keeps the
``Host`` of every render that came back as it was: a steady poll of a big farm builds only
what changed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from types import MappingProxyType
from typing import Any, TypedDict

import msgspec

from afserver.framing import JsonObject, parse_json_object
from pools.model import Host, HostState, RenderFlags

AFSERVER_SOURCE = "afserver"
_SOURCES = frozenset({AFSERVER_SOURCE})

# ``state`` tokens in bit order, for the rare object that has a ``state`` but no ``st``.
_STATE_TOKENS: dict[str, RenderFlags] = {
    "ONL": RenderFlags.ONLINE,
    "NbY": RenderFlags.NIMBY_OWNER,
    "NBY": RenderFlags.NIMBY_ALL,
    "RUN": RenderFlags.BUSY,
    "DRT": RenderFlags.DIRTY,
    "WFL": RenderFlags.WOL_FALLING,
    "WSL": RenderFlags.WOL_SLEEPING,
    "WWK": RenderFlags.WOL_WAKING,
    "PAU": RenderFlags.PAUSED,
    "SIC": RenderFlags.SICK,
}


NO_SIZES: Mapping[int, Mapping[str, Any]] = MappingProxyType({})  # machine sizes not read
RENDERS_PER_STEP = 400  # a fraction of a millisecond of decoding: other threads go on between


class _Address(TypedDict, total=False):
    ip: Any


class _Task(TypedDict, total=False):
    """Nothing of a running task is read: a host shows how many it runs."""


class _Render(TypedDict, total=False):
    """What ``host_from_render`` reads of a render, and nothing that changes by itself."""

    name: Any
    id: Any
    st: Any
    state: Any
    address: _Address
    pool: Any
    tasks: list[_Task]
    capacity_used: Any
    os: Any
    engine: Any


class _Machine(TypedDict, total=False):
    cpu_num: Any
    mem_total_mb: Any


class _Resources(TypedDict, total=False):
    """What a host shows of its machine (not the free memory, which changes by itself)."""

    id: Any
    host_resources: _Machine


class _Reply(TypedDict, total=False):
    renders: list[msgspec.Raw]


_REPLY = msgspec.json.Decoder(_Reply)


class _Cut:
    """Reads list items of one kind cut down to a ``TypedDict``: a step of them at once, or,
    when one of the step has an unexpected shape, each on its own."""

    def __init__(self, item: type) -> None:
        items: Any = list[item]  # type: ignore[valid-type]
        self.step: msgspec.json.Decoder[list[Any]] = msgspec.json.Decoder(items)
        self.one: msgspec.json.Decoder[Any] = msgspec.json.Decoder(item)

    def decode(self, raw: list[msgspec.Raw]) -> list[Any]:
        try:
            return list(self.step.decode(b"[" + b",".join(raw) + b"]"))
        except msgspec.ValidationError:  # an item of an unexpected shape: one at a time
            return [self._decode_one(item) for item in raw]

    def _decode_one(self, raw: msgspec.Raw) -> Any:
        try:
            return self.one.decode(raw)
        except msgspec.ValidationError:  # whole, for the reader to read what it can
            return json.loads(bytes(raw))


_RENDERS, _RESOURCES = _Cut(_Render), _Cut(_Resources)


def decode_renders(body: bytes, between_steps: Callable[[], None] | None = None) -> JsonObject:
    """afserver's reply to a render list, each render cut down to the fields of its ``Host``.

    The list is read some renders at a time, in C (``msgspec``); ``between_steps`` is called
    after each. A render of an unexpected shape (an address that is no object, say) comes
    whole, for ``host_from_render`` to read what it can; a reply that is not a render list
    is read whole, for the caller to say what it is."""
    return _decode_cut(body, _RENDERS, between_steps)


def decode_resources(body: bytes, between_steps: Callable[[], None] | None = None) -> JsonObject:
    """afserver's reply to ``mode:"resources"``, each entry cut down to its render's id and
    the machine's cores and memory, read like ``decode_renders``."""
    return _decode_cut(body, _RESOURCES, between_steps)


def _decode_cut(body: bytes, cut: _Cut, between_steps: Callable[[], None] | None) -> JsonObject:
    try:
        raw = _REPLY.decode(body).get("renders")
    except msgspec.MsgspecError:
        raw = None
    if raw is None:
        return parse_json_object(body)
    items: list[Any] = []
    for start in range(0, len(raw), RENDERS_PER_STEP):
        items += cut.decode(raw[start : start + RENDERS_PER_STEP])
        if between_steps is not None:
            between_steps()
    return {"renders": items}


def hosts_from_renders(
    renders: Iterable[Mapping[str, Any]],
    resources: Iterable[Mapping[str, Any]] | None = None,
) -> list[Host]:
    """One ``Host`` per named render, in afserver's order, with resources joined by id."""
    return PolledHosts().hosts(renders, resources_by_id(resources or ()))


class PolledHosts:
    """The hosts of one poll after another.

    A render whose fields and machine are what they were last poll keeps the ``Host`` it had
    (the very object), so a steady poll builds only the hosts that changed, and comparing
    the two polls finds the others unchanged at a glance. Only renders as ``decode_renders``
    cuts them compare equal from poll to poll: a whole render carries heartbeats.
    """

    def __init__(self) -> None:
        self._last: dict[str, tuple[Mapping[str, Any], Mapping[str, Any] | None, Host | None]]
        self._last = {}
        self._sizes: Mapping[int, Mapping[str, Any]] | None = None

    def hosts(
        self,
        renders: Iterable[Mapping[str, Any]],
        sizes: Mapping[int, Mapping[str, Any]] = NO_SIZES,
        between_steps: Callable[[], None] | None = None,
    ) -> list[Host]:
        """One ``Host`` per named render, in afserver's order. ``sizes`` as ``resources_by_id``
        gives them; the very mapping of the last poll again says that no machine changed.
        ``between_steps`` is called every ``RENDERS_PER_STEP`` renders."""
        last, now = self._last, {}
        same_machines = sizes is self._sizes
        hosts: list[Host] = []
        for count, render in enumerate(renders, 1):
            if between_steps is not None and not count % RENDERS_PER_STEP:
                between_steps()
            if type(render) is not dict and not isinstance(render, Mapping):
                continue
            name = render.get("name")
            known = last.get(name) if type(name) is str else None
            if known is not None and known[0] == render and same_machines:
                entry = known  # the render as it was, on the machine it was on
            else:
                render_id = _integer(render.get("id"))
                machine = sizes.get(render_id) if render_id is not None else None
                if known is None or known[0] != render or known[1] != machine:
                    known = (render, machine, _host_from(render, render_id, machine))
                entry = known
            if type(name) is str:
                now[name] = entry
            if entry[2] is not None:
                hosts.append(entry[2])
        self._last, self._sizes = now, sizes
        return hosts


def host_from_render(render: Mapping[str, Any]) -> Host | None:
    """Decode one render object, without its machine's size; None when it has no usable
    name."""
    if type(render) is not dict and not isinstance(render, Mapping):  # dict: the usual, fast
        return None
    return _host_from(render, _integer(render.get("id")), None)


def _host_from(
    render: Mapping[str, Any], render_id: int | None, machine: Mapping[str, Any] | None
) -> Host | None:
    name = _text(render.get("name")).strip()
    if not name:
        return None
    flags, state = _flags_and_state(render)
    tasks = render.get("tasks")
    address = render.get("address")
    return Host(
        name=name,
        state=state,
        flags=flags,
        ip=_text(address.get("ip")) if isinstance(address, Mapping) else "",
        render_id=render_id,
        native_pool=_text(render.get("pool")),
        tasks=len(tasks) if isinstance(tasks, list) else 0,
        capacity_used=_integer(render.get("capacity_used")) or 0,
        cpu_num=_integer(machine.get("cpu_num")) if machine else None,
        mem_total_mb=_integer(machine.get("mem_total_mb")) if machine else None,
        os=_text(render.get("os")),
        engine=_text(render.get("engine")),
        sources=_SOURCES,
    )


def _flags_and_state(render: Mapping[str, Any]) -> tuple[RenderFlags, HostState]:
    st = _integer(render.get("st"))
    if st is not None and st >= 0:
        return _decode_st(st)
    flags = render_flags(render)
    return flags, HostState.from_flags(flags)


@lru_cache(maxsize=1024)
def _decode_st(st: int) -> tuple[RenderFlags, HostState]:
    """A farm has a handful of distinct ``st`` values: decode each once, not once per render
    and poll (enum arithmetic is slow Python, and a poll of 20,000 renders felt it)."""
    flags = RenderFlags(st)
    return flags, HostState.from_flags(flags)


def render_flags(render: Mapping[str, Any]) -> RenderFlags:
    """The ``st`` bits; falls back to the ``state`` tokens, and to offline if neither."""
    st = _integer(render.get("st"))
    if st is not None and st >= 0:
        return RenderFlags(st)
    flags = RenderFlags(0)
    for token in _text(render.get("state")).split():
        flags |= _STATE_TOKENS.get(token, RenderFlags(0))
    return flags


def resources_by_id(resources: Iterable[Mapping[str, Any]]) -> dict[int, Mapping[str, Any]]:
    """``host_resources`` per render id; offline renders have none and are left out."""
    sizes: dict[int, Mapping[str, Any]] = {}
    for entry in resources:
        if not isinstance(entry, Mapping):
            continue
        render_id = _integer(entry.get("id"))
        machine = entry.get("host_resources")
        if render_id is not None and isinstance(machine, Mapping):
            sizes[render_id] = machine
    return sizes


def _integer(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""
