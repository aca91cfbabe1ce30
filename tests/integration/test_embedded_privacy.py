"""The embedded database is its user's alone: another local user can neither read it nor talk to it.

The probe runs as ``nobody`` (``setpriv --reuid 65534``) under the system's Python. Each probe
test first shows that the probe does reach what is not protected (a Unix socket open to all;
nx-27017 started as an older afpools started it, on a loopback port, with its files 0644),
so that its failing against ours proves the protection and not a broken probe.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from config.settings import load_settings
from pools.errors import StoreUnavailableError
from storage.connection import mongo_client, open_store
from storage.embedded import EmbeddedServer
from storage.store import PoolStore
from tests.support.poolservice import wait_until
from tests.support.ports import unused_port

pytestmark = pytest.mark.integration

OTHER_UID = 65534  # nobody
SYSTEM_PYTHON = Path("/usr/bin/python3")  # the venv's Python may live under root's 0700 home
PROBE = Path(__file__).resolve().parents[1] / "support" / "foreign_probe.py"
# How afpools up to this change started nx-27017: its own main(), on a loopback port.
OLD_NX = "import sys; from nx_27017.nx_27017 import main; sys.exit(main())"

as_another_user = pytest.mark.skipif(
    not hasattr(os, "geteuid")
    or os.geteuid() != 0
    or shutil.which("setpriv") is None
    or not SYSTEM_PYTHON.exists(),
    reason="running a probe as another user needs root, setpriv (util-linux) and /usr/bin/python3",
)
posix_only = pytest.mark.skipif(sys.platform.startswith("win"), reason="POSIX file modes")


def probe(*args: str) -> dict[str, Any]:
    done = subprocess.run(
        [
            "setpriv",
            f"--reuid={OTHER_UID}",
            f"--regid={OTHER_UID}",
            "--clear-groups",
            str(SYSTEM_PYTHON),
            "-c",
            PROBE.read_text(encoding="utf-8"),
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        cwd="/",
        env={"PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


@pytest.fixture
def open_base() -> Iterator[Path]:
    """A folder any local user may enter (tmp_path lies below root's 0700 pytest folder)."""
    base = Path(tempfile.mkdtemp(prefix="afpools-privacy-"))
    base.chmod(0o755)
    yield base
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def open_socket(open_base: Path) -> Iterator[Path]:
    """A Unix socket that listens, with nothing to protect it: the probe must reach it."""
    path = open_base / "open.sock"
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
        listener.bind(str(path))
        listener.listen(4)
        path.chmod(0o777)
        yield path


def seed(uri: str) -> None:
    client = mongo_client(uri, timeout=10)
    try:
        store = PoolStore(client["afpools"], user="tester")
        store.ensure_schema()
        store.create("lighting", hosts=["rnd-a01"])
    finally:
        client.close()


def start_old_nx(folder: Path, port: int) -> subprocess.Popen[bytes]:
    """nx-27017 as an older afpools started it: loopback TCP, files as the umask 022 makes them."""
    (folder / "db").mkdir(parents=True, exist_ok=True)
    folder.chmod(0o755)
    command = [sys.executable, "-c", OLD_NX, "--host", "127.0.0.1", "-p", str(port)]
    command += ["--data-dir", str(folder / "db"), "--log-file", str(folder / "nx-27017.log")]
    command += ["--pid-file", str(folder / "nx-27017.pid")]
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, umask=0o022
    )
    wait_until(lambda: _port_open(port), "the plain nx-27017 to listen", timeout=30)
    return process


