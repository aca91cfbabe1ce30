"""Every 2019 header is exactly 1,024 bytes, whatever the error message says."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from poolserver.legacy import error_header, response_header

HEADER_BYTES = 1024  # the 2019 clients' recv(1024)


def test_a_response_header_is_json_padded_with_spaces_to_1024_bytes() -> None:
    header = response_header(12345)
    assert len(header) == HEADER_BYTES
    assert header.startswith(b'{"type": "response", "size": 12345}')
    assert header.endswith(b" ")
    assert json.loads(header) == {"type": "response", "size": 12345}


def test_a_short_error_keeps_its_whole_message() -> None:
    header = error_header("The request is not valid JSON.")
    assert len(header) == HEADER_BYTES
    assert json.loads(header)["message"] == "The request is not valid JSON."


@pytest.mark.parametrize("char", ["x", "é", '"', "\n", "🐍"], ids=repr)
def test_a_message_too_long_to_fit_is_shortened_so_the_header_still_fits(char: str) -> None:
    message = "MongoDB cannot be reached: " + char * 3000
    header = error_header(message)
    assert len(header) == HEADER_BYTES
    shown = json.loads(header)["message"]
    assert shown.endswith("...")
    kept = shown.removesuffix("...")
    assert message.startswith(kept)
    one_more = {"type": "error", "message": message[: len(kept) + 1] + "..."}
    assert len(json.dumps(one_more)) > HEADER_BYTES  # cut no shorter than it had to be


@given(st.text(max_size=1500))
def test_every_message_gives_a_1024_byte_header_that_parses(message: str) -> None:
    header = error_header(message)
    assert len(header) == HEADER_BYTES
    shown = json.loads(header)["message"]
    assert shown == message or (
        shown.endswith("...") and message.startswith(shown.removesuffix("..."))
    )
