"""Framing: what goes on the wire, and reading replies that arrive in any pieces."""

from __future__ import annotations

import json
from unittest.mock import patch

import pytest
from hypothesis import given
from hypothesis import strategies as st

from afserver import framing
from afserver.framing import (
    MAX_HTTP_HEADER_BYTES,
    FrameError,
    ReplyDecoder,
    encode_http,
    encode_json,
    encode_raw,
    encode_request,
    parse_json_object,
)

BODY = b'{"renders":[\n{\n"name":"rnd-a01",\n"id":1\n}\n]}'
RAW_REPLY = b"AFANASY %d JSON" % len(BODY) + BODY
# Header exactly as recorded from afserver 3.4.1 (transcript_http_post.txt).
HTTP_REPLY = (
    b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: %d\r\n"
    b"Content-Type: application/json\r\nCache-Control: max-age=0\r\n"
    b"Server: afanasy/3.4.1\r\n\r\n" % len(BODY)
) + BODY


def decode_in_pieces(reply: bytes, cut_points: list[int], *, http: bool = False) -> bytes:
    decoder = ReplyDecoder(http=http)
    start = 0
    for cut in [*sorted(cut_points), len(reply)]:
        decoder.feed(reply[start:cut])
        start = cut
    assert decoder.complete
    return decoder.body


# -- encoding ----------------------------------------------------------------------------


def test_raw_request_declares_the_utf8_byte_length_of_a_non_ascii_body() -> None:
    request = {"get": {"type": "renders", "mask": "rendú-ü"}}

    wire = encode_request(request)

    header, _, body = wire.partition(b" JSON")
    assert header.startswith(b"AFANASY ")
    declared = int(header.removeprefix(b"AFANASY "))
    assert declared == len(body) == len(body.decode("utf-8")) + 2  # two 2-byte characters
    assert json.loads(body) == request


def test_raw_framing_is_header_then_body_with_no_separator() -> None:
    assert encode_raw(b'{"a":1}') == b'AFANASY 7 JSON{"a":1}'


def test_http_request_carries_the_afanasy_header_afserver_requires() -> None:
    body = encode_json({"get": {"type": "pools"}, "name": "ü"})

    wire = encode_http(body, "farm:51000")

    head, _, sent_body = wire.partition(b"\r\n\r\n")
    lines = head.decode("ascii").split("\r\n")
    assert lines[0] == "POST / HTTP/1.1"
    assert "Host: farm:51000" in lines
    assert "Content-Type: application/json" in lines
    assert f"AFANASY: {len(body)}" in lines
    assert f"Content-Length: {len(body)}" in lines
    assert sent_body == body


def test_encoded_json_is_compact_and_keeps_non_ascii_as_utf8() -> None:
    assert encode_json({"a": [1, 2], "b": "é"}) == '{"a":[1,2],"b":"é"}'.encode()


# -- decoding ----------------------------------------------------------------------------


def test_raw_reply_in_one_piece() -> None:
    decoder = ReplyDecoder()
    assert decoder.feed(RAW_REPLY)
    assert decoder.body == BODY
    assert decoder.declared_length == len(BODY)


@pytest.mark.parametrize("http", [False, True], ids=["raw", "http"])
def test_reply_fed_one_byte_at_a_time(http: bool) -> None:
    reply = HTTP_REPLY if http else RAW_REPLY
    assert decode_in_pieces(reply, list(range(1, len(reply))), http=http) == BODY


@given(data=st.data())
def test_any_fragmentation_gives_the_same_body(data: st.DataObject) -> None:
    http = data.draw(st.booleans())
    reply = HTTP_REPLY if http else RAW_REPLY
    cuts = data.draw(st.lists(st.integers(min_value=0, max_value=len(reply)), max_size=12))
    assert decode_in_pieces(reply, cuts, http=http) == BODY


def test_bytes_after_the_declared_length_are_ignored() -> None:
    """afserver's space probes after a reply must not leak into the body."""
    decoder = ReplyDecoder()
    decoder.feed(RAW_REPLY[:-3])
    assert not decoder.complete
    assert decoder.feed(RAW_REPLY[-3:] + b"     ")
    assert decoder.body == BODY
    assert decoder.feed(b"   ")
    assert decoder.body == BODY


def test_length_counts_bytes_of_a_non_ascii_body() -> None:
    body = '{"name":"ws-ñandú"}'.encode()
    decoder = ReplyDecoder()
    decoder.feed(encode_raw(body)[:-1])
    assert not decoder.complete
    decoder.feed(encode_raw(body)[-1:])
    assert decoder.body == body


def test_progress_is_reported_while_the_body_arrives() -> None:
    decoder = ReplyDecoder()
    decoder.feed(RAW_REPLY[:30])
    assert decoder.declared_length == len(BODY)
    assert decoder.body_received == 30 - len(b"AFANASY %d JSON" % len(BODY))
    with pytest.raises(RuntimeError):
        _ = decoder.body


