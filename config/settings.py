"""The one settings schema: every option declared once with its type, default and help.

A value comes from, in order: an environment variable, the settings file in the user's
config folder, CGRU's config (for the afserver address), the default.
"""

from __future__ import annotations

import dataclasses
import getpass
import json
import os
import socket
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from config.cgru import read_cgru_config
from pools.errors import SettingsError

APP_NAME = "afpools"


def _option(
    default: Any = dataclasses.MISSING,
    *,
    help: str,
    env: tuple[str, ...] = (),
    cgru_key: str = "",
    factory: Callable[[], Any] | None = None,
) -> Any:
    metadata = {"help": help, "env": env, "cgru_key": cgru_key}
    if factory is not None:
        return field(default_factory=factory, metadata=metadata)
    return field(default=default, metadata=metadata)


def _default_user() -> str:
    """The login name as CGRU writes it: without a domain, lower case."""
    name = os.environ.get("USER") or os.environ.get("USERNAME") or ""
    if not name:
        try:
            name = getpass.getuser()
        except (OSError, KeyError):
            name = "afpools"
    return name.replace("\\", "/").rsplit("/", 1)[-1].lower()


def _default_host() -> str:
    return socket.gethostname().lower() or "localhost"


@dataclass(frozen=True)
class Settings:
    """Every option of afpools; build it with :func:`load_settings`."""

    mongodb_uri: str = _option(
        "",
        help="MongoDB that keeps the pools; empty starts a private embedded server.",
        env=("AFPOOLS_MONGODB_URI",),
    )
    mongodb_database: str = _option(
        "afpools",
        help="Database name; 'afpools' is where the 2019 tool kept its pools too.",
        env=("AFPOOLS_MONGODB_DATABASE",),
    )
    mongodb_timeout: float = _option(
        5.0,
        help="Seconds to wait for MongoDB before saying it is unreachable.",
        env=("AFPOOLS_MONGODB_TIMEOUT",),
    )
    data_dir: str = _option(
        "",
        help="Folder of the embedded database; empty means the user's data folder.",
        env=("AFPOOLS_DATA_DIR",),
    )
    afserver_host: str = _option(
        "127.0.0.1",
        help="Host name or address of afserver.",
        env=("CGRU_AF_SERVERNAME",),
        cgru_key="af_servername",
    )
    afserver_port: int = _option(
        51000,
        help="TCP port of afserver.",
        env=("CGRU_AF_SERVERPORT",),
        cgru_key="af_serverport",
    )
    afserver_http: bool = _option(
        False,
        help="Talk to afserver with HTTP POST (as the web GUI does) instead of its raw framing.",
        env=("AFPOOLS_AFSERVER_HTTP",),
    )
    afserver_timeout: float = _option(
        5.0,
        help="Seconds to wait for an afserver reply.",
        env=("AFPOOLS_AFSERVER_TIMEOUT",),
    )
    user_name: str = _option(
        help="User name written into afserver actions and the pool history.",
        env=("CGRU_USERNAME", "AF_USERNAME"),
        factory=_default_user,
    )
    host_name: str = _option(
        help="Host name written into afserver actions.",
        env=("AF_HOSTNAME",),
        factory=_default_host,
    )
    poll_interval: float = _option(
        2.0,
        help="Seconds between two afserver polls of the board.",
        env=("AFPOOLS_POLL_INTERVAL",),
    )
    service_host: str = _option(
        "0.0.0.0",
        help="Address the pool service listens on; 0.0.0.0 means every network interface.",
        env=("AFPOOLS_SERVICE_HOST",),
    )
    service_port: int = _option(
        51080,
        help="TCP port of the pool service's HTTP/JSON API.",
        env=("AFPOOLS_SERVICE_PORT",),
    )
    service_legacy_port: int = _option(
        9999,
        help="TCP port of the 2019 'GET POOLS' protocol for old plugins; 0 switches it off.",
        env=("AFPOOLS_SERVICE_LEGACY_PORT",),
    )
    service_tls_cert: str = _option(
        "",
        help="PEM certificate of the pool service; with service_tls_key, both ports speak TLS.",
        env=("AFPOOLS_SERVICE_TLS_CERT",),
    )
    service_tls_key: str = _option(
        "",
        help="PEM private key that belongs to service_tls_cert.",
        env=("AFPOOLS_SERVICE_TLS_KEY",),
    )
    service_tls_client_ca: str = _option(
        "",
        help="PEM CA file; when set, only clients with a certificate it signed may connect.",
        env=("AFPOOLS_SERVICE_TLS_CLIENT_CA",),
    )
    service_writes: bool = _option(
        False,
        help="Let farm scripts create and delete pools and edit members through the service.",
        env=("AFPOOLS_SERVICE_WRITES",),
    )
    service_write_token: str = _option(
        "",
        help="Bearer token that service writes must present; required when writes are on.",
        env=("AFPOOLS_SERVICE_WRITE_TOKEN",),
    )
    service_max_connections: int = _option(
        512,
        help="Open connections per port the service keeps; past it, the longest idle is closed.",
        env=("AFPOOLS_SERVICE_MAX_CONNECTIONS",),
    )
    service_read_timeout: float = _option(
        10.0,
        help="Seconds a client has to send a whole request before the service hangs up.",
        env=("AFPOOLS_SERVICE_READ_TIMEOUT",),
    )
    service_max_header_bytes: int = _option(
        16384,
        help="Largest request line and headers the service reads, in bytes.",
        env=("AFPOOLS_SERVICE_MAX_HEADER_BYTES",),
    )
    service_max_body_bytes: int = _option(
        65536,
        help="Largest request body the service reads, in bytes.",
        env=("AFPOOLS_SERVICE_MAX_BODY_BYTES",),
    )
    service_refresh_interval: float = _option(
        1.0,
        help="Seconds between two checks of the store's revision by the pool service.",
        env=("AFPOOLS_SERVICE_REFRESH_INTERVAL",),
    )
    service_afserver_interval: float = _option(
        5.0,
        help="Seconds between the pool service's polls of afserver for host states; 0 is off.",
        env=("AFPOOLS_SERVICE_AFSERVER_INTERVAL",),
    )
    service_agent: bool = _option(
        True,
        help="Run the agent beside the pool service ('serve --no-agent' leaves it out).",
        env=("AFPOOLS_SERVICE_AGENT",),
    )
    board_jobs_interval: float = _option(
        3.0,
        help="Seconds between the board's reads of afserver's jobs (its jobs panel).",
        env=("AFPOOLS_BOARD_JOBS_INTERVAL",),
    )
    agent_jobs_interval: float = _option(
        3.0,
        help="Seconds between the agent's reads of afserver's jobs.",
        env=("AFPOOLS_AGENT_JOBS_INTERVAL",),
    )
    agent_watch_interval: float = _option(
        0.5,
        help="Seconds between the agent's checks of the pools' change counter (a tiny read).",
        env=("AFPOOLS_AGENT_WATCH_INTERVAL",),
    )
    agent_lease_seconds: float = _option(
        15.0,
        help="Seconds an agent's lease lasts unrenewed; a standby takes over within two.",
        env=("AFPOOLS_AGENT_LEASE_SECONDS",),
    )
    farm_timezone: str = _option(
        "",
        help="Time zone of member schedules (an IANA name such as Europe/Berlin); empty is "
        "the local time zone of the machine that runs the agent.",
        env=("AFPOOLS_FARM_TIMEZONE",),
    )
    alert_minutes: int = _option(
        10,
        help="Minutes a pool must have waited with no idle host (or idled with nothing "
        "waiting) before it is reported as starved (or idle).",
        env=("AFPOOLS_ALERT_MINUTES",),
    )
    service_access_log: bool = _option(
        True,
        help="Log one line per request of the pool service.",
        env=("AFPOOLS_SERVICE_ACCESS_LOG",),
    )
    scan_arp_wait: float = _option(
        0.5,
        help="Seconds a network scan waits for ARP replies after each of its two sweeps.",
        env=("AFPOOLS_SCAN_ARP_WAIT",),
    )
    scan_zeroconf_seconds: float = _option(
        1.0,
        help="Seconds a network scan listens for zeroconf announcements of workstations.",
        env=("AFPOOLS_SCAN_ZEROCONF_SECONDS",),
    )
    scan_dns_timeout: float = _option(
        1.0,
        help="Seconds a network scan waits for the reverse-DNS name of one address.",
        env=("AFPOOLS_SCAN_DNS_TIMEOUT",),
    )
    wake_broadcast: str = _option(
        "",
        help="Where Wake-on-LAN packets go; empty means the broadcast of the host's network.",
        env=("AFPOOLS_WAKE_BROADCAST",),
    )
    wake_port: int = _option(
        9,
        help="UDP port of Wake-on-LAN packets (9, sometimes 7).",
        env=("AFPOOLS_WAKE_PORT",),
    )
    sources: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)
    warnings: tuple[str, ...] = field(default=(), compare=False, repr=False)

    @property
    def afserver_address(self) -> str:
        return f"{self.afserver_host}:{self.afserver_port}"

    def embedded_data_dir(self) -> Path:
        return Path(self.data_dir) if self.data_dir else user_data_dir()


