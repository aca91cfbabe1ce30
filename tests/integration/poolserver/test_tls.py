"""TLS on both listeners, with certificates made by trustme and by the configurator."""

from __future__ import annotations

import http.client
import json
import shutil
import socket
import ssl
import subprocess
from pathlib import Path
from typing import Any

import pytest
import trustme

from config.service import create_self_signed
from poolserver.service import BackgroundService
from storage.store import PoolStore
from tests.support.poolservice import (
    LEGACY_HEADER_BYTES,
    ServiceFactory,
    call,
    closed_by_server,
    idle_clients,
    legacy_exchange,
    read_the_2019_way,
)

pytestmark = pytest.mark.integration

# The start of a TLS record announcing a 512-byte ClientHello, and then nothing more.
STALLED_HELLO = b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def tls_files(ca: trustme.CA, tmp_path: Path) -> dict[str, Any]:
    issued = ca.issue_cert("localhost", "127.0.0.1")
    cert, key, ca_file = tmp_path / "cert.pem", tmp_path / "key.pem", tmp_path / "ca.pem"
    issued.cert_chain_pems[0].write_to_path(str(cert))
    issued.private_key_pem.write_to_path(str(key))
    ca.cert_pem.write_to_path(str(ca_file))
    return {"service_tls_cert": str(cert), "service_tls_key": str(key), "ca": ca_file}


@pytest.fixture
def tls_service(
    seeded: PoolStore, make_service: ServiceFactory, tls_files: dict[str, Any]
) -> BackgroundService:
    settings = {k: v for k, v in tls_files.items() if k.startswith("service_")}
    return make_service(**settings)


