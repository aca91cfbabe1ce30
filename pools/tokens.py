"""The pool token grammar: ``@lighting`` typed into any submitter's hosts mask names a pool.

None of CGRU's submitters can set a job's ``hosts_mask_type``, so new jobs are of afserver's
"find" type: the mask is split on ``| ; , :`` and space, and a host matches when its name
starts with one of the parts. A part ``@name`` names the pool ``name``; ``@`` starts no
hostname, so such a job safely waits until the agent writes the exact regex. Every other
part keeps its meaning: in a find mask it stays a prefix, so ``@lighting rnd-a`` admits the
lighting pool's hosts and every host whose name starts with ``rnd-a``, which is exactly what
afserver admitted for ``rnd-a`` before the agent acted. In ``hosts_mask_exclude`` the same
union is taken away.

In a job that is already of "regex" type, a mask is bound only when it consists entirely of
tokens and separators; a regex with a token inside it is left alone, since its meaning
around the token cannot be known.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pools.masks import (
    MATCH_NOTHING,
    MaskError,
    either,
    find_to_regex,
    find_tokens,
    include_mask,
)
from pools.regex_automaton import METACHARACTERS

TOKEN_MARK = "@"
SEPARATORS = "|;,: "
MAX_PARTS = 256
"""More parts than this in one mask is no mask a person typed; the job is left alone."""

__all__ = [
    "MAX_PARTS",
    "NEUTRAL_MASK",
    "SEPARATORS",
    "TOKEN_MARK",
    "ParsedMask",
    "find_mask_regex",
    "has_tokens",
    "parse_mask",
    "pool_token",
    "regex_reading_within_find",
    "token_regex",
    "untypeable_reason",
]


@dataclass(frozen=True)
class ParsedMask:
    """A hosts mask split into the pools its tokens name and its other (plain) parts."""

    tokens: tuple[str, ...]  # pool names, each once, in the order typed
    plain: tuple[str, ...]

    @property
    def only_tokens(self) -> bool:
        return bool(self.tokens) and not self.plain


def _token_name(part: str) -> str | None:
    """``@name`` -> ``name``; a lone ``@`` names nothing and stays a plain part."""
    if part.startswith(TOKEN_MARK) and len(part) > len(TOKEN_MARK):
        return part[len(TOKEN_MARK) :]
    return None


def has_tokens(text: str) -> bool:
    """Whether a mask names any pool (cheap: most masks hold no ``@`` at all)."""
    return TOKEN_MARK in text and any(_token_name(part) for part in find_tokens(text))


def parse_mask(text: str, *, where: str = "The hosts mask") -> ParsedMask:
    """Split a mask the way afserver splits a find mask; raise MaskError for one no person
    typed: control characters (afserver's parser would read a line break as part of a name)
    or more than ``MAX_PARTS`` parts."""
    if not text.isprintable():
        raise MaskError(f"{where} {text[:40]!r} contains a control character.")
    parts = find_tokens(text)
    if len(parts) > MAX_PARTS:
        raise MaskError(
            f"{where} has {len(parts):,} parts; afpools reads masks of at most {MAX_PARTS}."
        )
    tokens: dict[str, None] = {}
    plain: list[str] = []
    for part in parts:
        name = _token_name(part)
        if name is None:
            plain.append(part)
        else:
            tokens.setdefault(name, None)
    return ParsedMask(tuple(tokens), tuple(plain))


def find_mask_regex(parsed: ParsedMask, pool_hosts: Iterable[str]) -> str | None:
    """The regex admitting what a find mask with tokens means: the named pools' hosts
    (``pool_hosts``, their union) and every name that starts with a plain part.

    None when the mask has no part at all (no constraint, as afserver reads an empty mask).
    Pools without hosts add nothing, so a mask of tokens alone whose pools are empty or
    deleted admits no name (``MATCH_NOTHING``).
    """
    plain = find_to_regex(" ".join(parsed.plain)) if parsed.plain else None
    if not parsed.tokens:
        return plain
    return either(plain, include_mask(pool_hosts))


def token_regex(pool_hosts: Iterable[str]) -> str:
    """A regex-type mask made of tokens alone: exactly the named pools' hosts."""
    return include_mask(pool_hosts)


def pool_token(name: str) -> str | None:
    """What an artist types for this pool, or None when the name cannot be typed."""
    return None if untypeable_reason(name) else TOKEN_MARK + name


def untypeable_reason(name: str) -> str:
    """Why ``@name`` cannot name this pool in a hosts mask ('' when it can): afserver splits
    masks on spaces and ``| ; , :``, so the token would fall apart."""
    if any(char.isspace() for char in name):
        return "its name holds a space"
    found = [char for char in SEPARATORS.strip() if char in name]
    if found:
        return f"its name holds '{found[0]}', which separates the parts of a hosts mask"
    return ""


def untypeable_warning(name: str) -> str:
    """One sentence when artists cannot name this pool in a hosts mask ('' when they can);
    the pool is allowed all the same: the board and 'apply' still bind jobs to it."""
    reason = untypeable_reason(name)
    if not reason:
        return ""
    return f"Artists cannot type pool '{name}' as a token in a hosts mask: {reason}."


def regex_reading_within_find(text: str) -> bool:
    """Whether every name this find mask admits when afserver reads it as a regex, it also
    admits as a find mask.

    A job's one ``hosts_mask_type`` governs its blocks' masks too, so when a job is switched
    to "regex" a block keeps its find mask, now read as a regex, until its own (separate)
    action lands. Without metacharacters other than ``|`` the regex is alternatives of
    literal names, each of which starts with its first part, unless the alternative starts
    with a separator. Anything else is first set to a mask that admits nothing either way.
    """
    if any(char in METACHARACTERS and char != "|" for char in text):
        return False
    return not any(alt and alt[0] in SEPARATORS for alt in text.split("|"))


NEUTRAL_MASK = MATCH_NOTHING
"""Admits no host as a regex, and as a find mask only names starting with ``(?!)``."""
