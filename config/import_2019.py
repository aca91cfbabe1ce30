"""The 2019 "Afanasy Pools Support" settings, read into afpools' settings file.

The 2019 Pool Manager keeps its MongoDB address in
``$CGRU_LOCATION/utilities/poolssupport/poolmanager/config.json``, written by its own
``Config.save`` as ``{"mongodb_host": "...", "mongodb_port": 27017}``; its database name is
fixed in its code (``afpools``), so that name is set too, in case afpools was pointed at
another one. Hand-edited files take other shapes, so ``host``/``port``, a nested
``"mongodb": {"host", "port"}`` and a database name are read as well. Every other option in
afpools' settings file stays.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from config.redaction import redact
from config.settings import read_settings_file, settings_file_path, write_settings_file
from pools.errors import SettingsError

CONFIG_NAME = "config.json"
DATABASE_2019 = "afpools"  # fixed in the 2019 tool's code
DEFAULT_MONGODB_PORT = 27017  # the 2019 tool's default, and MongoDB's
_HOST_KEYS = ("mongodb_host", "host")
_PORT_KEYS = ("mongodb_port", "port")
_DATABASE_KEYS = ("mongodb_database", "database", "db_name", "db")
# A DNS name or an IPv4 address: what a URI's host list can hold without escaping.
_HOST_NAME = re.compile(r"[A-Za-z0-9_]([A-Za-z0-9_.-]{0,252})")
# MongoDB refuses these in a database name (and an empty one).
_BAD_DATABASE = re.compile(r'[/\\. "$*<>:|?\x00]')


@dataclass(frozen=True)
class Change:
    """One option of afpools' settings file: its value before the import and after."""

    name: str
    before: str | None  # None: the file did not set it
    after: str


@dataclass(frozen=True)
class Import2019:
    """What an import did to afpools' settings file."""

    source: Path
    settings_file: Path
    changes: tuple[Change, ...]
    kept: tuple[str, ...]  # the other options of the settings file, left as they were
    backup: Path | None  # the file as it was, when a value it had was replaced


def read_2019_config(path: Path) -> dict[str, str]:
    """The afpools options that point at the 2019 tool's MongoDB (a file or its folder)."""
    if path.is_dir():
        path = path / CONFIG_NAME
    where = f"The 2019 settings file {path}"
    try:
        text = path.read_text(encoding="utf-8-sig")  # Notepad may have added a BOM
    except FileNotFoundError:
        raise SettingsError(f"There is no 2019 settings file {path}.") from None
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "it is not UTF-8 text"
        raise SettingsError(f"{where} cannot be read ({reason}).") from None
    try:
        data = json.loads(text)
    except ValueError as error:
        raise SettingsError(f"{where} is not JSON ({error}).") from None
    if not isinstance(data, dict):
        raise SettingsError(
            f"{where} must hold a JSON object like "
            '{"mongodb_host": "...", "mongodb_port": 27017}.'
        )
    nested = data.get("mongodb")
    sections: list[Mapping[str, Any]] = [nested, data] if isinstance(nested, dict) else [data]
    host = _host(where, _first(sections, _HOST_KEYS))
    port = _port(where, _first(sections, _PORT_KEYS))
    options = {"mongodb_uri": f"mongodb://{host}:{port}/"}
    database = _first(sections, _DATABASE_KEYS)
    options["mongodb_database"] = DATABASE_2019 if database is None else _database(where, database)
    return options


def import_2019_settings(path: Path, env: Mapping[str, str] | None = None) -> Import2019:
    """Write the 2019 tool's MongoDB into afpools' settings file; every other option stays."""
    options = read_2019_config(path)
    target = settings_file_path(env)
    before = read_settings_file(target)
    changes = tuple(
        Change(name, None if before.get(name) is None else str(before[name]), value)
        for name, value in options.items()
    )
    replaced = any(c.before not in (None, c.after) for c in changes)
    backup = _keep_copy(target) if replaced else None
    write_settings_file(options, env)
    kept = tuple(sorted(name for name in before if name not in options))
    return Import2019(path, target, changes, kept, backup)


def _keep_copy(path: Path) -> Path:
    """The settings file as it was (its old URI may hold the only copy of a password)."""
    copy = path.with_name(path.name + ".before-2019")
    try:
        data = path.read_bytes()
        copy.unlink(missing_ok=True)
        descriptor = os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
    except OSError as error:
        raise SettingsError(
            f"The settings file {path} cannot be copied to {copy} ({error.strerror}); "
            "nothing was changed."
        ) from None
    return copy


def describe_change(change: Change) -> str:
    """``mongodb_uri was X and is now Y``, passwords hidden."""
    after = redact(change.after)
    if change.before is None:
        return f"{change.name} was not set and is now {after}"
    if change.before == change.after:
        return f"{change.name} stays {after}"
    return f"{change.name} was {redact(change.before)} and is now {after}"


def _first(sections: list[Mapping[str, Any]], keys: tuple[str, ...]) -> Any:
    """The first value given for one of ``keys``, the nested ``mongodb`` section first."""
    found = (s[key] for s in sections for key in keys if s.get(key) not in (None, ""))
    return next(found, None)


def _shown(raw: Any) -> str:
    return json.dumps(raw, ensure_ascii=False)


def _host(where: str, raw: Any) -> str:
    if raw is None:
        raise SettingsError(f"{where} names no MongoDB host (mongodb_host).")
    text = str(raw).strip() if isinstance(raw, str) else ""
    bare = text[1:-1] if text.startswith("[") and text.endswith("]") else text
    try:
        address = ipaddress.ip_address(bare)
    except ValueError:
        if _HOST_NAME.fullmatch(text):
            return text
        raise SettingsError(
            f"{where} has the MongoDB host {_shown(raw)}, which is not a host name or address."
        ) from None
    return f"[{address}]" if address.version == 6 else str(address)


def _port(where: str, raw: Any) -> int:
    if raw is None:
        return DEFAULT_MONGODB_PORT
    text = str(raw).strip() if isinstance(raw, int | str) and not isinstance(raw, bool) else ""
    if text.isdigit() and 1 <= int(text) <= 65535:
        return int(text)
    raise SettingsError(
        f"{where} has the MongoDB port {_shown(raw)}; it must be a number from 1 to 65535."
    )


def _database(where: str, raw: Any) -> str:
    text = raw.strip() if isinstance(raw, str) else ""
    if not text or len(text.encode("utf-8")) > 63 or _BAD_DATABASE.search(text):
        raise SettingsError(f"{where} has the database name {_shown(raw)}, which MongoDB refuses.")
    return text
