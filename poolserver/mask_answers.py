"""``GET /v1/pools/{name}/mask``: the exact masks of ``pools.masks``, asked for by plugins.

``kind=include`` answers what a job needs to stay on the pool: the pool's regex, combined
with the job's own mask (``user_mask``) exactly as ``main.py apply`` does it, and the job's
own exclude mask (``user_exclude``) converted to regex, since the job's type becomes regex.
``kind=exclude`` answers the 2019 tool's way: every known host outside the pool, joined
with the job's own exclude mask (``user_mask``) when one is given.

Answers are computed on first use and kept per snapshot, a bounded number of them, so a
plugin asking the same question a thousand times costs one computation.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass

from pools.errors import PoolNotFoundError
from pools.masks import FIND, REGEX, MaskError, exclude_job_mask, exclude_mask, job_masks
from poolserver.snapshot import AFSERVER_OK, Resource, Snapshot, resource

INCLUDE = "include"
EXCLUDE = "exclude"
MAX_USER_MASK = 2048  # longer than any hand-typed mask; bounds the work one request causes
PARAMETERS = ("kind", "user_mask", "user_mask_type", "user_exclude")
KEPT_ANSWERS = 2048


@dataclass(frozen=True)
class MaskQuery:
    pool: str
    kind: str = INCLUDE
    user_mask: str = ""
    user_type: str = FIND
    user_exclude: str = ""


def parse_query(pool: str, query: Mapping[str, str], repeated: set[str]) -> MaskQuery:
    """Check the query string; a mistake becomes one sentence (answered with 400)."""
    unknown = sorted(set(query) - set(PARAMETERS))
    if unknown:
        raise MaskError(
            f"The parameter '{unknown[0]}' is unknown; this route takes {', '.join(PARAMETERS)}."
        )
    if repeated:
        raise MaskError(f"The parameter '{sorted(repeated)[0]}' is given more than once.")
    kind = query.get("kind", INCLUDE) or INCLUDE
    if kind not in (INCLUDE, EXCLUDE):
        raise MaskError(f"kind must be 'include' or 'exclude', not '{kind[:40]}'.")
    user_type = query.get("user_mask_type", FIND) or FIND
    if user_type not in (FIND, REGEX):
        raise MaskError(f"user_mask_type must be 'find' or 'regex', not '{user_type[:40]}'.")
    user_mask = query.get("user_mask", "")
    user_exclude = query.get("user_exclude", "")
    for label, text in (("user_mask", user_mask), ("user_exclude", user_exclude)):
        if len(text) > MAX_USER_MASK:
            raise MaskError(f"{label} can have at most {MAX_USER_MASK} characters.")
    if kind == EXCLUDE and user_exclude:
        raise MaskError("user_exclude goes with kind=include; with kind=exclude use user_mask.")
    return MaskQuery(pool, kind, user_mask, user_type, user_exclude)


class MaskBook:
    """The mask answers of one snapshot."""

    def __init__(self, snapshot: Snapshot, limit: int = KEPT_ANSWERS) -> None:
        self._snapshot = snapshot
        self._limit = limit
        self._answers: OrderedDict[MaskQuery, Resource] = OrderedDict()
        self._excludes: dict[str, str] = {}

    def answer(self, query: MaskQuery) -> Resource:
        found = self._answers.get(query)
        if found is not None:
            self._answers.move_to_end(query)
            return found
        made = self._compute(query)
        self._answers[query] = made
        if len(self._answers) > self._limit:
            self._answers.popitem(last=False)
        return made

    def _compute(self, query: MaskQuery) -> Resource:
        snapshot = self._snapshot
        pool = snapshot.pools.get(query.pool)
        if pool is None:
            raise PoolNotFoundError(f"There is no pool named '{query.pool}'.")
        answer: dict[str, object] = {
            "pool": pool.name,
            "kind": query.kind,
            "hosts_mask_type": REGEX,
            "hosts": len(pool.effective_hostnames),
            "revision": snapshot.revision,
        }
        if query.kind == INCLUDE:
            masks = job_masks(
                snapshot.include_masks[pool.name],
                query.user_mask or None,
                query.user_exclude or None,
                query.user_type,
            )
            answer["mask"] = masks.hosts_mask
            answer["hosts_mask_exclude"] = masks.hosts_mask_exclude
        else:
            outside = self._excludes.get(pool.name)
            if outside is None:
                outside = exclude_mask(pool.effective_hostnames, snapshot.exclude_names())
                self._excludes[pool.name] = outside
            answer["mask"] = exclude_job_mask(outside, query.user_mask or None, query.user_type)
            answer["afserver"] = snapshot.afserver == AFSERVER_OK
        return resource(answer)
