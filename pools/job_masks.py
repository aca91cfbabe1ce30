"""afserver jobs as the agent reads them: who, in what state, and every hosts mask they hold.

A job carries ``hosts_mask`` and ``hosts_mask_exclude`` of its own and on each block, and one
``hosts_mask_type`` that governs all of them (CGRU ``server/jobaf.cpp``). afserver leaves an
empty mask out of its answers, so a missing field and ``""`` are the same here.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pools.errors import AfpoolsError
from pools.masks import FIND, REGEX

JOB_LEVEL = -1
"""The block number under which the job's own masks are kept."""
INCLUDE = "hosts_mask"
EXCLUDE = "hosts_mask_exclude"
TYPE = "hosts_mask_type"
MASK_NAMES = (INCLUDE, EXCLUDE)
DONE = 16  # the job state bit afserver sets when every task has finished
JOB_STATE_WORDS = (
    (1, "RDY"),
    (2, "RUN"),
    (4, "WDP"),
    (8, "WTM"),
    (16, "DON"),
    (32, "ERR"),
    (64, "STO"),
    (128, "STE"),
    (256, "SKP"),
    (512, "OFF"),
    (1024, "WRN"),
)

Field = tuple[int, str]
"""(block number or ``JOB_LEVEL``, ``INCLUDE`` or ``EXCLUDE``)."""


class JobShapeError(AfpoolsError):
    """A job in afserver's answer that the agent cannot read; the job is left alone."""


def field_label(key: Field) -> str:
    """How a mask is named in a sentence: "hosts_mask", "block 1 hosts_mask_exclude"."""
    block, name = key
    return name if block == JOB_LEVEL else f"block {block} {name}"


def stored_key(key: Field) -> str:
    """A field as a MongoDB key (no dots): "hosts_mask", "1:hosts_mask_exclude"."""
    block, name = key
    return name if block == JOB_LEVEL else f"{block}:{name}"


def parse_stored_key(text: str) -> Field:
    block, _, name = text.rpartition(":")
    if name not in MASK_NAMES or (block and not block.isdigit()):
        raise ValueError(f"not a mask field: {text!r}")
    return (int(block) if block else JOB_LEVEL, name)


@dataclass(frozen=True)
class Masks:
    """A job's masks as afserver holds them: the one type, and every non-empty mask."""

    kind: str
    fields: Mapping[Field, str] = field(default_factory=dict)

    @classmethod
    def of(cls, kind: str, fields: Mapping[Field, str]) -> Masks:
        return cls(kind, {key: text for key, text in sorted(fields.items()) if text})

    def get(self, key: Field) -> str:
        return self.fields.get(key, "")

    def job_level(self) -> tuple[str, str, str]:
        """What one job-level action sets together: type, include and exclude."""
        return self.kind, self.get((JOB_LEVEL, INCLUDE)), self.get((JOB_LEVEL, EXCLUDE))

    def __hash__(self) -> int:
        return hash((self.kind, tuple(sorted(self.fields.items()))))


@dataclass(frozen=True)
class JobView:
    """One afserver job: enough to decide its masks and to show it in a list."""

    id: int
    serial: int
    name: str
    user: str
    st: int
    running: int
    blocks: tuple[int, ...]
    masks: Masks
    ready: int = 0  # tasks ready to start (afserver's tasks_ready), for the usage charts

    @functools.cached_property
    def key(self) -> str:
        return binding_key(self.id, self.serial)

    @property
    def finished(self) -> bool:
        return bool(self.st & DONE)

    @property
    def state(self) -> str:
        """afserver's state words without its leading space: "RDY RUN"."""
        return " ".join(word for bit, word in JOB_STATE_WORDS if self.st & bit)

    def fields(self) -> Iterable[Field]:
        """Every mask field this job has, set or not."""
        yield (JOB_LEVEL, INCLUDE)
        yield (JOB_LEVEL, EXCLUDE)
        for block in self.blocks:
            yield (block, INCLUDE)
            yield (block, EXCLUDE)


def binding_key(job_id: int, serial: int) -> str:
    """afserver reuses job ids after a restart; the serial tells two jobs apart."""
    return f"{job_id}:{serial}"


def read_job(obj: Mapping[str, Any]) -> JobView:
    """A job of afserver's list answer; JobShapeError in one sentence when it is not one."""
    job_id = obj.get("id")
    if not _is_int(job_id):
        raise JobShapeError(f"afserver listed a job without a numeric id ({_short(obj)}).")
    assert isinstance(job_id, int)
    where = f"Job {job_id}"
    serial = obj.get("serial", 0)
    if not _is_int(serial):
        raise JobShapeError(f"{where} has a serial that is not a number ({serial!r}).")
    kind = obj.get(TYPE)
    if kind is None:
        raise JobShapeError(
            f"{where} came without a hosts_mask_type, so afpools cannot tell how afserver "
            "reads its masks; it is left alone."
        )
    if kind not in (FIND, REGEX):
        raise JobShapeError(f"{where} has the unknown hosts_mask_type {kind!r}; it is left alone.")
    fields: dict[Field, str] = {}
    _read_masks(obj, JOB_LEVEL, fields, where)
    blocks: list[int] = []
    raw_blocks = obj.get("blocks", [])
    if not isinstance(raw_blocks, list):
        raise JobShapeError(f"{where} has a 'blocks' that is not a list.")
    for index, block in enumerate(raw_blocks):
        if not isinstance(block, Mapping):
            raise JobShapeError(f"{where} has a block that is not an object.")
        number = block.get("block_num", index)
        if not _is_int(number) or number != index:
            raise JobShapeError(f"{where} has block {index} numbered {number!r}.")
        blocks.append(index)
        _read_masks(block, index, fields, f"{where} block {index}")
    return JobView(
        id=job_id,
        serial=int(serial),
        name=_text(obj.get("name")),
        user=_text(obj.get("user_name")),
        st=_int_or_zero(obj.get("st")),
        running=_int_or_zero(obj.get("running_tasks_num")),
        blocks=tuple(blocks),
        masks=Masks.of(kind, fields),
        ready=_int_or_zero(obj.get("tasks_ready")),
    )


def _read_masks(obj: Mapping[str, Any], block: int, into: dict[Field, str], where: str) -> None:
    for name in MASK_NAMES:
        value = obj.get(name, "")
        if not isinstance(value, str):
            raise JobShapeError(f"{where} has a {name} that is not text ({value!r}).")
        if value:
            into[(block, name)] = value


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _int_or_zero(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _short(obj: Mapping[str, Any]) -> str:
    text = repr(dict(obj))
    return text if len(text) <= 60 else text[:57] + "..."
