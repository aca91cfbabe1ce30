"""Writes for farm scripts: off by default, a bearer token when on, the history remembers."""

from __future__ import annotations

import logging

import pytest

from storage.store import PoolStore
from tests.support.poolservice import ServiceFactory, call, wait_until

pytestmark = pytest.mark.integration

TOKEN = "s3cret-token-for-the-farm-scripts"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def test_writes_are_off_unless_switched_on(seeded: PoolStore, make_service: ServiceFactory) -> None:
    running = make_service()
    reply = call(
        running.http_port, "/v1/pools/gpu/hosts", method="POST", body={"hosts": ["gpu-02"]}
    )
    assert reply.status == 403
    assert "switched off" in reply.json()["error"]
    assert seeded.pool("gpu").hostnames == ("gpu-01",)


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"}],
    ids=["missing", "wrong", "not-bearer"],
)
def test_a_write_without_the_right_token_is_401(
    seeded: PoolStore, make_service: ServiceFactory, headers: dict[str, str]
) -> None:
    running = make_service(service_writes=True, service_write_token=TOKEN)
    reply = call(
        running.http_port,
        "/v1/pools/gpu/hosts",
        method="POST",
        body={"hosts": ["gpu-02"]},
        headers=headers,
    )
    assert reply.status == 401
    assert reply.headers["WWW-Authenticate"].startswith("Bearer")
    assert seeded.pool("gpu").hostnames == ("gpu-01",)


def test_a_farm_script_adds_and_removes_hosts_and_reads_its_own_change(
    seeded: PoolStore, make_service: ServiceFactory
) -> None:
    running = make_service(service_writes=True, service_write_token=TOKEN)
    port = running.http_port
    added = call(
        port,
        "/v1/pools/gpu/hosts",
        method="POST",
        body={"hosts": ["gpu-02", "gpu-01"]},
        headers=AUTH,
    )
    assert added.status == 200
    assert added.json()["changed"] == ["gpu-02"]
    assert call(port, "/v1/pools/gpu").json()["pool"]["hosts"] == ["gpu-01", "gpu-02"]
    removed = call(
        port, "/v1/pools/gpu/hosts", method="DELETE", body={"hosts": ["gpu-01"]}, headers=AUTH
    )
    assert removed.json()["changed"] == ["gpu-01"]
    assert seeded.pool("gpu").hostnames == ("gpu-02",)
    again = call(
        port, "/v1/pools/gpu/hosts", method="DELETE", body={"hosts": ["gpu-01"]}, headers=AUTH
    )
    assert again.status == 200
    assert again.json()["changed"] == []


def test_create_and_delete_a_pool(seeded: PoolStore, make_service: ServiceFactory) -> None:
    running = make_service(service_writes=True, service_write_token=TOKEN)
    port = running.http_port
    created = call(
        port,
        "/v1/pools",
        method="POST",
        body={"name": "comp", "description": "Comp nodes", "color": "#00ff00"},
        headers=AUTH,
    )
    assert created.status == 201
    assert seeded.pool("comp").description == "Comp nodes"
    taken = call(port, "/v1/pools", method="POST", body={"name": "comp"}, headers=AUTH)
    assert taken.status == 409
    assert taken.json() == {"error": "A pool named 'comp' already exists."}
    deleted = call(port, "/v1/pools/comp", method="DELETE", headers=AUTH)
    assert deleted.status == 200
    assert deleted.json()["deleted"]["name"] == "comp"
    assert call(port, "/v1/pools/comp").status == 404
    assert call(port, "/v1/pools/comp", method="DELETE", headers=AUTH).status == 404


def test_every_write_lands_in_the_history_with_the_clients_address(
    seeded: PoolStore, make_service: ServiceFactory
) -> None:
    running = make_service(service_writes=True, service_write_token=TOKEN)
    call(
        running.http_port,
        "/v1/pools/lighting/hosts",
        method="POST",
        body={"hosts": ["rnd-a04"], "user": "nightly-script"},
        headers=AUTH,
    )
    newest = seeded.history("lighting", limit=1)[0]
    assert newest.op == "add"
    assert newest.hosts == ("rnd-a04",)
    assert newest.user == "nightly-script"
    assert newest.client == "127.0.0.1"


@pytest.mark.parametrize("user", ["\x1b[2J\x1b]0;pwned\x07", "night\u202eylt", "ops\x9b31m"])
def test_a_user_with_control_characters_is_a_400_and_changes_nothing(
    seeded: PoolStore, make_service: ServiceFactory, user: str
) -> None:
    running = make_service(service_writes=True, service_write_token=TOKEN)
    revision = seeded.revision()
    reply = call(
        running.http_port,
        "/v1/pools/gpu/hosts",
        method="POST",
        body={"hosts": ["gpu-02"], "user": user},
        headers=AUTH,
    )
    assert reply.status == 400
    assert reply.json() == {"error": "'user' cannot contain control characters."}
    assert seeded.revision() == revision
    assert seeded.pool("gpu").hostnames == ("gpu-01",)


@pytest.mark.parametrize(
    ("body", "word"),
    [
        (b"not json", "JSON object"),
        (b"[1, 2]", "JSON object"),
        (b'{"hosts": "rnd-a01"}', "'hosts'"),
        (b'{"hosts": []}', "'hosts'"),
        (b'{"hosts": ["has space"]}', "space"),
    ],
)
def test_a_malformed_write_is_a_400_and_changes_nothing(
    seeded: PoolStore, make_service: ServiceFactory, body: bytes, word: str
) -> None:
    running = make_service(service_writes=True, service_write_token=TOKEN)
    revision = seeded.revision()
    reply = call(running.http_port, "/v1/pools/gpu/hosts", method="POST", body=body, headers=AUTH)
    assert reply.status == 400
    assert word in reply.json()["error"]
    assert seeded.revision() == revision


@pytest.mark.parametrize("path", ["/v1/pools", "/v1/pools/gpu/hosts"])
def test_deeply_nested_json_is_a_400_with_one_bounded_log_line(
    seeded: PoolStore, make_service: ServiceFactory, caplog: pytest.LogCaptureFixture, path: str
) -> None:
    running = make_service(service_writes=True, service_write_token=TOKEN)
    caplog.set_level(logging.INFO)
    nested = b"[" * 3000 + b"]" * 3000  # deeper than Python's recursion limit
    revision = seeded.revision()
    for _ in range(3):
        reply = call(
            running.http_port,
            path,
            method="POST",
            body=b'{"name": "x", "hosts": ' + nested + b"}",
            headers=AUTH,
        )
        assert reply.status == 400
        assert reply.json() == {"error": "The request body nests deeper than 32 levels."}
    assert seeded.revision() == revision

    def answered() -> list[str]:
        return [r.getMessage() for r in caplog.records if f"POST {path} " in r.getMessage()]

    wait_until(lambda: len(answered()) == 3, "an access line for each request")
    assert all(len(line) < 300 and "\n" not in line for line in answered())
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.WARNING]
    assert "Traceback" not in caplog.text


def test_writes_need_a_token_in_the_settings(
    seeded: PoolStore, make_service: ServiceFactory
) -> None:
    from pools.errors import SettingsError

    with pytest.raises(SettingsError, match="token"):
        make_service(service_writes=True)
