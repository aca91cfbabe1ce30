"""Time to a complete scan result and recall on a namespace LAN, beside Debian's arp-scan.

Builds the test LAN (tests/support/netns_lan.py) with 50 live hosts spread over a /24 (five
named by DNS, five by the hosts file, five announcing zeroconf), then, alternating, several
times: ``scanner`` as a fresh process (interpreter start and imports included, like
arp-scan's process), the unprivileged fallback (CAP_NET_RAW dropped), and
``arp-scan --localnet`` with its defaults. Every packet stays inside the namespaces.

Run as root from the repository root: ``.venv/bin/python bench/scan.py [--json] [--runs N]``.
Needs iproute2, arp-scan and setpriv (util-linux). The machine's load average is reported
before and after, since other work on the machine slows every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support import netns_lan
from tests.support.netns_lan import Lan

HOSTS = 50
NAMED = (5, 5, 5)  # DNS, hosts file, zeroconf
RUNNER = "tests/support/scan_runner.py"
TARGET_SECONDS = 3.0
TARGET_RATIO = 1.5


def run_scanner(lan: Lan, *, drop_raw: bool = False) -> dict[str, Any]:
    argv = [sys.executable, RUNNER, "{}"]
    if drop_raw:
        argv = ["setpriv", "--bounding-set=-net_raw", "--", *argv]
    started = time.monotonic()
    done = lan.run(lan.scanner_ns, argv, timeout=120)
    seconds = time.monotonic() - started
    if done.returncode != 0:
        raise RuntimeError(f"the scanner failed: {done.stderr.strip()}")
    result = json.loads(done.stdout.splitlines()[-1])
    return {
        "seconds": seconds,
        "scan_seconds": result["seconds"],
        "found": {s["ip"] for s in result["sightings"]},
        "named": sum(1 for s in result["sightings"] if s["hostname"]),
    }


def run_arp_scan(lan: Lan) -> dict[str, Any]:
    started = time.monotonic()
    done = lan.run(
        lan.scanner_ns, ["arp-scan", "--interface=eth0", "--localnet", "--quiet", "--plain"]
    )
    seconds = time.monotonic() - started
    if done.returncode != 0:
        raise RuntimeError(f"arp-scan failed: {done.stderr.strip()}")
    found = {line.split("\t")[0] for line in done.stdout.splitlines() if line.strip()}
    return {"seconds": seconds, "found": found}


def measure(runs: int) -> dict[str, Any]:
    load_before = os.getloadavg()
    with netns_lan.lan(HOSTS, named=NAMED) as lan:
        live = {h.ip for h in lan.hosts}
        named = sum(1 for h in lan.hosts if h.expected_name)
        rows: list[dict[str, Any]] = []
        for index in range(runs):
            order = ["scanner", "fallback", "arp-scan"]
            if index % 2:
                order.reverse()  # neither tool always runs on a warmer cache
            for tool in order:
                if tool == "arp-scan":
                    row = run_arp_scan(lan)
                else:
                    row = run_scanner(lan, drop_raw=tool == "fallback")
                row.update(tool=tool, run=index + 1)
                row["recall"] = len(row["found"] & live) / len(live)
                row["phantoms"] = sorted(row.pop("found") - live)
                row["found"] = round(row["recall"] * len(live))
                rows.append(row)
    return summarize(rows, runs, named, load_before, os.getloadavg())


def summarize(
    rows: list[dict[str, Any]],
    runs: int,
    named: int,
    load_before: tuple[float, float, float],
    load_after: tuple[float, float, float],
) -> dict[str, Any]:
    def of(tool: str, key: str) -> list[Any]:
        return [r[key] for r in rows if r["tool"] == tool]

    seconds = statistics.median(of("scanner", "seconds"))
    arp_scan = statistics.median(of("arp-scan", "seconds"))
    return {
        "hosts": HOSTS,
        "found": min(of("scanner", "found")),
        "recall": min(of("scanner", "recall")),
        "phantoms": sum(len(p) for p in of("scanner", "phantoms")),
        "named": min(of("scanner", "named")),
        "named_expected": named,
        "seconds": round(seconds, 3),
        "seconds_max": round(max(of("scanner", "seconds")), 3),
        "scan_seconds": round(statistics.median(of("scanner", "scan_seconds")), 3),
        "arp_scan_seconds": round(arp_scan, 3),
        "arp_scan_found": min(of("arp-scan", "found")),
        "ratio": round(seconds / arp_scan, 2),
        "fallback_seconds": round(statistics.median(of("fallback", "seconds")), 3),
        "fallback_found": min(of("fallback", "found")),
        "runs": runs,
        "cores": os.cpu_count(),
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in load_after],
        "targets_met": min(of("scanner", "recall")) == 1.0
        and seconds <= TARGET_SECONDS
        and seconds <= TARGET_RATIO * arp_scan,
        "per_run": [
            {k: (round(v, 3) if isinstance(v, float) else v) for k, v in r.items()} for r in rows
        ],
    }


def print_table(summary: dict[str, Any]) -> None:
    print(
        f"{summary['hosts']} live hosts in a /24, {summary['runs']} runs each (median; "
        f"load {summary['load_before'][0]} -> {summary['load_after'][0]} on "
        f"{summary['cores']} cores)"
    )
    rows = [
        ("scanner (ARP+zeroconf+DNS)", summary["seconds"], summary["found"]),
        ("scanner, no CAP_NET_RAW", summary["fallback_seconds"], summary["fallback_found"]),
        ("arp-scan --localnet", summary["arp_scan_seconds"], summary["arp_scan_found"]),
    ]
    print(f"{'tool':<28} {'seconds':>8} {'found':>7}")
    for tool, seconds, found in rows:
        print(f"{tool:<28} {seconds:>8.3f} {found:>4}/{summary['hosts']}")
    print(
        f"scanner: {summary['scan_seconds']:.3f} s inside the process, "
        f"{summary['named']}/{summary['named_expected']} named, "
        f"{summary['phantoms']} phantoms; {summary['ratio']}x arp-scan's time "
        f"(targets: 100% recall, <= {TARGET_SECONDS} s, <= {TARGET_RATIO}x): "
        + ("met" if summary["targets_met"] else "NOT met")
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--runs", type=int, default=5, help="runs of each tool (default 5)")
    args = parser.parse_args(argv)
    problem = netns_lan.netns_unavailable()
    for tool in ("arp-scan", "setpriv"):
        if not problem and shutil.which(tool) is None:
            problem = f"{tool} is not installed"
    if problem:
        print(f"The benchmark LAN cannot be built here: {problem}.", file=sys.stderr)
        return 1
    summary = measure(max(1, args.runs))
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print_table(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