def _port_open(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


def state(folder: Path) -> dict[str, Any]:
    return json.loads((folder / "server.json").read_text(encoding="utf-8"))


def where(folder: Path) -> str:
    """The embedded server's address as the probe takes it: a socket path, or a port."""
    current = state(folder)
    return str(current["socket"]) if "socket" in current else str(current["port"])


def modes(folder: Path) -> dict[str, int]:
    found = {".": stat.S_IMODE(folder.lstat().st_mode)}
    for path in folder.rglob("*"):
        found[str(path.relative_to(folder))] = stat.S_IMODE(path.lstat().st_mode)
    return found


@as_another_user
def test_another_user_reaches_a_plain_server_but_not_ours(
    open_base: Path, open_socket: Path
) -> None:
    plain_folder, ours = open_base / "plain", open_base / "ours"
    port = unused_port()
    plain = start_old_nx(plain_folder, port)
    server = EmbeddedServer(ours)
    try:
        seed(f"mongodb://127.0.0.1:{port}/?directConnection=true")
        seed(server.acquire())
        # The probe works: it reads a plain server's files and lists its databases, and it
        # connects to a Unix socket that nothing protects.
        assert probe("read", str(plain_folder / "db" / "afpools.db"))["ok"]
        assert probe("databases", str(port), "afpools") == {"ok": True, "seen": True}
        assert probe("connect", str(open_socket))["ok"]

        # Ours: nothing to list, read or talk to.
        listing = probe("list", str(ours))
        read_state = probe("read", str(ours / "server.json"))
        read_pools = probe("read", str(ours / "db" / "afpools.db"))
        talk = probe("databases", where(ours), "afpools")
    finally:
        server.release()
        plain.kill()
        plain.wait(timeout=30)

    assert not listing["ok"], listing
    assert not read_state["ok"], read_state
    assert not read_pools["ok"], read_pools
    assert not talk["ok"], talk
    assert "PermissionError" in talk["error"]


@as_another_user
def test_the_socket_in_the_runtime_folder_is_out_of_reach_too(
    open_base: Path, open_socket: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A data folder too long for a socket path: the socket moves, and stays private."""
    runtime = open_base / "runtime"
    runtime.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    deep = open_base / ("a-long-folder-name-" * 6) / "afpools"
    server = EmbeddedServer(deep)
    try:
        seed(server.acquire())
        socket_path = Path(where(deep))
        assert probe("connect", str(open_socket))["ok"]
        talk = probe("databases", str(socket_path), "afpools")
    finally:
        server.release()

    assert socket_path.parent == runtime
    assert not talk["ok"], talk


@posix_only
def test_every_file_the_server_makes_is_this_users_alone(tmp_path: Path) -> None:
    """Databases, their -wal and -shm, the log, the pid file, the socket: 0600 in 0700."""
    folder = tmp_path / "afpools"
    settings = load_settings(overrides={"data_dir": str(folder)})
    holder = EmbeddedServer(folder)
    holder.acquire()
    try:
        with open_store(settings) as store:
            store.create("lighting", hosts=["rnd-a01"])
        found = modes(folder)
    finally:
        holder.release()

    assert {"db/afpools.db", "db/afpools.db-wal", "db/afpools.db-shm"} <= set(found)
    assert {"server.json", "nx-27017.pid", "nx-27017.log", "nx-27017.sock"} <= set(found)
    folders = {".", "db", "users"}
    assert {name: found[name] for name in folders} == dict.fromkeys(folders, 0o700)
    assert {n: m for n, m in found.items() if n not in folders} == {
        n: 0o600 for n in found if n not in folders
    }


@posix_only
def test_what_an_older_afpools_left_readable_is_made_private(tmp_path: Path) -> None:
    folder = tmp_path / "afpools"
    (folder / "db").mkdir(parents=True)
    (folder / "users").mkdir()
    (folder / "db" / "afpools.db").write_bytes(b"")
    (folder / "nx-27017.log").write_text("old log\n", encoding="utf-8")
    for path in [folder, folder / "db", folder / "users"]:
        path.chmod(0o755)
    for path in [folder / "db" / "afpools.db", folder / "nx-27017.log"]:
        path.chmod(0o644)
    server = EmbeddedServer(folder)

    server.acquire()
    found = modes(folder)
    server.release()

    assert found["."] == found["db"] == found["users"] == 0o700
    assert found["db/afpools.db"] == found["nx-27017.log"] == 0o600


@posix_only
def test_an_older_afpools_server_on_a_port_is_replaced_by_a_private_one(tmp_path: Path) -> None:
    """Its pools stay; the port every local user could reach is closed."""
    folder = tmp_path / "afpools"
    port = unused_port()
    old = start_old_nx(folder, port)
    try:
        seed(f"mongodb://127.0.0.1:{port}/?directConnection=true")
        (folder / "server.json").write_text(
            json.dumps({"pid": old.pid, "port": port, "host": socket.gethostname()}),
            encoding="utf-8",
        )
        settings = load_settings(overrides={"data_dir": str(folder)})
        with open_store(settings) as store:
            pools = [(p.name, p.hostnames) for p in store.pools()]
            new_state = state(folder)
        stopped = old.poll() is not None
    finally:
        old.kill()
        old.wait(timeout=30)

    assert pools == [("lighting", ("rnd-a01",))]
    assert stopped
    assert not _port_open(port)
    assert "port" not in new_state
    assert Path(new_state["socket"]).parent == folder


@posix_only
def test_without_a_runtime_folder_the_socket_goes_to_a_private_temporary_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    deep = tmp_path / ("a-long-folder-name-" * 6) / "afpools"

    with open_store(load_settings(overrides={"data_dir": str(deep)})) as store:
        store.create("gpu")
        socket_path = Path(state(deep)["socket"])

    private = tmp_path / f"afpools-{os.getuid()}"
    assert socket_path.parent == private
    assert stat.S_IMODE(private.stat().st_mode) == 0o700


@posix_only
def test_a_temporary_folder_that_others_may_enter_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Somebody made ``afpools-<uid>`` first, open to all: the socket does not go there."""
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    planted = tmp_path / f"afpools-{os.getuid()}"
    planted.mkdir()
    planted.chmod(0o777)
    deep = tmp_path / ("a-long-folder-name-" * 6) / "afpools"

    with pytest.raises(StoreUnavailableError, match="is not a folder of this user's alone"):
        EmbeddedServer(deep).acquire()
    assert list(planted.iterdir()) == []