def trusting(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return context


def test_https_answers_a_client_that_trusts_the_ca(
    tls_service: BackgroundService, ca: trustme.CA
) -> None:
    reply = call(tls_service.http_port, "/v1/pools", context=trusting(ca))
    assert reply.status == 200
    assert len(reply.json()["pools"]) == 3


def test_the_2019_protocol_speaks_tls_too(tls_service: BackgroundService, ca: trustme.CA) -> None:
    answer = legacy_exchange(tls_service.legacy_port, context=trusting(ca))
    assert answer.header["type"] == "response"
    assert len(answer.pools()) == 3


def test_a_2019_plugin_reads_the_pools_over_tls_300_times_in_a_row(
    tls_service: BackgroundService, ca: trustme.CA
) -> None:
    context, failures = trusting(ca), []
    for _ in range(300):
        try:
            pools = read_the_2019_way(tls_service.legacy_port, context)
        except ValueError as error:  # "Extra data": the first read held more than the header
            failures.append(str(error))
            continue
        assert len(pools) == 3
    assert failures == []


def test_plaintext_http_on_the_tls_port_is_told_to_use_https(
    tls_service: BackgroundService, ca: trustme.CA
) -> None:
    reply = call(tls_service.http_port, "/v1/pools")
    assert reply.status == 400
    assert "speaks HTTPS" in reply.json()["error"]
    assert call(tls_service.http_port, "/v1/health", context=trusting(ca)).status == 200


def test_plaintext_2019_client_on_the_tls_port_gets_an_error_header(
    tls_service: BackgroundService,
) -> None:
    header = read_the_2019_way(tls_service.legacy_port)
    assert header == {"type": "error", "message": "This port speaks TLS; connect with TLS."}
    with socket.create_connection(("127.0.0.1", tls_service.legacy_port), timeout=10) as sock:
        sock.sendall(b'{"type": "request", "command": "GET POOLS"}')
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    assert len(received) == LEGACY_HEADER_BYTES  # padded like every 2019 header


def test_a_client_that_does_not_trust_the_certificate_fails_its_check(
    tls_service: BackgroundService, ca: trustme.CA
) -> None:
    with pytest.raises(ssl.SSLCertVerificationError):
        call(tls_service.http_port, "/v1/pools", context=ssl.create_default_context())
    assert call(tls_service.http_port, "/v1/health", context=trusting(ca)).status == 200


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_curl_with_the_ca_file(tls_service: BackgroundService, tls_files: dict[str, Any]) -> None:
    done = subprocess.run(
        [
            "curl",
            "-sS",
            "--fail",
            "--cacert",
            str(tls_files["ca"]),
            f"https://localhost:{tls_service.http_port}/v1/pools/gpu",
        ],
        capture_output=True,
        check=True,
        timeout=30,
    )
    assert json.loads(done.stdout)["pool"]["hosts"] == ["gpu-01"]


def test_client_certificates_can_be_required(
    seeded: PoolStore,
    make_service: ServiceFactory,
    tls_files: dict[str, Any],
    ca: trustme.CA,
    tmp_path: Path,
) -> None:
    clients_ca = trustme.CA()
    clients_ca_file = tmp_path / "clients-ca.pem"
    clients_ca.cert_pem.write_to_path(str(clients_ca_file))
    running = make_service(
        service_tls_cert=tls_files["service_tls_cert"],
        service_tls_key=tls_files["service_tls_key"],
        service_tls_client_ca=str(clients_ca_file),
    )
    with_cert = trusting(ca)
    clients_ca.issue_cert("nightly-script").configure_cert(with_cert)
    assert call(running.http_port, "/v1/pools", context=with_cert).status == 200
    refused = (ssl.SSLError, ConnectionError, http.client.RemoteDisconnected)
    with pytest.raises(refused):
        call(running.http_port, "/v1/pools", context=trusting(ca))
    wrong_issuer = trusting(ca)
    trustme.CA().issue_cert("intruder").configure_cert(wrong_issuer)
    with pytest.raises(refused):
        call(running.http_port, "/v1/pools", context=wrong_issuer)
    assert call(running.http_port, "/v1/health", context=with_cert).status == 200


def test_a_self_signed_certificate_from_the_configurator_works_as_the_clients_ca(
    seeded: PoolStore, make_service: ServiceFactory, tmp_path: Path
) -> None:
    cert, key = create_self_signed(tmp_path / "tls", ["localhost", "127.0.0.1"])
    running = make_service(service_tls_cert=str(cert), service_tls_key=str(key))
    context = ssl.create_default_context(cafile=str(cert))
    assert call(running.http_port, "/v1/pools", context=context).status == 200
    assert key.stat().st_mode & 0o077 == 0


def test_a_silent_client_on_the_tls_port_is_closed_after_the_read_timeout(
    seeded: PoolStore, make_service: ServiceFactory, tls_files: dict[str, Any]
) -> None:
    settings = {k: v for k, v in tls_files.items() if k.startswith("service_")}
    running = make_service(service_read_timeout=0.5, **settings)
    with socket.create_connection(("127.0.0.1", running.http_port), timeout=10) as sock:
        assert sock.recv(100) == b""


def test_silent_and_stalled_tls_clients_past_the_cap_do_not_lock_out_a_real_one(
    seeded: PoolStore, make_service: ServiceFactory, tls_files: dict[str, Any], ca: trustme.CA
) -> None:
    settings = {k: v for k, v in tls_files.items() if k.startswith("service_")}
    running = make_service(service_max_connections=20, **settings)
    port = running.http_port
    with (
        idle_clients(port, 100, b"") as silent,
        idle_clients(port, 100, STALLED_HELLO) as stalled,
    ):
        for _ in range(5):
            assert call(port, "/v1/pools/gpu", context=trusting(ca)).status == 200
        assert closed_by_server(silent[0])
        assert closed_by_server(stalled[0])
    http = running.service.listeners[0]
    assert getattr(http, "evicted", 0) >= 180


def test_a_tls_handshake_gets_half_the_read_timeout(
    seeded: PoolStore, make_service: ServiceFactory, tls_files: dict[str, Any]
) -> None:
    """Connect-and-stall clients are cheap to make: they are the first to go."""
    settings = {k: v for k, v in tls_files.items() if k.startswith("service_")}
    running = make_service(service_read_timeout=4.0, **settings)
    for opening in (b"", STALLED_HELLO):
        with socket.create_connection(("127.0.0.1", running.http_port), timeout=3.5) as sock:
            sock.sendall(opening)
            assert closed_by_server(sock)  # within 2 s; the socket's own timeout is 3.5 s
