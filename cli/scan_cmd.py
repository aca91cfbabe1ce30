"""``main.py scan`` and ``main.py wake``: find machines on the LAN, wake the sleeping ones."""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import time
from collections.abc import Iterator
from types import FrameType
from typing import Any

from cli.common import EXIT_INTERRUPTED, EXIT_OK, json_flag
from cli.output import notice, print_json, print_line, print_table
from config.settings import Settings
from pools.errors import AfpoolsError, HostNotFoundError
from pools.model import KnownHost
from pools.wording import plural
from scanner.errors import WakeError
from scanner.scan import NetworkScan, ScanOptions, ScanResult
from scanner.sighting import normalize_mac
from scanner.wake import wake
from storage.connection import open_store

PROGRESS_EVERY = 0.1  # seconds between two redraws of the progress line


def register(commands: Any) -> None:
    text = "Find machines on the LAN by ARP, zeroconf and DNS, and remember them."
    scan = commands.add_parser("scan", help=text, description=text)
    scan.add_argument(
        "--interface",
        action="append",
        default=[],
        metavar="IF",
        help="interface to scan (repeatable; default: the default route's)",
    )
    scan.add_argument(
        "--cidr",
        action="append",
        default=[],
        metavar="CIDR",
        help="range to scan inside an interface's network, e.g. 10.1.2.0/24 (repeatable)",
    )
    scan.add_argument("--wide", action="store_true", help="allow ranges wider than /22")
    scan.add_argument(
        "--no-save", action="store_true", help="only print; do not record the machines"
    )
    json_flag(scan)
    scan.set_defaults(handler=_scan)

    text = "Send a Wake-on-LAN packet to known hosts (by name, IP or MAC)."
    wake = commands.add_parser("wake", help=text, description=text)
    wake.add_argument(
        "hosts", metavar="HOST", nargs="+", help="a known host's name or IP, or a MAC address"
    )
    json_flag(wake)
    wake.set_defaults(handler=_wake)


class _ProgressLine:
    """One self-overwriting line on stderr, only when a person is watching it."""

    def __init__(self) -> None:
        self.enabled = sys.stderr.isatty()
        self._shown_at = 0.0
        self._width = 0

    def __call__(self, found: int, probed: int, total: int) -> None:
        now = time.monotonic()
        if not self.enabled or now - self._shown_at < PROGRESS_EVERY:
            return
        self._shown_at = now
        line = f"Scanning: {found} found, {probed}/{total} addresses probed (Ctrl-C stops)"
        sys.stderr.write("\r" + line.ljust(self._width))
        sys.stderr.flush()
        self._width = len(line)

    def clear(self) -> None:
        if self.enabled and self._width:
            sys.stderr.write("\r" + " " * self._width + "\r")
            sys.stderr.flush()


@contextlib.contextmanager
def _ctrl_c_cancels(scan: NetworkScan) -> Iterator[None]:
    """Ctrl-C ends the scan early and still prints what was found."""

    def on_interrupt(signum: int, frame: FrameType | None) -> None:
        del signum, frame
        scan.cancel()

    try:
        previous = signal.signal(signal.SIGINT, on_interrupt)
    except ValueError:  # not the main thread: nothing to install
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _scan(args: argparse.Namespace, settings: Settings) -> int:
    options = ScanOptions.from_settings(
        settings,
        interfaces=tuple(args.interface),
        cidrs=tuple(args.cidr),
        allow_wide=args.wide,
    )
    progress = _ProgressLine()
    scan = NetworkScan(options, on_progress=progress)
    scan.plan()  # a bad choice is one sentence before anything is sent
    with _ctrl_c_cancels(scan):
        try:
            result = scan.run()
        finally:
            progress.clear()
    names: list[str] = [s.name for s in result.sightings]
    save_error: AfpoolsError | None = None
    if not args.no_save and result.sightings:
        try:
            with open_store(settings) as store:
                names = store.record_sightings(result.sightings)
        except AfpoolsError as error:
            save_error = error
    _print_result(args, result, names)
    if save_error is not None:
        raise save_error
    return EXIT_INTERRUPTED if result.cancelled else EXIT_OK


def _print_result(args: argparse.Namespace, result: ScanResult, names: list[str]) -> None:
    if args.json:
        data = result.to_json()
        for entry, name in zip(data["sightings"], names, strict=True):
            entry["name"] = name
        print_json(data)
    elif result.sightings:
        rows = [
            (name, s.ip, s.mac or "-", ",".join(sorted(s.sources)))
            for name, s in zip(names, result.sightings, strict=True)
        ]
        print_table(("NAME", "IP", "MAC", "SEEN BY"), rows)
    for warning in result.warnings:
        notice(warning)
    what = plural(len(result.sightings), "machine")
    where = ", ".join(result.ranges)
    if result.cancelled:
        notice(f"Scan cancelled after {result.seconds:.1f} s: {what} found so far on {where}.")
    elif not args.json:
        notice(f"Found {what} on {where} in {result.seconds:.1f} s.")


def _find_host(wanted: str, known: list[KnownHost]) -> KnownHost:
    """By exact name, then ignoring case, then by IP; the most recently seen wins a tie."""
    text = wanted.strip()
    for found in (
        [h for h in known if h.name == text],
        [h for h in known if h.name.casefold() == text.casefold()],
        [h for h in known if h.ip == text],
    ):
        if found:
            return max(found, key=lambda h: h.last_seen)
    raise HostNotFoundError(
        f"There is no known host named '{text}'; 'main.py scan' records the machines it finds."
    )


def _wake(args: argparse.Namespace, settings: Settings) -> int:
    wanted = [h for h in args.hosts if h.strip()]
    targets: list[tuple[str, str, str]] = []  # label, mac, ip
    by_name = [h for h in wanted if not normalize_mac(h)]
    known: list[KnownHost] = []
    if by_name:
        with open_store(settings) as store:
            known = store.known_hosts()
    for text in wanted:
        mac = normalize_mac(text)
        if mac:
            targets.append((mac, mac, ""))
            continue
        host = _find_host(text, known)
        if not host.mac:
            raise WakeError(
                f"{host.name} has no known MAC address, so it cannot be woken; "
                "scan the network once while it is switched on."
            )
        targets.append((host.name, host.mac, host.ip))
    sent = []
    for label, mac, ip in targets:
        where = wake(mac, ip=ip, broadcast=settings.wake_broadcast, port=settings.wake_port)
        sent.append({"host": label, "mac": mac, "sent_to": where})
        if not args.json:
            print_line(f"Sent a Wake-on-LAN packet for {label} ({mac}) to {where}.")
    if args.json:
        print_json(sent)
    return EXIT_OK
