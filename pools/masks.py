"""Afanasy host masks for pools: what a job gets so that it runs only on a pool's hosts.

afserver matches ``hosts_mask`` and ``hosts_mask_exclude`` against render names with
std::regex (ECMAScript, whole-name ``regex_match``) when ``hosts_mask_type`` is "regex",
and by name prefix when it is "find". A pool becomes a regex that matches exactly its
hosts; the user's own masks are converted to regex and intersected with it, because one
``hosts_mask_type`` applies to both masks of a job.

afserver accepts an invalid regex without complaint and then never runs the job, so every
regex written here is either generated (valid by construction) or checked first.
"""

from __future__ import annotations

import functools
import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass

from pools.errors import AfpoolsError
from pools.regex_automaton import as_item, escape, words_regex

__all__ = [
    "FIND",
    "MATCH_NOTHING",
    "REGEX",
    "JobMasks",
    "MaskError",
    "admits_any",
    "combine",
    "either",
    "escape",
    "exclude_job_mask",
    "exclude_mask",
    "find_to_regex",
    "find_tokens",
    "include_mask",
    "job_masks",
    "matches",
    "pool_job_masks",
    "user_mask_regex",
    "validate_regex",
]

FIND = "find"
REGEX = "regex"

MATCH_NOTHING = "(?!)"
"""A negative lookahead of nothing always fails: no name, not even "", matches.

An empty mask would mean "all hosts" to afserver, so an empty pool needs this instead.
"""

_FIND_SEPARATORS = re.compile(r"[|;,: ]")


class MaskError(AfpoolsError, ValueError):
    """A hosts mask that afserver could not use; ``str(error)`` is one plain sentence."""


@dataclass(frozen=True)
class JobMasks:
    """What to write to a job so that it stays on a pool.

    An empty ``hosts_mask_exclude`` means "leave it unset": CGRU's ``setHostsMask*`` refuse
    an empty string, and an empty mask is no constraint to afserver anyway.
    """

    hosts_mask: str
    hosts_mask_exclude: str
    hosts_mask_type: str = REGEX


def include_mask(hostnames: Iterable[str]) -> str:
    """The regex matching exactly ``hostnames``, compact enough for thousands of hosts.

    Same set, same string, whatever the order or duplicates. Empty names are ignored (a
    render always has a name); no name at all gives ``MATCH_NOTHING``.
    """
    node = words_regex(hostnames)
    return MATCH_NOTHING if node is None else node.text


def exclude_mask(pool_hostnames: Iterable[str], all_hostnames: Iterable[str]) -> str:
    """The regex matching every known host outside the pool (how the 2019 tool did pools)."""
    pool = set(pool_hostnames)
    return include_mask(name for name in all_hostnames if name not in pool)


def find_tokens(mask: str) -> list[str]:
    """The prefixes of a "find" mask, split the way afserver splits it."""
    return [token for token in _FIND_SEPARATORS.split(mask) if token]


def find_to_regex(mask: str) -> str | None:
    """The regex equivalent of a "find" mask (names starting with any token); None = all.

    A token that extends another token adds nothing (``pc`` already covers ``pc-01``), so
    only the shortest prefixes are kept before they are factored like a pool. The tail is
    ``.*``: ``.`` skips only line breaks, which render names never contain.
    """
    tokens = sorted(set(find_tokens(mask)))
    kept: list[str] = []
    for token in tokens:  # sorted: a prefix comes right before the tokens it covers
        if not kept or not token.startswith(kept[-1]):
            kept.append(token)
    node = words_regex(kept)
    return None if node is None else as_item(node) + ".*"


def user_mask_regex(mask: str | None, mask_type: str) -> str | None:
    """A user's own mask as a regex; None when it is empty (no constraint at all)."""
    if mask_type not in (FIND, REGEX):
        raise MaskError(
            f"The hosts mask type '{mask_type}' is unknown; afserver knows 'find' and 'regex'."
        )
    if not mask:
        return None
    if mask_type == FIND:
        return find_to_regex(mask)
    validate_regex(mask)
    return mask


def combine(user_regex: str | None, pool_regex: str) -> str:
    """A regex matching the names both match: the user's mask becomes a whole-name lookahead.

    std::regex (ECMAScript) supports ``(?=...)``; ``$`` inside it pins the user's mask to
    the whole name just as ``regex_match`` would.
    """
    if user_regex is None or pool_regex == MATCH_NOTHING:
        return pool_regex
    return f"(?=(?:{user_regex})$)(?:{pool_regex})"


def either(first: str | None, second: str) -> str:
    """A regex matching the names either matches (whole-name, as afserver's regex_match).

    ``first`` None is no mask at all and adds nothing; ``MATCH_NOTHING`` adds nothing either.
    """
    if first is None:
        return second
    if second == MATCH_NOTHING:
        return first
    return f"(?:{first})|(?:{second})"


def pool_job_masks(
    pool_hostnames: Iterable[str],
    user_mask: str | None,
    user_exclude: str | None,
    user_type: str,
) -> JobMasks:
    """Masks that keep a job on the pool's hosts and still honour the user's own masks.

    The job's type becomes "regex", which also changes how afserver reads the exclude
    mask, so a "find" exclude mask is converted as well.
    """
    return job_masks(include_mask(pool_hostnames), user_mask, user_exclude, user_type)


