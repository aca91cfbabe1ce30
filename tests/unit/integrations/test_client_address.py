"""Where the vendorable client looks for the service: argument, env, CGRU config, default."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from integrations import client


def write_cgru_config(folder: Path, values: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_text(json.dumps({"cgru_config": values}), encoding="utf-8")


def test_default_is_this_machine_on_the_service_port() -> None:
    assert client.service_url() == "http://127.0.0.1:51080"


def test_the_environment_wins_over_cgru_config(
    fresh_environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_cgru_config(fresh_environment / ".cgru", {"afpools_service_url": "http://cfg:1"})
    monkeypatch.setenv("AFPOOLS_SERVICE_URL", "https://pools.studio:8443/")
    assert client.service_url() == "https://pools.studio:8443"


def test_cgru_config_names_the_service(fresh_environment: Path) -> None:
    write_cgru_config(fresh_environment / ".cgru", {"afpools_service_url": "farm-srv:9000"})
    assert client.service_url() == "http://farm-srv:9000"


def test_without_a_service_url_the_afserver_host_is_tried(
    fresh_environment: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    location = tmp_path / "cgru"
    location.mkdir()
    (location / "config_default.json").write_text(
        json.dumps({"cgru_config": {"af_servername": "afserver.studio"}}), encoding="utf-8"
    )
    monkeypatch.setenv("CGRU_LOCATION", str(location))
    assert client.service_url() == "http://afserver.studio:51080"
    monkeypatch.setenv("CGRU_AF_SERVERNAME", "other-afserver")
    assert client.service_url() == "http://other-afserver:51080"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("farm", "http://farm:51080"),
        ("farm:1234", "http://farm:1234"),
        ("https://farm", "https://farm:51080"),
        ("http://[::1]:80/pools/", "http://[::1]:80/pools"),
    ],
)
def test_addresses_are_completed_with_scheme_and_port(given: str, expected: str) -> None:
    assert client.service_url(given) == expected


@pytest.mark.parametrize("given", ["ftp://farm", "http://", "http://farm:notaport"])
def test_an_unusable_address_is_one_sentence(given: str) -> None:
    with pytest.raises(client.PoolServiceError) as caught:
        client.service_url(given)
    assert str(caught.value).endswith(".")


def test_apply_pool_refuses_something_that_is_not_a_job() -> None:
    with pytest.raises(client.PoolServiceError, match=r"af\.Job"):
        client.PoolServiceClient("http://127.0.0.1:9").apply_pool(["not", "a", "job"], "x")
