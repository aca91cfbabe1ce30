"""The one token edit that Blender, AfStarter and Natron share (integrations/client.py): a
pick writes ``@pool`` before the artist's own text, "no pool" takes every token out, and
what afserver reads of the artist's part never changes. Also under Python 2.7 (Natron's)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from integrations import client
from integrations.client import (
    NO_POOL,
    PoolTokenError,
    mask_pools,
    mask_with_pool,
    mask_without_pools,
    pool_choice,
)
from pools.masks import find_tokens
from tests.support.python27 import PYTHON27

INTEGRATIONS = Path(client.__file__).parent


@pytest.mark.parametrize(
    ("mask", "picked"),
    [
        ("", "@lighting"),
        ("rnd-a", "@lighting rnd-a"),
        ("@gpu", "@lighting"),
        ("rnd-a, @gpu render", "@lighting rnd-a, render"),
        ("@gpu @comp rnd-b|rnd-c", "@lighting rnd-b|rnd-c"),
        ("a|@x;@y:b", "@lighting a|b"),
    ],
)
def test_a_pick_writes_the_token_before_the_artists_own_text(mask: str, picked: str) -> None:
    assert mask_with_pool(mask, "lighting") == picked
    assert mask_pools(picked) == ["lighting"]


@pytest.mark.parametrize(
    ("mask", "cleared"),
    [
        ("@lighting", ""),
        ("@lighting rnd-a", "rnd-a"),
        ("rnd-a @gpu, @comp", "rnd-a"),
        ("  rnd-a  ", "  rnd-a  "),  # no token: the artist's text exactly as typed
    ],
)
def test_no_pool_takes_every_token_out_and_nothing_else(mask: str, cleared: str) -> None:
    assert mask_with_pool(mask, NO_POOL) == cleared
    assert mask_with_pool(mask, None) == cleared


def test_non_ascii_pool_names_are_written_as_they_are() -> None:
    assert mask_with_pool("rnd-ä", "Łódź-nuit") == "@Łódź-nuit rnd-ä"
    assert mask_pools("@Łódź-nuit rnd-ä") == ["Łódź-nuit"]


@pytest.mark.parametrize("name", ["night shift", "a,b", "x|y", "g:1", "s;t"])
def test_a_name_that_cannot_be_a_token_is_refused_in_one_sentence(name: str) -> None:
    with pytest.raises(PoolTokenError) as raised:
        mask_with_pool("rnd-a", name)
    sentence = str(raised.value)
    assert sentence == (
        f"The pool '{name}' cannot be picked: its name holds a space or one of | ; , :, "
        "which end a token in a hosts mask."
    )


def test_a_mask_that_would_not_fit_its_field_is_refused() -> None:
    mask = "rnd-" + "a" * 500
    with pytest.raises(PoolTokenError, match=r"longer than the 511 bytes its field holds"):
        mask_with_pool(mask, "lighting", max_bytes=511)
    assert mask_with_pool(mask, "gpu", max_bytes=len(mask) + 5) == "@gpu " + mask


def test_a_choice_lists_the_pickable_pools_and_names_the_current_one() -> None:
    choice = pool_choice(["lighting", "gpu"], "@gpu rnd-a")
    assert choice == {"pools": ["lighting", "gpu"], "current": "gpu", "missing": [], "notes": []}


def test_a_pool_that_is_gone_stays_in_the_choice_and_gets_a_sentence() -> None:
    choice = pool_choice(["lighting"], "@comp rnd-a")
    assert choice["pools"] == ["lighting", "comp"]
    assert choice["current"] == "comp"
    assert choice["missing"] == ["comp"]
    assert choice["notes"] == [
        "The pool 'comp' no longer exists: a job sent with @comp waits until an admin "
        "creates it again; pick another pool."
    ]


def test_two_tokens_get_a_sentence_and_the_first_is_current() -> None:
    choice = pool_choice(["lighting", "gpu"], "@gpu @lighting")
    assert choice["current"] == "gpu"
    assert choice["notes"] == [
        "The hosts mask names 2 pools (@gpu, @lighting), so the job may run in any of them; "
        "picking one here replaces them all."
    ]


def test_names_with_separators_are_not_offered() -> None:
    choice = pool_choice(["lighting", "night shift", "a,b"], "")
    assert choice["pools"] == ["lighting"]
    assert choice["notes"] == [
        "2 pools cannot be picked here: a name with a space or one of | ; , : cannot be a token."
    ]


def test_without_the_services_list_the_masks_pool_is_shown_and_not_called_missing() -> None:
    assert pool_choice(None, "@comp") == {
        "pools": ["comp"],
        "current": "comp",
        "missing": [],
        "notes": [],
    }


MASK_TEXT = st.text(alphabet="ab-@|;,: Łé1", max_size=30)
POOL = st.text(alphabet="abcŁ-_1", min_size=1, max_size=8)


@given(MASK_TEXT)
def test_the_split_is_afservers_find_split(mask: str) -> None:
    pieces = [text for text, _separators in client._mask_pieces(mask) if text]
    assert pieces == find_tokens(mask)


def _artist_part(mask: str) -> list[str]:
    return [token for token in find_tokens(mask) if not token.startswith("@")]


@given(MASK_TEXT, POOL)
def test_what_afserver_reads_of_the_artists_part_never_changes(mask: str, pool: str) -> None:
    picked = mask_with_pool(mask, pool)
    assert [t for t in find_tokens(picked) if t.startswith("@")] == ["@" + pool]
    assert _artist_part(picked) == _artist_part(mask)
    assert _artist_part(mask_with_pool(picked, NO_POOL)) == _artist_part(mask)
    assert mask_pools(mask_with_pool(picked, NO_POOL)) == []
    assert find_tokens(mask_without_pools(picked)) == _artist_part(mask)


PY27_SCRIPT = """
# -*- coding: utf-8 -*-
import json, sys
sys.path.insert(0, sys.argv[1])
import client
cases = json.loads(sys.argv[2])
out = []
for mask, pool in cases:
    as_bytes = mask.encode("utf-8")
    out.append([
        client.mask_with_pool(mask, pool),
        client.mask_with_pool(as_bytes, pool.encode("utf-8")),
        client.mask_pools(as_bytes),
        client.pool_choice([u"lighting"], as_bytes)["notes"],
    ])
try:
    client.mask_with_pool(u"x", u"night shift")
except client.PoolTokenError as error:
    out.append(unicode(error))
print(json.dumps(out))
"""

PY27_CASES = [
    ["rnd-a, @gpu render", "lighting"],
    ["@Łódź rnd-ä", "nuit-é"],
    ["@a @b", ""],
]


@pytest.mark.skipif(
    PYTHON27 is None, reason="no Python 2.7 on this machine (pyenv's 2.7 is looked for)"
)
def test_python_27_makes_the_same_edits_from_unicode_and_from_utf8_bytes() -> None:
    assert PYTHON27 is not None
    done = subprocess.run(
        [PYTHON27, "-c", PY27_SCRIPT, str(INTEGRATIONS), json.dumps(PY27_CASES)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    *edits, refusal = json.loads(done.stdout)
    for (mask, pool), (from_text, from_bytes, pools, notes) in zip(PY27_CASES, edits, strict=True):
        assert from_text == from_bytes == mask_with_pool(mask, pool)
        assert pools == mask_pools(mask)
        assert notes == pool_choice(["lighting"], mask)["notes"]
    with pytest.raises(PoolTokenError) as raised:
        mask_with_pool("x", "night shift")
    assert refusal == str(raised.value)
