"""What to write to which afserver job: the agent's decisions, plain functions on values.

A job is bound when its masks hold pool tokens (``@lighting``) or when ``main.py apply`` put
it in a pool. Its binding remembers the artist's own masks, the pools by ``_id`` (a renamed
pool keeps its jobs) with the revisions the written masks were built from, and the masks
written, so that the next decision starts from the artist's masks again instead of nesting
pool masks, and can tell a mask edited by hand from one afserver did not take.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from pools.block_masks import block_safe
from pools.job_masks import (
    EXCLUDE,
    INCLUDE,
    JOB_LEVEL,
    Field,
    JobView,
    Masks,
    binding_key,
    field_label,
)
from pools.masks import FIND, MATCH_NOTHING, REGEX, MaskError, combine, validate_regex
from pools.model import Pool
from pools.tokens import NEUTRAL_MASK, ParsedMask, find_mask_regex, parse_mask, token_regex

BOUND = "bound"  # the job runs on its pools; ``target`` is what it must hold
WAITING = "waiting"  # a token names no pool: the job is left as it is
REFUSED = "refused"  # a mask the agent cannot read: the job is left as it is
FINISHED = "finished"  # every task is done: nothing more is written
RELEASED = "released"  # its masks were edited by hand and hold no token any more
UNTOUCHED = "untouched"  # no token and never bound: not the agent's business

GONE_AFTER = 24 * 3600.0
"""Seconds a binding of a deleted or finished job is kept before it is dropped."""


@dataclass(frozen=True)
class PoolRef:
    """A pool a binding follows: the name it was known by then, its ``_id``, its revision."""

    name: str
    id: str
    revision: int


@dataclass(frozen=True)
class UserMask:
    """One of the artist's own masks, with the type afserver read it with."""

    text: str
    kind: str


@dataclass(frozen=True)
class Binding:
    """The agent's memory of one job (id and serial)."""

    job_id: int
    serial: int
    job_name: str
    user_name: str
    user: Mapping[Field, UserMask]
    tokens: tuple[str, ...]
    pools: tuple[PoolRef, ...]
    written: Masks
    before: Masks  # what the job held before the last write: still there = not taken
    applied: str = ""  # the ``_id`` of the pool ``main.py apply`` bound the job to
    gone_since: float = 0.0  # when the job was first seen finished or deleted
    updated_at: float = field(default=0.0, compare=False)

    @property
    def key(self) -> str:
        return binding_key(self.job_id, self.serial)

    def ref(self, name: str) -> PoolRef | None:
        return next((ref for ref in self.pools if ref.name == name), None)

    def ref_by_id(self, pool_id: str) -> PoolRef | None:
        return next((ref for ref in self.pools if ref.id == pool_id), None)


class PoolIndex:
    """The pools of one read of the store, by ``_id`` and by name, with their regexes
    computed once per pass (a pool of thousands of hosts costs milliseconds to factor)."""

    def __init__(self, entries: Iterable[tuple[str, Pool]]) -> None:
        self.by_id: dict[str, Pool] = {}
        self.by_name: dict[str, str] = {}
        for pool_id, pool in entries:
            self.by_id[pool_id] = pool
            self.by_name[pool.name] = pool_id
        self._find: dict[tuple[tuple[str, ...], frozenset[str] | None], str | None] = {}
        self._tokens: dict[frozenset[str], str] = {}
        self._blocks: dict[str, str] = {}

    def hosts(self, ids: frozenset[str]) -> list[str]:
        found: dict[str, None] = {}
        for pool_id in sorted(ids):
            pool = self.by_id.get(pool_id)
            if pool is not None:
                found.update(dict.fromkeys(pool.effective_hostnames))
        return list(found)

    def find_regex(self, parsed: ParsedMask, ids: frozenset[str]) -> str | None:
        """A find mask's regex (validated once, before anything is sent)."""
        key = (parsed.plain, ids if parsed.tokens else None)
        if key not in self._find:
            regex = find_mask_regex(parsed, self.hosts(ids))
            self._find[key] = None if regex is None else _valid(regex)
        return self._find[key]

    def token_regex(self, ids: frozenset[str]) -> str:
        """The regex of the named pools' hosts together (validated once)."""
        if ids not in self._tokens:
            self._tokens[ids] = _valid(token_regex(self.hosts(ids)))
        return self._tokens[ids]

    def block(self, regex: str) -> str:
        """A generated regex as a block's mask can hold it (``block_safe``), once each."""
        if regex not in self._blocks:
            self._blocks[regex] = _valid(block_safe(regex))
        return self._blocks[regex]


