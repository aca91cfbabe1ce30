"""The 2019 request ends where its JSON object closes, however the bytes are split."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from poolserver.legacy import ObjectScanner

values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=10,
)


@given(
    obj=st.dictionaries(st.text(), values, max_size=4),
    tail=st.binary(max_size=20),
    cuts=st.lists(st.integers(min_value=0, max_value=400), max_size=6),
    lead=st.sampled_from([b"", b" ", b"\r\n\t "]),
)
def test_the_end_is_found_whatever_the_split(
    obj: dict[str, object], tail: bytes, cuts: list[int], lead: bytes
) -> None:
    encoded = lead + json.dumps(obj).encode("utf-8")
    stream = encoded + tail
    scanner = ObjectScanner()
    buffer, end = b"", None
    points = sorted({c for c in cuts if c < len(stream)} | {len(stream)})
    start = 0
    for point in points:
        buffer += stream[start:point]
        start = point
        end = scanner.feed(buffer)
        if end is not None:
            break
    assert end == len(encoded)
    assert json.loads(stream[:end]) == obj


@pytest.mark.parametrize("start", [b"[1]", b"GET /", b'"text"', b"  x"])
def test_anything_but_an_object_is_refused_at_once(start: bytes) -> None:
    with pytest.raises(ValueError, match="not a JSON object"):
        ObjectScanner().feed(start)


def test_braces_inside_strings_do_not_count() -> None:
    raw = b'{"a": "}{\\"}", "b": [1, {"c": "]"}]} trailing'
    assert ObjectScanner().feed(raw) == raw.index(b" trailing")
