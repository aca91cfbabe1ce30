"""A service that cannot work refuses to start with one sentence, naming the fix."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from config.settings import load_settings
from pools.errors import SettingsError
from poolserver.config import ServiceConfig


def config(**overrides: Any) -> ServiceConfig:
    return ServiceConfig.from_settings(load_settings(overrides=overrides))


def test_the_defaults_make_a_plaintext_read_only_service() -> None:
    made = config()
    assert (made.host, made.port, made.legacy_port) == ("0.0.0.0", 51080, 9999)
    assert made.tls is None
    assert made.writes is False


@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        ({"service_writes": True}, "token"),
        ({"service_legacy_port": 51080}, "must differ"),
        ({"service_tls_cert": "/nowhere/cert.pem"}, "both a certificate"),
        ({"service_tls_client_ca": "/nowhere/ca.pem"}, "need TLS"),
        ({"service_port": 70000}, "and 65535, not 70000"),
        ({"service_max_connections": 0}, "service_max_connections"),
        ({"service_read_timeout": 0}, "service_read_timeout"),
    ],
)
def test_a_setting_that_cannot_work_is_one_sentence(overrides: dict[str, Any], words: str) -> None:
    with pytest.raises(SettingsError) as caught:
        config(**overrides)
    assert words in str(caught.value)


def test_a_certificate_and_key_that_do_not_belong_together(tmp_path: Path) -> None:
    from config.service import create_self_signed

    cert, _key = create_self_signed(tmp_path / "a", ["localhost"])
    _cert, other_key = create_self_signed(tmp_path / "b", ["localhost"])
    with pytest.raises(SettingsError, match="cannot be used together"):
        config(service_tls_cert=str(cert), service_tls_key=str(other_key))