def _valid(regex: str) -> str:
    if regex != MATCH_NOTHING:
        validate_regex(regex)
    return regex


@dataclass(frozen=True)
class Decision:
    """What the agent does with one job, and what a list of jobs says about it."""

    job: JobView
    status: str
    binding: Binding | None = None  # the binding to keep; None: none (a stored one goes)
    target: Masks | None = None
    reason: str = ""  # one sentence for a waiting or refused job
    tokens: tuple[str, ...] = ()  # the pool names the job's masks hold
    unknown: tuple[str, ...] = ()  # tokens that name no pool
    pools: tuple[str, ...] = ()  # the pools the job is bound to, by their names now
    runs_nowhere: tuple[str, ...] = ()  # bound pools that are deleted or empty
    retry: bool = False  # the last write did not reach afserver

    @functools.cached_property
    def writes(self) -> bool:
        """Whether the job does not hold its target yet (asked often: computed once)."""
        return self.target is not None and self.target != self.job.masks


def decide(
    job: JobView,
    binding: Binding | None,
    pools: PoolIndex,
    now: float,
    *,
    apply: str = "",
) -> Decision:
    """The decision for one job; ``apply`` is the ``_id`` of a pool to bind it to."""
    if job.finished:
        return Decision(job, FINISHED, _gone(binding, now), pools=_names(binding, pools))
    user, fresh, retry = _user_masks(job, binding)
    # The pool ``apply`` gave lives in the job's include mask: an edit there replaces it.
    kept = "" if binding is None or (JOB_LEVEL, INCLUDE) in fresh else binding.applied
    applied = apply or kept
    try:
        parsed = {key: parse_mask(mask.text, where=_where(job, key)) for key, mask in user.items()}
        _check_regex_masks(job, user, parsed)
    except MaskError as error:
        return Decision(job, REFUSED, binding, reason=str(error))
    tokens = tuple(dict.fromkeys(name for p in parsed.values() for name in p.tokens))
    if not tokens and not applied:
        return Decision(job, RELEASED if binding else UNTOUCHED)
    refs, unknown = _resolve(parsed, fresh, binding, pools)
    if unknown:
        names = ", ".join("@" + name for name in unknown)
        reason = f"{names} {'names' if len(unknown) == 1 else 'name'} no pool."
        return Decision(job, WAITING, binding, reason=reason, tokens=tokens, unknown=unknown)
    apply_ref = _apply_ref(applied, binding, pools) if applied else None
    if apply_ref is not None:
        applied = apply_ref.id
    try:
        target = _target(user, parsed, refs, apply_ref, pools)
    except MaskError as error:  # generated masks are valid by construction: never sent if not
        return Decision(job, REFUSED, binding, reason=f"Job {job.id} ({job.name}): {error}")
    followed = list(dict.fromkeys(refs[name] for name in tokens))
    if apply_ref is not None and apply_ref not in followed:
        followed.append(apply_ref)
    writes = target != job.masks
    remembered = Binding(
        job_id=job.id,
        serial=job.serial,
        job_name=job.name,
        user_name=job.user,
        user=user,
        tokens=tokens,
        pools=tuple(_current(ref, pools) for ref in followed),
        written=target,
        before=job.masks if writes or binding is None else binding.before,
        applied=applied,
        updated_at=binding.updated_at if binding else 0.0,
    )
    if remembered == binding:
        remembered = binding  # the same object: callers compare bindings by identity first
    return Decision(
        job,
        BOUND,
        remembered,
        target=target,
        tokens=tokens,
        pools=tuple(pools.by_id[ref.id].name for ref in followed if ref.id in pools.by_id),
        runs_nowhere=tuple(ref.name for ref in followed if ref.id not in pools.by_id)
        + tuple(
            pools.by_id[ref.id].name
            for ref in followed
            if ref.id in pools.by_id and not pools.by_id[ref.id].effective_hostnames
        ),
        retry=retry,
    )


