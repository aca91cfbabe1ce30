"""``main.py serve`` as an admin runs it: where it listens, the access log, a clean stop,
one-sentence errors, and ``--configure`` answering questions on the terminal."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from config.service import create_self_signed
from config.settings import settings_file_path
from storage.store import PoolStore
from tests.support.poolservice import call

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]
SERVE = (sys.executable, str(ROOT / "main.py"), "serve")


@pytest.fixture
def serve_env(
    nx_server: str, database_name: str, seeded: PoolStore, monkeypatch: pytest.MonkeyPatch
) -> dict[str, str]:
    monkeypatch.setenv("AFPOOLS_MONGODB_URI", nx_server)
    monkeypatch.setenv("AFPOOLS_MONGODB_DATABASE", database_name)
    monkeypatch.setenv("AFPOOLS_SERVICE_AFSERVER_INTERVAL", "0")
    return dict(os.environ)


def start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "serve", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
    )


@pytest.fixture
def served(serve_env: dict[str, str]) -> Iterator[tuple[subprocess.Popen[str], list[str]]]:
    """``main.py serve`` on ephemeral ports; yields the process and its first stdout lines."""
    process = start("--host", "127.0.0.1", "--port", "0", "--legacy-port", "0")
    lines: list[str] = []
    assert process.stdout is not None
    for line in process.stdout:
        lines.append(line.rstrip("\n"))
        if line.startswith("Stop it"):
            break
    yield process, lines
    if process.poll() is None:
        process.kill()
        process.communicate(timeout=30)


def test_serve_prints_where_it_listens_logs_requests_and_stops_on_sigterm(
    served: tuple[subprocess.Popen[str], list[str]],
) -> None:
    process, lines = served
    assert lines[0] == "afpools pool service"
    found = re.search(r"HTTP API:\s+http://127\.0\.0\.1:(\d+)/v1/", "\n".join(lines))
    assert found, lines
    assert any(re.fullmatch(r"\s+2019 protocol:\s+off", line) for line in lines)
    assert any("writes:" in line and line.endswith("off") for line in lines)
    port = int(found.group(1))
    assert call(port, "/v1/pools/gpu").status == 200
    assert call(port, "/v1/pools/nope").status == 404
    process.send_signal(signal.SIGTERM)
    _out, err = process.communicate(timeout=60)
    assert process.returncode == 0
    assert re.search(r'127\.0\.0\.1 "GET /v1/pools/gpu HTTP/1\.1" 200 \d+ [\d.]+ms', err)
    assert '"GET /v1/pools/nope HTTP/1.1" 404' in err
    assert err.rstrip().endswith("The pool service stopped.")


def test_json_prints_the_addresses_and_logs_as_json_lines(serve_env: dict[str, str]) -> None:
    process = start("--host", "127.0.0.1", "--port", "0", "--legacy-port", "0", "--json")
    try:
        assert process.stdout is not None
        listening = json.loads(process.stdout.readline())["listening"]
        port = int(listening["HTTP API"].rsplit(":", 1)[1].split("/")[0])
        assert call(port, "/v1/health").status == 200
    finally:
        process.send_signal(signal.SIGINT)
        _out, err = process.communicate(timeout=60)
    logged = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    access = [line for line in logged if "path" in line]  # the agent logs too
    assert {"client": "127.0.0.1", "path": "/v1/health", "status": 200}.items() <= access[0].items()


def test_a_taken_port_is_one_sentence_and_exit_1(serve_env: dict[str, str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [*SERVE, "--host", "127.0.0.1", "--port", str(port), "--legacy-port", "0"],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=ROOT,
            check=False,
        )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[0] == (
        f"The HTTP port {port} on 127.0.0.1 cannot be opened: address already in use."
    )


def test_writes_without_a_token_refuse_to_start(
    serve_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {**serve_env, "AFPOOLS_SERVICE_WRITES": "true"}
    done = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "serve", "--port", "0", "--legacy-port", "0"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env=env,
        check=False,
    )
    assert done.returncode == 1
    assert "token" in done.stderr
    assert "main.py serve --configure" in done.stderr


def configure(answers: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "serve", "--configure"],
        input="\n".join(answers) + "\n",
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        check=False,
    )


def test_configure_writes_the_settings_file(fresh_environment: Path) -> None:
    done = configure(
        [
            "127.0.0.1",  # address
            "52000",  # HTTP port
            "n",  # no 2019 protocol
            "y",  # TLS
            "y",  # a new self-signed certificate
            "localhost, 127.0.0.1",
            "-",  # no client certificates
            "y",  # writes
            "new",  # generate a token
            "y",  # save
        ]
    )
    assert done.returncode == 0, done.stdout + done.stderr
    saved = json.loads(settings_file_path().read_text(encoding="utf-8"))
    assert saved["service_host"] == "127.0.0.1"
    assert saved["service_port"] == 52000
    assert saved["service_legacy_port"] == 0
    assert Path(saved["service_tls_cert"]).is_file()
    assert Path(saved["service_tls_key"]).is_file()
    assert saved["service_tls_client_ca"] == ""
    assert saved["service_writes"] is True
    assert len(saved["service_write_token"]) >= 32
    assert f"Authorization: Bearer {saved['service_write_token']}" in done.stdout


def test_configure_shows_a_kept_token_nowhere(fresh_environment: Path) -> None:
    first = configure(["127.0.0.1", "52000", "n", "n", "y", "new", "y"])
    token = json.loads(settings_file_path().read_text(encoding="utf-8"))["service_write_token"]
    assert f"Authorization: Bearer {token}" in first.stdout

    kept = configure(["", "", "n", "n", "y", "", "y"])  # Enter keeps every value, the token too

    assert kept.returncode == 0, kept.stdout + kept.stderr
    saved = json.loads(settings_file_path().read_text(encoding="utf-8"))
    assert saved["service_write_token"] == token
    assert token not in kept.stdout + kept.stderr
    assert (
        f"Farm scripts keep their write token (not shown; it is in {settings_file_path()})."
        in kept.stdout
    )


def test_configure_keeps_current_values_on_enter_and_explains_problems(
    fresh_environment: Path,
) -> None:
    done = configure(["", "", "y", "", "n", "n", "y", "n"])
    assert done.returncode == 0, done.stdout + done.stderr
    saved = json.loads(settings_file_path().read_text(encoding="utf-8"))
    assert (saved["service_port"], saved["service_legacy_port"]) == (51080, 9999)
    assert saved["service_writes"] is False
    same_ports = configure(["", "9999", "y", "9999", "n", "n", "n"])
    assert same_ports.returncode == 1
    assert "The HTTP port and the 2019 protocol port must differ." in same_ports.stdout
    assert "Nothing was saved." in same_ports.stdout


def test_an_address_that_cannot_be_resolved_is_one_sentence(serve_env: dict[str, str]) -> None:
    # glibc refuses a name with spaces itself: no DNS query leaves the machine.
    done = subprocess.run(
        [*SERVE, "--host", "no such host", "--port", "0", "--legacy-port", "0"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == (
        "The HTTP port cannot be opened: the address 'no such host' cannot be resolved."
    )


def test_the_set_up_dialog_without_a_display_is_one_sentence() -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    done = subprocess.run(
        [*SERVE, "--configure", "--gui"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env=env,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert done.stderr.strip() == (
        "There is no display to open the set-up dialog on: run it in a desktop session or "
        "set DISPLAY, or leave out --gui to answer questions here."
    )
    assert not settings_file_path().exists()


def test_configure_keeps_the_certificate_plugins_trust_when_not_saved(
    fresh_environment: Path,
) -> None:
    first = configure(["", "", "n", "y", "y", "localhost", "-", "n", "y"])
    assert first.returncode == 0, first.stdout + first.stderr
    saved = json.loads(settings_file_path().read_text(encoding="utf-8"))
    trusted = Path(saved["service_tls_cert"]).read_bytes()
    again = configure(["", "", "n", "y", "y", "localhost", "-", "n", "n"])  # new one, not saved
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Nothing was saved." in again.stdout
    assert json.loads(settings_file_path().read_text(encoding="utf-8")) == saved
    assert Path(saved["service_tls_cert"]).read_bytes() == trusted


def test_configure_saves_typed_relative_paths_as_absolute(
    fresh_environment: Path, tmp_path: Path
) -> None:
    work = tmp_path / "work"
    create_self_signed(work / "tls", ["localhost"])
    cert = next((work / "tls").glob("service-cert-*.pem")).relative_to(work)
    key = next((work / "tls").glob("service-key-*.pem")).relative_to(work)
    done = subprocess.run(
        [*SERVE, "--configure"],
        input="\n".join(["", "", "n", "y", "n", str(cert), str(key), "-", "n", "y"]) + "\n",
        capture_output=True,
        text=True,
        timeout=120,
        cwd=work,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    saved = json.loads(settings_file_path().read_text(encoding="utf-8"))
    assert saved["service_tls_cert"] == str(work / cert)
    assert saved["service_tls_key"] == str(work / key)


def test_configure_asks_for_files_when_a_name_cannot_go_into_a_certificate(
    fresh_environment: Path,
) -> None:
    done = configure(["", "", "n", "y", "y", "rendü-01", "", "", "-", "n", "n"])
    assert "  ! The host name 'rendü-01' cannot go into a certificate" in done.stdout
    assert "Certificate file (PEM)" in done.stdout  # existing files are asked for instead
    assert done.returncode == 0
    assert "Nothing was saved." in done.stdout


def test_no_agent_leaves_the_agent_out(serve_env: dict[str, str], seeded: PoolStore) -> None:
    process = start("--host", "127.0.0.1", "--port", "0", "--legacy-port", "0", "--no-agent")
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline().rstrip("\n") for _ in range(6)]
        found = re.search(r"HTTP API:\s+http://127\.0\.0\.1:(\d+)/v1/", "\n".join(lines))
        assert found, lines
        state = call(int(found.group(1)), "/v1/health").json()
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=60)

    assert any(re.fullmatch(r"\s+agent:\s+off", line) for line in lines), lines
    assert state["agent"] == "off"
    assert seeded.leases.current() is None