def job_masks(
    pool_regex: str, user_mask: str | None, user_exclude: str | None, user_type: str
) -> JobMasks:
    """``pool_job_masks`` for a pool whose regex is built already (the service keeps them:
    factoring 5,000 names again for every question would cost milliseconds each)."""
    include = combine(user_mask_regex(user_mask, user_type), pool_regex)
    exclude = user_mask_regex(user_exclude, user_type)
    return JobMasks(hosts_mask=include, hosts_mask_exclude=exclude or "")


def exclude_job_mask(outside_regex: str, user_exclude: str | None, user_type: str) -> str:
    """The 2019 tool's way to keep a job on a pool: an exclude mask for every known host
    outside it (``exclude_mask``), joined with the job's own exclude mask as a regex."""
    return either(user_mask_regex(user_exclude, user_type), outside_regex)


def admits_any(masks: JobMasks, hostnames: Iterable[str]) -> bool:
    """Whether a job with these masks may run on at least one of ``hostnames``.

    A job whose own mask and its pool have no host in common waits for ever, and afserver
    does not say why: the admin is told instead. An empty exclude mask excludes nothing.
    """
    return any(
        matches(masks.hosts_mask, name)
        and not (masks.hosts_mask_exclude and matches(masks.hosts_mask_exclude, name))
        for name in hostnames
    )


def matches(mask: str, name: str) -> bool:
    """Python's stand-in for afserver's ``regex_match``; exact for the masks built here.

    ``re.ASCII`` keeps ``\\d`` to 0-9 as in std::regex's "C" locale. The C++ harness in
    tests/support is the reference for anything else.
    """
    return _compiled(mask).fullmatch(name) is not None


@functools.lru_cache(maxsize=256)
def _compiled(mask: str) -> re.Pattern[str]:
    return re.compile(mask, re.ASCII)


# -------------------------------------------------------------------------- validation

_PYTHON_ONLY_GROUPS = {
    "P": "named groups (?P...) exist only in Python",
    "#": "comments (?#...) exist only in Python",
    ">": "atomic groups (?>...) exist only in Python",
    "(": "conditional groups (?(...)...) exist only in Python",
    "<": "lookbehind and named groups (?<...) are not supported by afserver's std::regex",
}
_PYTHON_ONLY_ESCAPES = {
    "A": "\\A means 'start' only in Python; write ^ instead",
    "Z": "\\Z means 'end' only in Python; write $ instead",
}
_QUANTIFIER = re.compile(r"\{\d+(,\d*)?\}")


def validate_regex(mask: str) -> None:
    """Refuse a regex that std::regex could not compile or would read differently.

    Python's ``re`` stands in for ECMAScript: what it rejects is rejected, and so are the
    Python-only spellings people copy from Python documentation (``(?P<``, ``(?#``,
    ``(?i)``, ``(?>``, ``\\A``, ``\\Z``, possessive ``*+``) and a ``{`` that does not start
    a ``{n}``/``{n,}``/``{n,m}`` count (Python reads it as a letter, std::regex refuses
    it). The check is deliberately modest; the C++ harness in tests is the real referee.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            re.compile(mask)
    except re.error as error:
        raise MaskError(_invalid(mask, error.msg)) from None
    problem = _python_only_construct(mask)
    if problem is not None:
        raise MaskError(_invalid(mask, problem))


def _invalid(mask: str, reason: str) -> str:
    return f"The hosts mask '{mask}' is not a valid regular expression: {reason}."


def _python_only_construct(mask: str) -> str | None:
    """Scan outside character classes for constructs std::regex lacks or reads otherwise."""
    index = 0
    after_quantifier = False
    while index < len(mask):
        char = mask[index]
        following = mask[index + 1 : index + 2]
        if char == "\\":
            if following in _PYTHON_ONLY_ESCAPES:
                return _PYTHON_ONLY_ESCAPES[following]
            index, after_quantifier = index + 2, False
            continue
        if char == "[":
            if mask.startswith(("]", "^]"), index + 1):
                return "'[]' is an empty class in afserver's ECMAScript; write \\] for a ']'"
            index, after_quantifier = _skip_class(mask, index), False
            continue
        if char == "(" and following == "?":
            problem = _group_problem(mask[index + 2 : index + 3])
            if problem is not None:
                return problem
        if char == "+" and after_quantifier:
            return "possessive quantifiers like *+ exist only in Python"
        if char == "{":
            count = _QUANTIFIER.match(mask, index)
            if count is None:
                return "a '{' must start a count such as {2} or {1,3}; write \\{ for the letter"
            index, after_quantifier = count.end(), True
            continue
        after_quantifier = char in "*+?" and not after_quantifier
        index += 1
    return None


def _group_problem(kind: str) -> str | None:
    if kind in (":", "=", "!"):
        return None
    return _PYTHON_ONLY_GROUPS.get(kind, "inline flags like (?i) exist only in Python")


def _skip_class(mask: str, start: int) -> int:
    """The index just past the class opening at ``start`` (``re`` has checked it closes)."""
    index = start + 2 if mask.startswith("^", start + 1) else start + 1
    while index < len(mask) and mask[index] != "]":
        index += 2 if mask[index] == "\\" else 1
    return index + 1