def _where(job: JobView, key: Field) -> str:
    return f"Job {job.id} ({job.name}): its {field_label(key)}"


def _gone(binding: Binding | None, now: float) -> Binding | None:
    if binding is None or binding.gone_since:
        return binding
    return replace(binding, gone_since=now)


def _names(binding: Binding | None, pools: PoolIndex) -> tuple[str, ...]:
    if binding is None:
        return ()
    return tuple(pools.by_id[ref.id].name for ref in binding.pools if ref.id in pools.by_id)


def _user_masks(
    job: JobView, binding: Binding | None
) -> tuple[dict[Field, UserMask], frozenset[Field], bool]:
    """The artist's masks, the fields read afresh from the job, and whether the last write
    did not land.

    A mask that still reads as the agent wrote it (or as it was before a write that afserver
    did not take, or the transitional mask of a block) stands for the artist's remembered
    mask; any other was edited by hand and is read as it is now, each mask on its own: a
    host excluded by hand in afwatch leaves the include mask, and its tokens, remembered.
    The job's own masks count with the type they are read with, since one action sets the
    three together: the agent's regex under a type switched back by hand is an edit too.
    """
    if binding is None:
        fields = tuple(job.fields())
        return _as_user(job, fields), frozenset(fields), False
    current, written, before = job.masks, binding.written, binding.before
    user: dict[Field, UserMask] = {}
    fresh: set[Field] = set()
    retry = False
    for key in job.fields():
        now = current.get(key)
        if key[0] == JOB_LEVEL:
            held = (current.kind, now)
            as_written = held == (written.kind, written.get(key))
            remembered = as_written or held == (before.kind, before.get(key))
        else:
            as_written = now == written.get(key)
            remembered = as_written or now in (before.get(key), NEUTRAL_MASK)
        if remembered:
            retry = retry or not as_written
            if key in binding.user:
                user[key] = binding.user[key]
        else:
            user.update(_as_user(job, [key]))
            fresh.add(key)
    return user, frozenset(fresh), retry


def _as_user(job: JobView, keys: Iterable[Field]) -> dict[Field, UserMask]:
    return {key: UserMask(job.masks.get(key), job.masks.kind) for key in keys if job.masks.get(key)}


def _check_regex_masks(
    job: JobView, user: Mapping[Field, UserMask], parsed: Mapping[Field, ParsedMask]
) -> None:
    """A regex mask is bound only when it is tokens alone; any other must be a valid regex."""
    for key, mask in user.items():
        if mask.kind != REGEX:
            continue
        found = parsed[key]
        if found.tokens and found.plain:
            raise MaskError(
                f"{_where(job, key)} '{mask.text}' is a regular expression with pool tokens "
                "inside; only a mask of tokens alone is bound, so the job is left as it is."
            )
        if not found.tokens:
            try:
                validate_regex(mask.text)
            except MaskError as error:
                raise MaskError(f"Job {job.id} ({job.name}): {error}") from None


