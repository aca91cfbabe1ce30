"""How long a user waits for an unreachable MongoDB is a setting, not pymongo's 30 s."""

from __future__ import annotations

import pytest

from config.settings import load_settings
from pools.errors import StoreUnavailableError
from storage.connection import mongo_client


def test_default_timeouts_answer_well_within_fifteen_seconds() -> None:
    settings = load_settings()
    client = mongo_client("mongodb://127.0.0.1:9/?directConnection=true", settings.mongodb_timeout)

    assert client.options.server_selection_timeout == 5.0
    assert client.options.pool_options.connect_timeout == 5.0
    client.close()


def test_a_malformed_uri_is_one_sentence() -> None:
    with pytest.raises(StoreUnavailableError, match="The MongoDB URI 'mongo://x' is not valid"):
        mongo_client("mongo://x", 5.0)


def test_an_option_pymongo_does_not_know_is_refused_not_warned_about(
    recwarn: pytest.WarningsRecorder,
) -> None:
    with pytest.raises(StoreUnavailableError, match="the option 'bogusOption', which pymongo"):
        mongo_client("mongodb://127.0.0.1:9/?directConnection=true&bogusOption=1", 5.0)

    assert [str(w.message) for w in recwarn] == []
