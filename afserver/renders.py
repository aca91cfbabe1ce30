"""Turn afserver's render objects into the ``Host`` values the board shows.

The default render list has names, states and pools; machine sizes come only from the
``mode:"resources"`` list, a different object per render keyed by the same ``id``. Both are
read defensively: a field that is missing or of the wrong type leaves the default, because
one odd render must not blank the whole board.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

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


def hosts_from_renders(
    renders: Iterable[Mapping[str, Any]],
    resources: Iterable[Mapping[str, Any]] | None = None,
) -> list[Host]:
    """One ``Host`` per named render, in afserver's order, with resources joined by id."""
    sizes = _resources_by_id(resources or ())
    hosts: list[Host] = []
    for render in renders:
        host = host_from_render(render, sizes)
        if host is not None:
            hosts.append(host)
    return hosts


def host_from_render(
    render: Mapping[str, Any], sizes: Mapping[int, Mapping[str, Any]] | None = None
) -> Host | None:
    """Decode one render object; None when it has no usable name."""
    if type(render) is not dict and not isinstance(render, Mapping):  # dict: the usual, fast
        return None
    name = _text(render.get("name")).strip()
    if not name:
        return None
    render_id = _integer(render.get("id"))
    flags, state = _flags_and_state(render)
    machine = (sizes or {}).get(render_id) if render_id is not None else None
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
        time_update=_integer(render.get("time_update")) or 0,
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


def _resources_by_id(resources: Iterable[Mapping[str, Any]]) -> dict[int, Mapping[str, Any]]:
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
