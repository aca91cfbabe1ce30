"""Who can reach the embedded server: where it listens, and the modes of its files.

nx-27017 has no authentication, so the operating system is the lock. On Linux and macOS the
server listens on a Unix socket inside the data folder; the folder is 0700 and every file in
it 0600, so another local user can neither connect nor read the SQLite files. A socket path
is limited to 107 bytes (103 on macOS): when the data folder's path is longer, the socket
goes to ``$XDG_RUNTIME_DIR`` (0700 by definition), or else to a folder of this user's own in
the temporary folder, created 0700 and checked. Where asyncio cannot serve Unix sockets
(Windows), the server listens on a loopback TCP port and relies on the data folder's place
in the user's profile (see the README).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import socket
import stat
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

from pools.errors import StoreUnavailableError

WINDOWS = sys.platform.startswith("win")
UNIX_SOCKETS = not WINDOWS  # asyncio's proactor loop has no AF_UNIX; tests switch this off
SOCKET_NAME = "nx-27017.sock"  # pymongo takes a host that ends in .sock for a socket path
MAX_SOCKET_PATH = 103 if sys.platform == "darwin" else 107  # sun_path, less its NUL
FOLDER_MODE = 0o700
FILE_MODE = 0o600

Address = Path | int  # a Unix socket, or a loopback TCP port


def protection() -> str:
    """How the embedded server is kept to its user, in words for ``main.py settings``."""
    if UNIX_SOCKETS:
        return "a Unix socket in a folder of this user's alone (0700, files 0600)"
    return (
        "a loopback port that any program on this machine can connect to; "
        "its files are in this user's profile"
    )


def uri_for(address: Address) -> str:
    """The MongoDB URI of the embedded server at ``address``."""
    if isinstance(address, Path):
        return f"mongodb://{quote(str(address), safe='')}/?directConnection=true"
    return f"mongodb://127.0.0.1:{address}/?directConnection=true"


def describe(address: Address) -> str:
    return str(address) if isinstance(address, Path) else f"127.0.0.1:{address}"


def answers(address: Address, timeout: float = 0.5) -> bool:
    """True when something accepts a connection at ``address``."""
    try:
        if isinstance(address, Path):
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.settimeout(timeout)
                sock.connect(str(address))
        else:
            with socket.create_connection(("127.0.0.1", address), timeout=timeout):
                pass
    except OSError:
        return False
    return True


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def is_private(address: Address) -> bool:
    """A loopback port is what an older afpools used: anybody on the machine could talk to it."""
    return isinstance(address, Path) or not UNIX_SOCKETS


def new_address(folder: Path) -> Address:
    """Where a server started now for ``folder`` listens."""
    return socket_path_for(folder) if UNIX_SOCKETS else free_port()


def socket_path_for(folder: Path) -> Path:
    """The socket in the data folder, or in a private runtime folder when the path is too long."""
    inside = folder.absolute() / SOCKET_NAME
    if _fits(inside):
        return inside
    digest = hashlib.sha256(os.fsencode(folder.absolute())).hexdigest()[:16]
    name = f"afpools-{digest}.sock"
    for base in _runtime_folders():
        if _fits(base / name):
            return base / name
    raise StoreUnavailableError(
        f"The embedded database cannot listen: the path of {folder} is too long for a socket "
        "and no private runtime folder has room; set AFPOOLS_DATA_DIR to a shorter folder."
    )


def _fits(path: Path) -> bool:
    return len(os.fsencode(path)) <= MAX_SOCKET_PATH


def _runtime_folders() -> Iterator[Path]:
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    if runtime and _is_private_folder(Path(runtime)):
        yield Path(runtime)
    yield private_temp_folder()


def private_temp_folder() -> Path:
    """``afpools-<uid>`` in the temporary folder: made 0700, and refused unless it is ours."""
    folder = Path(tempfile.gettempdir()) / f"afpools-{os.getuid()}"
    with contextlib.suppress(FileExistsError):
        folder.mkdir(mode=FOLDER_MODE)
    if not _is_private_folder(folder):
        raise StoreUnavailableError(
            f"The embedded database cannot use {folder}: it is not a folder of this user's "
            "alone (mode 0700); remove it, or set AFPOOLS_DATA_DIR to a shorter folder."
        )
    return folder


def _is_private_folder(path: Path) -> bool:
    try:
        info = path.lstat()
    except OSError:
        return False
    return (
        stat.S_ISDIR(info.st_mode)
        and info.st_uid == os.getuid()
        and stat.S_IMODE(info.st_mode) & 0o077 == 0
    )


# -- the files ------------------------------------------------------------------------------


def make_private_folder(folder: Path) -> None:
    """Create the data folder 0700, or take the group's and others' rights from it."""
    folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    if not WINDOWS:
        _chmod(folder, FOLDER_MODE)


def make_private(folder: Path, names: tuple[str, ...]) -> None:
    """Folders 0700 and files 0600 among ``names`` in ``folder``, whatever is below them.

    An older afpools left them world-readable (0644 in a 0755 folder); only what afpools
    itself keeps there is touched, as the folder may be one the user chose. Links are left
    alone: a mode change would go to their target.
    """
    if WINDOWS:
        return
    for name in names:
        top = folder / name
        for path in _below(top):
            try:
                info = path.lstat()
            except FileNotFoundError:
                continue
            if stat.S_ISLNK(info.st_mode):
                continue
            wanted = FOLDER_MODE if stat.S_ISDIR(info.st_mode) else FILE_MODE
            if stat.S_IMODE(info.st_mode) != wanted:
                _chmod(path, wanted)


def _below(top: Path) -> Iterator[Path]:
    yield top
    if top.is_dir() and not top.is_symlink():
        for root, folders, files in os.walk(top):
            for name in folders + files:
                yield Path(root, name)


def _chmod(path: Path, mode: int) -> None:
    try:
        path.chmod(mode)
    except FileNotFoundError:
        pass
    except OSError as error:
        raise StoreUnavailableError(
            f"The embedded database's {path} cannot be made private to this user "
            f"({error.strerror}); fix its owner or mode."
        ) from None


def write_private(path: Path, text: str) -> None:
    """Write a file only this user can read, atomically (readers never see half of it)."""
    partial = path.with_name(f".{path.name}.{uuid.uuid4().hex[:12]}.tmp")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    partial.replace(path)


def open_private(path: Path, flags: int) -> int:
    """``os.open`` of a file of this user's alone; an older file loses others' rights too."""
    descriptor = os.open(path, flags | os.O_CREAT, FILE_MODE)
    if not WINDOWS:
        os.fchmod(descriptor, FILE_MODE)
    return descriptor
