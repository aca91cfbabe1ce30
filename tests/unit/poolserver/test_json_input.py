"""Client JSON is parsed with a bound on its nesting, so deep input is an error, not a crash."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from poolserver.json_input import MAX_DEPTH, TooDeepError, load_json, nesting_depth

values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=20,
)


def depth_of(value: object) -> int:
    if isinstance(value, list):
        return 1 + max(map(depth_of, value), default=0)
    if isinstance(value, dict):
        return 1 + max(map(depth_of, value.values()), default=0)
    return 0


@given(values)
def test_the_depth_is_that_of_the_value_brackets_in_strings_aside(value: object) -> None:
    assert nesting_depth(json.dumps(value).encode()) == depth_of(value)


def test_brackets_inside_strings_and_escaped_quotes_do_not_count() -> None:
    assert nesting_depth(rb'{"a": "[[[{{{", "b\"[[": ["\\"]}') == 2


@pytest.mark.parametrize("depth", [5000, 1500, MAX_DEPTH + 1])
def test_json_deeper_than_the_bound_is_refused_before_parsing(depth: int) -> None:
    raw = b'{"hosts": ' + b"[" * (depth - 1) + b"]" * (depth - 1) + b"}"
    with pytest.raises(TooDeepError, match=f"deeper than {MAX_DEPTH} levels"):
        load_json(raw)


def test_json_as_deep_as_the_bound_is_read() -> None:
    raw = b"[" * MAX_DEPTH + b"]" * MAX_DEPTH
    assert depth_of(load_json(raw)) == MAX_DEPTH


@pytest.mark.parametrize("raw", [b"{", b"\xff\xfe{}", b"[1,]", b'"unclosed'])
def test_what_is_not_json_is_a_value_error(raw: bytes) -> None:
    with pytest.raises(ValueError):
        load_json(raw)
