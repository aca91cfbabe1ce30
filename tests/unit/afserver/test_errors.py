"""Each afserver failure reads as one sentence that names the server."""

from __future__ import annotations

import pytest

from afserver.errors import (
    AfserverError,
    AfserverProtocolError,
    AfserverRejectedError,
    AfserverTimeoutError,
    AfserverTruncatedError,
    AfserverUnreachableError,
)
from pools.errors import AfpoolsError

ADDRESS = "farm:51000"


@pytest.mark.parametrize(
    ("error", "sentence"),
    [
        (AfserverUnreachableError(ADDRESS), "afserver at farm:51000 refused the connection."),
        (
            AfserverUnreachableError(ADDRESS, "Name or service not known"),
            "afserver at farm:51000 could not be reached: Name or service not known.",
        ),
        (AfserverTimeoutError(ADDRESS, 5.0), "afserver at farm:51000 did not answer within 5 s."),
        (
            AfserverTimeoutError(ADDRESS, 0.25),
            "afserver at farm:51000 did not answer within 0.25 s.",
        ),
        (
            AfserverTruncatedError(ADDRESS, 120, 1797),
            "afserver at farm:51000 sent a truncated reply (120 of 1797 bytes).",
        ),
        (
            AfserverTruncatedError(ADDRESS, 5, None),
            "afserver at farm:51000 sent a truncated reply (only 5 bytes of its header).",
        ),
        (
            AfserverProtocolError(ADDRESS, "a reply that is not JSON"),
            "afserver at farm:51000 sent a reply that is not JSON.",
        ),
        (
            AfserverRejectedError(ADDRESS, "Invalid get type = 'bogus'"),
            "afserver at farm:51000 rejected the request: Invalid get type = 'bogus'.",
        ),
        (
            AfserverRejectedError(ADDRESS, "Pool '/nope' does not exist."),
            "afserver at farm:51000 rejected the request: Pool '/nope' does not exist.",
        ),
    ],
)
def test_message_is_one_sentence(error: AfserverError, sentence: str) -> None:
    assert str(error) == sentence
    assert isinstance(error, AfpoolsError)
    assert error.address == ADDRESS


def test_multi_line_server_text_is_flattened_but_kept_whole() -> None:
    text = "Missing a comma or '}' after an object member. (at character 25 of 25):\n"
    error = AfserverRejectedError(ADDRESS, text)
    assert "\n" not in str(error)
    assert str(error).endswith("after an object member. (at character 25 of 25).")
    assert error.server_text == text


def test_empty_server_text_still_makes_a_sentence() -> None:
    assert str(AfserverRejectedError(ADDRESS, "")).endswith(
        "rejected the request: (no reason given)."
    )
