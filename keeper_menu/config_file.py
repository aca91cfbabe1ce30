"""Writing the user's CGRU config without harming it.

The file may be a link into a dotfiles repository and may hold secrets (``smtp_password``),
so it is written through the link, keeps its mode and owner, is replaced in one step (a
temporary file in the same folder, then ``os.replace``) and leaves a backup with the same
mode beside it. When any of that cannot be done, nothing is written.
"""

from __future__ import annotations

import os
import stat
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from pools.errors import AfpoolsError

NEW_FILE_MODE = 0o600  # a user's config may come to hold passwords
BACKUP_INFIX = ".afpools-backup-"


@dataclass(frozen=True)
class Written:
    target: Path  # the file that was written: the link's target when the config is a link
    backup: Path | None  # the previous content, None when there was no file


def read_config(config: Path) -> str | None:
    """The config's text (through a link), None when there is no file yet."""
    try:
        return config.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        raise AfpoolsError(
            f"CGRU's config {config} cannot be read ({error}); it was left as it is."
        ) from None


def write_config(config: Path, text: str) -> Written:
    """Replace the content of ``config`` (or of the file it links to) with ``text``."""
    target = Path(os.path.realpath(config))
    try:
        return _write(config, target, text.encode("utf-8"))
    except OSError as error:
        reason = error.strerror or str(error)
        raise AfpoolsError(
            f"CGRU's config {target} cannot be written ({reason}); it was left as it is."
        ) from None


def _write(config: Path, target: Path, data: bytes) -> Written:
    try:
        before: os.stat_result | None = target.stat()
    except FileNotFoundError:
        before = None
    if before is not None and not stat.S_ISREG(before.st_mode):
        raise AfpoolsError(f"CGRU's config {target} is not a regular file; it was left as it is.")
    if before is None:
        if config.is_symlink() and not target.parent.is_dir():
            raise AfpoolsError(
                f"CGRU's config {config} links to {target}, whose folder does not exist; "
                "create it or remove the link."
            )
        target.parent.mkdir(parents=True, exist_ok=True)
    mode = stat.S_IMODE(before.st_mode) if before is not None else NEW_FILE_MODE
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        _same_owner(temporary, before, target)
        temporary.chmod(mode)
        backup = _backup(target, before) if before is not None else None
        temporary.replace(target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return Written(target, backup)


def _same_owner(path: Path, before: os.stat_result | None, target: Path) -> None:
    """Give the new file the old one's owner and group, or refuse: replacing a file that
    belongs to someone else would make it ours."""
    if before is None or not hasattr(os, "chown"):
        return
    uid = before.st_uid if before.st_uid != os.geteuid() else -1
    gid = before.st_gid if before.st_gid != os.getegid() else -1
    if uid == gid == -1:
        return
    try:
        os.chown(path, uid, gid)
    except PermissionError:
        raise AfpoolsError(
            f"CGRU's config {target} belongs to another user or group, and afpools cannot "
            "write it without changing that; it was left as it is."
        ) from None


def _backup(target: Path, before: os.stat_result) -> Path:
    """A copy of the old content beside it, never readable by more people than the file."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    mode = stat.S_IMODE(before.st_mode)
    for attempt in range(100):
        suffix = f"-{attempt}" if attempt else ""
        backup = target.with_name(f"{target.name}{BACKUP_INFIX}{stamp}{suffix}")
        try:
            handle = os.open(backup, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode & 0o600)
        except FileExistsError:
            continue
        with os.fdopen(handle, "wb") as stream:
            stream.write(target.read_bytes())
        _same_owner(backup, before, target)
        backup.chmod(mode)
        return backup
    raise AfpoolsError(f"Too many backups of {target} in one second; try again.")