def options() -> list[dataclasses.Field[Any]]:
    """The declared options (the two bookkeeping fields are not options)."""
    return [f for f in dataclasses.fields(Settings) if "help" in f.metadata]


def user_config_dir(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    if sys.platform.startswith("win"):
        return Path(env.get("APPDATA", Path.home() / "AppData" / "Roaming")) / APP_NAME
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / APP_NAME
    base = env.get("XDG_CONFIG_HOME") or str(Path(env.get("HOME", Path.home())) / ".config")
    return Path(base) / APP_NAME


def user_data_dir(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    if sys.platform.startswith("win"):
        return Path(env.get("LOCALAPPDATA", Path.home() / "AppData" / "Local")) / APP_NAME
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / APP_NAME
    base = env.get("XDG_DATA_HOME") or str(Path(env.get("HOME", Path.home())) / ".local/share")
    return Path(base) / APP_NAME


def settings_file_path(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    explicit = env.get("AFPOOLS_SETTINGS_FILE", "")
    return Path(explicit) if explicit else user_config_dir(env) / "settings.json"


def _coerce(name: str, kind: Any, raw: Any, origin: str) -> Any:
    """Turn a value from a file or the environment into the option's type, or explain."""
    try:
        if kind is bool:
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in ("1", "true", "yes", "on"):
                return True
            if text in ("0", "false", "no", "off", ""):
                return False
            raise ValueError(raw)
        if kind is int:
            if isinstance(raw, bool) or (isinstance(raw, float) and not raw.is_integer()):
                raise ValueError(raw)
            number = int(str(raw).strip()) if isinstance(raw, str) else int(raw)
            return _checked_port(name, number, raw, origin) if name.endswith("_port") else number
        if kind is float:
            if isinstance(raw, bool):
                raise ValueError(raw)
            return float(raw)
        if isinstance(raw, dict | list):
            raise ValueError(raw)
        return str(raw)
    except (TypeError, ValueError):
        word = {bool: "true or false", int: "a whole number", float: "a number"}.get(kind, "text")
        raise SettingsError(f"{name} from {origin} must be {word}, not {raw!r}.") from None


# Listening ports may be 0: the legacy listener is then off, the HTTP one takes a free port.
PORTS_THAT_MAY_BE_ZERO = frozenset({"service_port", "service_legacy_port"})


def _checked_port(name: str, number: int, raw: Any, origin: str) -> int:
    low = 0 if name in PORTS_THAT_MAY_BE_ZERO else 1
    if not low <= number <= 65535:
        raise SettingsError(
            f"{name} from {origin} must be a port number between {low} and 65535, not {raw!r}."
        )
    return number


def read_settings_file(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise SettingsError(f"The settings file {path} cannot be read: {error}.") from None
    if not isinstance(data, dict):
        raise SettingsError(f"The settings file {path} must hold a JSON object.")
    return data


def load_settings(
    env: Mapping[str, str] | None = None, *, overrides: Mapping[str, Any] | None = None
) -> Settings:
    """Resolve every option; ``overrides`` (command-line flags) win over everything."""
    env = os.environ if env is None else env
    file_path = settings_file_path(env)
    from_file = read_settings_file(file_path)
    cgru, warnings = read_cgru_config(env)
    known = {f.name for f in options()}
    warnings += [
        f"The settings file {file_path} has an unknown option '{key}'; it was ignored."
        for key in from_file
        if key not in known
    ]
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for option in options():
        name, kind = option.name, option.type
        py_kind = {"str": str, "int": int, "float": float, "bool": bool}[str(kind)]
        candidates: list[tuple[str, Any]] = []
        if overrides and overrides.get(name) is not None:
            candidates.append(("the command line", overrides[name]))
        candidates += [(f"${var}", env[var]) for var in option.metadata["env"] if env.get(var)]
        if name in from_file:
            candidates.append((str(file_path), from_file[name]))
        cgru_key = option.metadata["cgru_key"]
        if cgru_key and cgru.get(cgru_key) not in (None, ""):
            candidates.append((f"CGRU config '{cgru_key}'", cgru[cgru_key]))
        if candidates:
            origin, raw = candidates[0]
            values[name] = _coerce(name, py_kind, raw, origin)
            sources[name] = origin
        else:
            sources[name] = "default"
    return Settings(**values, sources=sources, warnings=tuple(warnings))


def write_settings_file(changes: Mapping[str, Any], env: Mapping[str, str] | None = None) -> Path:
    """Merge ``changes`` into the settings file, keeping options the user set before."""
    path = settings_file_path(env)
    current = read_settings_file(path)
    current.update(changes)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        # Owner only: the file may hold the service's write token or a MongoDB password.
        descriptor = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(current, indent=2, sort_keys=True) + "\n")
        tmp.replace(path)
    except OSError as error:
        raise SettingsError(
            f"The settings file {path} cannot be written ({error.strerror})."
        ) from None
    return path