def test_empty_body_is_complete_at_once() -> None:
    decoder = ReplyDecoder()
    assert decoder.feed(b"AFANASY 0 JSON")
    assert decoder.body == b""


# -- bad headers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "garbage",
    [
        b"HTTP/1.1 200 OK\r\n",
        b"AFB",
        b"afanasy 10 JSON",
        b"AFANASY JSON{}",
        b"AFANASY 12 XML<a/>",
        b"AFANASY -5 JSON",
        b"AFANASY 1234567890123 JSON",
        b"\x00\x01\x02",
    ],
)
def test_raw_decoder_refuses_a_header_at_its_first_wrong_byte(garbage: bytes) -> None:
    with pytest.raises(FrameError):
        ReplyDecoder().feed(garbage)


@pytest.mark.parametrize(
    ("reply", "words"),
    [
        (b"AFANASY 5 JSON{}", "AFANASY"),
        (b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", "HTTP 404 Not Found"),
        (b"HTTP/1.1 200 OK\r\nServer: x\r\n\r\n{}", "without Content-Length"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: ten\r\n\r\n", "bad Content-Length"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "chunked"),
        (b"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "malformed HTTP header"),
        (b"SPDY/3 200 OK\r\n\r\n", "not HTTP"),
        (b"HTTP/1.1 OK\r\n\r\n", "status line"),
        (
            b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n",
            "two different",
        ),
    ],
)
def test_http_decoder_refuses_replies_it_cannot_bound(reply: bytes, words: str) -> None:
    with pytest.raises(FrameError, match=words):
        ReplyDecoder(http=True).feed(reply)


def test_http_header_size_is_bounded() -> None:
    decoder = ReplyDecoder(http=True)
    decoder.feed(b"HTTP/1.1 200 OK\r\n")
    decoder.feed(b"X-Filler: " + b"a" * (MAX_HTTP_HEADER_BYTES // 2))
    with pytest.raises(FrameError, match=f"longer than {MAX_HTTP_HEADER_BYTES}"):
        decoder.feed(b"a" * (MAX_HTTP_HEADER_BYTES // 2))


def test_a_declared_length_beyond_the_limit_is_refused_before_reading_it() -> None:
    with pytest.raises(FrameError, match="more than the 100 bytes"):
        ReplyDecoder(max_body=100).feed(b"AFANASY 101 JSON")


# -- bodies ------------------------------------------------------------------------------


def test_body_parses_to_an_object() -> None:
    assert parse_json_object(BODY) == {"renders": [{"name": "rnd-a01", "id": 1}]}


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b"this is not JSON", "not JSON"),
        (b"[1, 2, 3]", "not an object"),
        (b'{"a": "\xff"}', "not UTF-8"),
    ],
)
def test_body_that_is_not_a_json_object_is_a_frame_error(body: bytes, words: str) -> None:
    with pytest.raises(FrameError, match=words):
        parse_json_object(body)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@given(
    st.dictionaries(st.text(), json_values | st.lists(json_values, max_size=6), max_size=4),
    st.sampled_from([None, 0, 2]),
    st.sampled_from([(",", ":"), (", ", ": "), (" ,\n", " :\t")]),
)
def test_a_reply_read_in_steps_is_what_json_reads(
    reply: dict[str, object], indent: int | None, separators: tuple[str, str]
) -> None:
    text = json.dumps(reply, indent=indent, separators=separators)
    assert parse_json_object(text.encode()) == json.loads(text)
    with patch.object(framing, "STEP_CHARACTERS", 3):  # steps of a few items, cut anywhere
        assert parse_json_object(text.encode()) == json.loads(text)


def test_a_list_cut_where_a_string_or_a_nested_list_holds_a_seam_reads_whole() -> None:
    tricky = [
        {"name": "a},{b", "note": "}, {"},
        {"name": "rnd-01", "st": 1},
        {"nested": [{"x": 1}, {"y": [{"z": "},{"}]}]},
        {"name": "rnd-02", "st": 9},
        {"quote": 'say \\"},{\\" twice'},
    ]
    text = json.dumps({"renders": tricky * 50, "total": 250}, separators=(",", ":"))
    for step in (1, 5, 17, 100):
        with patch.object(framing, "STEP_CHARACTERS", step):
            assert parse_json_object(text.encode()) == json.loads(text)


@pytest.mark.parametrize(
    "body",
    [
        b'{"renders": [1, 2,]}',
        b'{"renders": [1 2]}',
        b'{"renders": [1, 2]',
        b'{"renders": [1, 2]} and more',
        b'{"renders" [1]}',
        b'{"renders": [1], }',
        b"{renders: [1]}",
        b'{"renders": [{"name": "rnd-a01"]}',
    ],
)
def test_a_broken_reply_is_a_frame_error_that_says_where(body: bytes) -> None:
    with pytest.raises(FrameError, match=r"not JSON .* at byte"):
        parse_json_object(body)
