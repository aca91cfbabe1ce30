"""A little LAN of network namespaces that exists only for one test or one benchmark run.

Layout (every address lives inside these namespaces; the root namespace gets nothing)::

    <p>-br      one namespace holding the bridge ``br0``; each other namespace's ``eth0`` is
                one end of a veth pair whose other end (``v0``, ``v1`` ...) is a bridge port
    <p>-scan    the scanning machine: 10.77.0.1/24, default route via .2, its own
                /etc/netns/<p>-scan/hosts (some names) and resolv.conf (nameserver .2)
    <p>-h0      a live host at .2 that also answers reverse DNS (tests/support/ptr_responder.py)
    <p>-h1...   the other live hosts, at addresses spread over the /24 (fixed seed), each with
                a known MAC 02:77:00:00:HH:HH; some named in the hosts file, some by the DNS
                responder, some announcing themselves with zeroconf (mdns_announcer.py)

Nothing routes out of the LAN: the bridge namespace has no address, and no namespace is
linked to the root one, so scans and Wake-on-LAN packets cannot leave it. :func:`lan` tears
everything down (processes, namespaces, /etc/netns folders) also when the test fails.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import random
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NETNS_DIR = Path("/run/netns")
ETC_NETNS = Path("/etc/netns")
PREFIX_ROOT = "afpscan"  # every namespace of ours starts with this: leftovers are findable
DEFAULT_SUBNET = "10.77.0.0/24"
# What the announcing hosts offer, in turn: a workstation, a Mac-like device, a file server.
MDNS_KINDS = ("_workstation._tcp,_ssh._tcp", "_device-info._tcp", "_smb._tcp,_afpools._tcp")
START_TIMEOUT = 30.0  # zeroconf announcers and the DNS responder, on a loaded machine


def netns_unavailable() -> str:
    """Why this machine cannot build the LAN, or '' when it can."""
    if os.geteuid() != 0:
        return "network namespaces need root"
    if shutil.which("ip") is None:
        return "iproute2's `ip` is not installed"
    probe = f"{PREFIX_ROOT}-probe-{uuid.uuid4().hex[:6]}"
    made = subprocess.run(
        ["ip", "netns", "add", probe], capture_output=True, text=True, check=False
    )
    if made.returncode != 0:
        return f"`ip netns add` fails here: {made.stderr.strip()}"
    subprocess.run(["ip", "netns", "del", probe], capture_output=True, check=False)
    return ""


@dataclass(frozen=True)
class LanHost:
    """One live machine of the LAN and the names the scanner should learn for it."""

    namespace: str
    ip: str
    mac: str
    dns_name: str = ""  # answered by the PTR responder
    hosts_file_name: str = ""  # in the scanner's /etc/netns/<scan>/hosts
    mdns_name: str = ""  # announced with zeroconf from the host's own namespace

    @property
    def expected_name(self) -> str:
        """The name a scan should report: DNS or hosts file first, then zeroconf."""
        return self.hosts_file_name or self.dns_name or self.mdns_name


@dataclass
class Lan:
    """A built LAN; use :func:`lan` rather than building one by hand."""

    prefix: str
    network: ipaddress.IPv4Network
    hosts: list[LanHost] = field(default_factory=list)
    processes: list[subprocess.Popen[str]] = field(default_factory=list)

    @property
    def bridge_ns(self) -> str:
        return f"{self.prefix}-br"

    @property
    def scanner_ns(self) -> str:
        return f"{self.prefix}-scan"

    @property
    def scanner_ip(self) -> str:
        return str(self.network.network_address + 1)

    @property
    def dns_ip(self) -> str:
        return str(self.network.network_address + 2)

    @property
    def namespaces(self) -> list[str]:
        return [self.bridge_ns, self.scanner_ns, *(h.namespace for h in self.hosts)]

    def exec_argv(self, namespace: str, argv: Sequence[str]) -> list[str]:
        return ["ip", "netns", "exec", namespace, *argv]

    def run(
        self, namespace: str, argv: Sequence[str], *, timeout: float = 60.0
    ) -> subprocess.CompletedProcess[str]:
        """Run a command inside one namespace of the LAN (with its /etc/netns files)."""
        return subprocess.run(
            self.exec_argv(namespace, argv),
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=ROOT,
            check=False,
        )

    def popen(self, namespace: str, argv: Sequence[str]) -> subprocess.Popen[str]:
        """Start a process inside the LAN; it is stopped when the LAN is torn down."""
        process = subprocess.Popen(
            self.exec_argv(namespace, argv),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        self.processes.append(process)
        return process

    def python(self, namespace: str, script: str, *args: str) -> subprocess.Popen[str]:
        return self.popen(namespace, [sys.executable, str(ROOT / script), *args])

    def host(self, ip: str) -> LanHost:
        return next(h for h in self.hosts if h.ip == ip)

    def free_ip(self) -> str:
        """An address of the LAN where no machine answers."""
        used = {self.scanner_ip, *(h.ip for h in self.hosts)}
        return next(str(a) for a in reversed(list(self.network.hosts())) if str(a) not in used)


def _ip_batch(commands: Sequence[str], namespace: str = "") -> None:
    argv = ["ip", *(["-n", namespace] if namespace else []), "-batch", "-"]
    done = subprocess.run(
        argv, input="\n".join(commands) + "\n", capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"ip -batch failed in {namespace or 'root'}: {done.stderr.strip()}")


def _mac(index: int) -> str:
    return f"02:77:00:00:{index >> 8:02x}:{index & 0xFF:02x}"


def _plan_hosts(
    prefix: str,
    network: ipaddress.IPv4Network,
    live: int,
    named: tuple[int, int, int],
    seed: int,
) -> list[LanHost]:
    """Addresses spread over the subnet; names handed out by kind, the rest nameless."""
    addresses = [str(a) for a in network.hosts()][2:]  # .1 is the scanner, .2 is h0
    picked = [str(network.network_address + 2), *random.Random(seed).sample(addresses, live - 1)]
    dns, hosts_file, mdns = named
    hosts = []
    for index, ip in enumerate(picked):
        kind = "dns" if index < dns else "file" if index < dns + hosts_file else ""
        if not kind and index < dns + hosts_file + mdns:
            kind = "mdns"
        hosts.append(
            LanHost(
                namespace=f"{prefix}-h{index}",
                ip=ip,
                mac=_mac(index + 1),
                dns_name=f"rnd-{index:02d}" if kind == "dns" else "",
                hosts_file_name=f"ws-file-{index:02d}" if kind == "file" else "",
                mdns_name=f"ws-mdns-{index:02d}" if kind == "mdns" else "",
            )
        )
    return hosts


def _build(lan: Lan) -> None:
    prefix, net = lan.prefix, lan.network
    _ip_batch([f"netns add {ns}" for ns in lan.namespaces])
    _ip_batch(["link add br0 type bridge", "link set br0 up"], lan.bridge_ns)
    members = [(lan.scanner_ns, lan.scanner_ip, _mac(0))] + [
        (h.namespace, h.ip, h.mac) for h in lan.hosts
    ]
    _ip_batch(
        [
            f"link add eth0 netns {ns} address {mac} type veth peer name v{i} netns {prefix}-br"
            for i, (ns, _ip, mac) in enumerate(members)
        ]
    )
    _ip_batch(
        [f"link set v{i} master br0 up" for i in range(len(members))],
        lan.bridge_ns,
    )
    for ns, ip, _mac_address in members:
        commands = ["link set lo up", "link set eth0 up", f"addr add {ip}/{net.prefixlen} dev eth0"]
        if ns == lan.scanner_ns:
            commands.append(f"route add default via {lan.dns_ip} dev eth0")
        _ip_batch(commands, ns)
    etc = ETC_NETNS / lan.scanner_ns
    etc.mkdir(parents=True, exist_ok=True)
    names = [f"{h.ip}\t{h.hosts_file_name}" for h in lan.hosts if h.hosts_file_name]
    (etc / "hosts").write_text("127.0.0.1\tlocalhost\n" + "\n".join(names) + "\n")
    (etc / "resolv.conf").write_text(f"nameserver {lan.dns_ip}\noptions timeout:1 attempts:1\n")


def wait_ready(process: subprocess.Popen[str], what: str) -> None:
    """Announcers and the responder print one line when they are ready, or die trying."""
    assert process.stdout is not None
    line = process.stdout.readline()  # they exit with an error message rather than hang
    if line.strip() != "ready":
        _, err = process.communicate(timeout=START_TIMEOUT)
        raise RuntimeError(f"{what} did not start: {line.strip()} {err.strip()}")


def _start_services(lan: Lan) -> None:
    names = [f"{h.ip}={h.dns_name}" for h in lan.hosts if h.dns_name]
    responder = lan.python(
        lan.hosts[0].namespace, "tests/support/ptr_responder.py", lan.dns_ip, *names
    )
    waiting = [(responder, "the DNS responder")]
    announcing = [h for h in lan.hosts if h.mdns_name]
    for index, host in enumerate(announcing):
        kinds = MDNS_KINDS[index % len(MDNS_KINDS)]
        process = lan.python(
            host.namespace, "tests/support/mdns_announcer.py", host.ip, host.mdns_name, kinds
        )
        waiting.append((process, f"the zeroconf announcer of {host.mdns_name}"))
    for process, what in waiting:
        wait_ready(process, what)


def teardown(prefix: str) -> None:
    """Delete every namespace and /etc/netns folder whose name starts with ``prefix``."""
    spaces = sorted(p.name for p in NETNS_DIR.glob(f"{prefix}-*")) if NETNS_DIR.is_dir() else []
    if spaces:
        # A process still running inside keeps its namespace alive: stop ours first.
        for space in spaces:
            inside = subprocess.run(
                ["ip", "netns", "pids", space], capture_output=True, text=True, check=False
            ).stdout.split()
            for pid in inside:
                with contextlib.suppress(ProcessLookupError, ValueError):
                    os.kill(int(pid), 9)
        _ip_batch([f"netns del {space}" for space in spaces])
    if ETC_NETNS.is_dir():
        for folder in ETC_NETNS.glob(f"{prefix}-*"):
            shutil.rmtree(folder, ignore_errors=True)


def leftovers(prefix: str = PREFIX_ROOT) -> list[str]:
    """Namespaces and /etc/netns folders of ours that still exist."""
    found = [p.name for p in NETNS_DIR.glob(f"{prefix}*")] if NETNS_DIR.is_dir() else []
    found += [str(p) for p in ETC_NETNS.glob(f"{prefix}*")] if ETC_NETNS.is_dir() else []
    return sorted(found)


def _stop(processes: list[subprocess.Popen[str]]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()


@contextlib.contextmanager
def lan(
    live: int = 8,
    *,
    named: tuple[int, int, int] = (2, 2, 2),
    subnet: str = DEFAULT_SUBNET,
    seed: int = 2019,
    prefix: str = "",
) -> Iterator[Lan]:
    """Build a LAN of ``live`` hosts; ``named`` = how many get a DNS, hosts-file, mDNS name.

    Host 0 (the DNS responder at .2) gets the first DNS name; the rest stay nameless.
    """
    prefix = prefix or f"{PREFIX_ROOT}{uuid.uuid4().hex[:6]}"
    network = ipaddress.IPv4Network(subnet)
    built = Lan(prefix, network, _plan_hosts(prefix, network, live, named, seed))
    try:
        _build(built)
        _start_services(built)
        yield built
    finally:
        _stop(built.processes)
        teardown(prefix)
