"""Reverse names for found addresses: the hosts file, then DNS PTR queries on a thread pool.

Lookups start as soon as an address is found, so they overlap the sweep. Each one asks the
configured name servers in short slices until its timeout, looking at the cancel flag between
slices: the pool drains within ~0.2 s of a cancel and never outlives the scan. (The C
library's resolver would wait its own 5 s per server and could not be interrupted.)
"""

from __future__ import annotations

import concurrent.futures
import ipaddress
import threading
import time
from collections.abc import Callable
from pathlib import Path

HOSTS_FILE = Path("/etc/hosts")
SLICE = 0.2  # seconds one query waits before it is sent again (or the cancel honoured)
WORKERS = 16

Named = Callable[[str, str, float], None]  # ip, name, seen_at


def parse_hosts_file(text: str) -> dict[str, str]:
    """IPv4 address -> first (canonical) name, as ``getent hosts`` would answer."""
    names: dict[str, str] = {}
    for line in text.splitlines():
        fields = line.split("#", 1)[0].split()
        if len(fields) < 2:
            continue
        try:
            address = ipaddress.IPv4Address(fields[0])
        except ValueError:
            continue
        if not address.is_loopback:
            names.setdefault(str(address), fields[1])
    return names


def _read_hosts_file(path: Path) -> dict[str, str]:
    try:
        return parse_hosts_file(path.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return {}


def _name_servers() -> list[str]:
    import dns.resolver

    try:
        resolver = dns.resolver.Resolver(configure=True)
    except dns.resolver.NoResolverConfiguration:
        return []
    return [str(ns) for ns in resolver.nameservers if ":" not in str(ns)][:3]


def ptr_lookup(
    ip: str, servers: list[str], timeout: float, cancel: threading.Event, *, port: int = 53
) -> str:
    """The PTR name of ``ip`` from the first server that knows it; '' when none does in time."""
    import dns.exception
    import dns.message
    import dns.query
    import dns.rcode
    import dns.rdatatype
    import dns.reversename

    query = dns.message.make_query(dns.reversename.from_address(ip), dns.rdatatype.PTR)
    deadline = time.monotonic() + timeout
    unanswered = list(servers)
    while unanswered and not cancel.is_set():
        for server in list(unanswered):
            remaining = deadline - time.monotonic()
            if remaining <= 0 or cancel.is_set():
                return ""
            try:
                reply = dns.query.udp(query, server, timeout=min(SLICE, remaining), port=port)
            except dns.exception.Timeout:
                continue
            except (OSError, dns.exception.DNSException):
                unanswered.remove(server)  # unreachable or gibberish: no point in asking again
                continue
            unanswered.remove(server)
            if reply.rcode() != dns.rcode.NOERROR:
                continue
            for rrset in reply.answer:
                if rrset.rdtype == dns.rdatatype.PTR:
                    for record in rrset:
                        return str(record.target)
    return ""


class NameLookups:
    """Starts a lookup per address; reports names through ``named`` from pool threads."""

    def __init__(
        self,
        *,
        timeout: float,
        named: Named,
        cancel: threading.Event,
        hosts_file: Path = HOSTS_FILE,
        servers: list[str] | None = None,
        port: int = 53,
    ) -> None:
        self._timeout = timeout
        self._named = named
        self._cancel = cancel
        self._hosts = _read_hosts_file(hosts_file)
        self._servers = _name_servers() if servers is None else servers
        self._port = port
        self._pool = concurrent.futures.ThreadPoolExecutor(
            max_workers=WORKERS, thread_name_prefix="afpools-names"
        )
        self._pending: set[concurrent.futures.Future[None]] = set()
        self._asked: set[str] = set()

    @property
    def has_name_servers(self) -> bool:
        return bool(self._servers)

    def lookup(self, ip: str) -> None:
        """Ask for the name of ``ip`` once; the hosts file answers at once."""
        if ip in self._asked:
            return
        self._asked.add(ip)
        if ip in self._hosts:
            self._named(ip, self._hosts[ip], time.time())
        elif self._servers:
            self._pending.add(self._pool.submit(self._ask_dns, ip))

    def _ask_dns(self, ip: str) -> None:
        name = ptr_lookup(ip, self._servers, self._timeout, self._cancel, port=self._port)
        if name:
            self._named(ip, name, time.time())

    def busy(self) -> bool:
        self._pending = {f for f in self._pending if not f.done()}
        return bool(self._pending)

    def close(self) -> None:
        """Wait for running lookups (each ends within a slice of a cancel) and stop the pool."""
        self._pool.shutdown(wait=True, cancel_futures=True)