def _resolve(
    parsed: Mapping[Field, ParsedMask],
    fresh: frozenset[Field],
    binding: Binding | None,
    pools: PoolIndex,
) -> tuple[dict[str, PoolRef], tuple[str, ...]]:
    """Each token's pool: a remembered one by ``_id``, a newly typed one by its name now."""
    refs: dict[str, PoolRef] = {}
    unknown: dict[str, None] = {}
    for key, found in parsed.items():
        for name in found.tokens:
            if name in refs:
                continue
            ref = binding.ref(name) if binding is not None and key not in fresh else None
            if ref is not None and ref.id not in pools.by_id and name in pools.by_name:
                ref = None  # its pool was deleted, and the name names one again (an undo)
            if ref is None and name in pools.by_name:
                pool_id = pools.by_name[name]
                ref = PoolRef(name, pool_id, pools.by_id[pool_id].revision)
            if ref is None:
                unknown.setdefault(name, None)
            else:
                refs[name] = ref
    return refs, tuple(unknown)


def _apply_ref(pool_id: str, binding: Binding | None, pools: PoolIndex) -> PoolRef:
    """The pool ``apply`` gave; once deleted, a pool of the name it had (an undo brings a
    deleted pool back as a new one), else the deleted one (its jobs get no host)."""
    known = binding.ref_by_id(pool_id) if binding is not None else None
    if pool_id not in pools.by_id and known is not None and known.name in pools.by_name:
        pool_id = pools.by_name[known.name]
    if pool_id in pools.by_id:
        pool = pools.by_id[pool_id]
        return PoolRef(pool.name, pool_id, pool.revision)
    return known or PoolRef("", pool_id, -1)


def _current(ref: PoolRef, pools: PoolIndex) -> PoolRef:
    pool = pools.by_id.get(ref.id)
    return replace(ref, revision=pool.revision if pool is not None else -1)


def _target(
    user: Mapping[Field, UserMask],
    parsed: Mapping[Field, ParsedMask],
    refs: Mapping[str, PoolRef],
    apply: PoolRef | None,
    pools: PoolIndex,
) -> Masks:
    """Every mask as a regex: tokens become their pools' hosts, the rest keeps its meaning;
    a pool given with ``apply`` is intersected with the job's own include mask, and a
    deleted pool in an exclude mask leaves its level no host."""
    fields: dict[Field, str] = {}
    for key, mask in user.items():
        found = parsed[key]
        ids = frozenset(refs[name].id for name in found.tokens)
        regex: str | None
        if mask.kind == REGEX and not found.tokens:
            fields[key] = mask.text  # the artist's own regex: afserver holds it already
            continue
        regex = pools.find_regex(found, ids) if mask.kind == FIND else pools.token_regex(ids)
        if regex is not None:
            fields[key] = regex if key[0] == JOB_LEVEL else pools.block(regex)
    if apply is not None:
        include = (JOB_LEVEL, INCLUDE)
        pool_regex = pools.token_regex(frozenset({apply.id}))
        fields[include] = combine(fields.get(include), pool_regex)
        if fields[include] != MATCH_NOTHING:
            validate_regex(fields[include])
    for key, found in parsed.items():
        if key[1] == EXCLUDE and any(refs[name].id not in pools.by_id for name in found.tokens):
            # The hosts of a deleted pool are not known any more: none may come in.
            fields[(key[0], INCLUDE)] = MATCH_NOTHING
    return Masks.of(REGEX, fields)


def listed(
    decisions: Iterable[Decision], *, pool: str | None = None, waiting: bool = False
) -> list[Decision]:
    """The jobs a list shows (bound, waiting, refused; finished ones while bound): those
    bound to ``pool`` (its name now), or those whose token names no pool."""
    shown = [
        d
        for d in decisions
        if d.status not in (RELEASED, UNTOUCHED) and (d.status != FINISHED or d.pools)
    ]
    if pool is not None:
        shown = [d for d in shown if pool in d.pools]
    if waiting:
        shown = [d for d in shown if d.status == WAITING]
    return shown
