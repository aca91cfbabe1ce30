"""The pool service under load: requests/s, latency and memory, HTTP and the 2019 protocol.

A private nx-27017 gets 50 pools of 20 hosts; ``main.py serve`` runs as its own process
(access log on, written to a file, as in production). Then, each for ``--duration`` seconds
with ``--clients`` concurrent clients against ``GET /v1/pools/{name}/mask``:

1. wrk (Debian's ``wrk``), keep-alive;
2. wrk with ``Connection: close``, a new TCP connection per request;
3. the 2019 protocol (a new connection per request, by design), from several client
   processes, because one Python process tops out near 3,000 connections/s.

Resident memory is read from /proc before the load and after each phase; the total number
of requests answered is printed with it (the issue asks for memory after 100,000).

Run from the repository root: ``.venv/bin/python bench/poolserver.py [--json]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from storage.connection import mongo_client
from storage.embedded import EmbeddedServer
from storage.store import PoolStore

ROOT = Path(__file__).resolve().parent.parent

POOLS, HOSTS = 50, 20
POOL = "pool-07"
MASK_PATH = f"/v1/pools/{POOL}/mask?kind=include&user_mask=rnd-07&user_mask_type=find"
LEGACY_REQUEST = b'{"type": "request", "command": "GET POOLS"}'
LEGACY_PROCESSES = 4
SERVE = (sys.executable, str(ROOT / "main.py"), "serve", "--host", "127.0.0.1")
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def seed(uri: str) -> None:
    client = mongo_client(uri, timeout=10)
    try:
        store = PoolStore(client["afpools"], user="bench")
        store.ensure_schema()
        for p in range(POOLS):
            name = f"pool-{p:02d}"
            store.create(name)
            store.add_hosts(name, [f"rnd-{p:02d}{h:02d}" for h in range(HOSTS)])
    finally:
        client.close()


def start_service(uri: str, home: Path, log: Path) -> tuple[subprocess.Popen[str], int, int]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("AFPOOLS_", "CGRU_"))},
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "AFPOOLS_MONGODB_URI": uri,
        "AFPOOLS_SERVICE_AFSERVER_INTERVAL": "0",
    }
    http_port, legacy_port = free_port(), free_port()
    process = subprocess.Popen(
        [*SERVE, "--port", str(http_port), "--legacy-port", str(legacy_port)],
        stdout=subprocess.PIPE,
        stderr=log.open("w"),
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("Stop it"):
            return process, http_port, legacy_port
    raise SystemExit(f"the service did not start; see {log}")


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


# -- HTTP with wrk ---------------------------------------------------------------------


def wrk(url: str, clients: int, duration: int, close: bool) -> dict[str, float]:
    command = ["wrk", "-t2", f"-c{clients}", f"-d{duration}s", "--latency", "--timeout", "5s"]
    if close:
        command += ["-H", "Connection: close"]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    found: dict[str, float] = {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        "requests": float(re.search(r"(\d+) requests in", out).group(1)),  # type: ignore[union-attr]
    }
    for share in ("50", "99"):
        value, unit = re.search(rf"\s{share}%\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
        found[f"p{share}_ms"] = float(value) * _UNITS[unit]
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    found["socket_errors"] = float(sum(int(n) for n in errors.groups())) if errors else 0.0
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    found["bad_status"] = float(bad.group(1)) if bad else 0.0
    return found


# -- the 2019 protocol from several processes ------------------------------------------


async def _legacy_client(
    port: int, until: float, latencies: list[float], errors: list[int]
) -> None:
    while time.perf_counter() < until:
        started = time.perf_counter()
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(LEGACY_REQUEST)
            data = await reader.read()
            writer.close()
            if not data.startswith(b'{"type": "response"'):
                errors[0] += 1
                continue
        except OSError:
            errors[0] += 1
            continue
        latencies.append((time.perf_counter() - started) * 1000)


def _legacy_process(port: int, clients: int, start_at: float, duration: float, queue: Any) -> None:
    async def main() -> tuple[list[float], int]:
        latencies: list[float] = []
        errors = [0]
        await asyncio.sleep(max(0.0, start_at - time.time()))
        until = time.perf_counter() + duration
        await asyncio.gather(
            *(_legacy_client(port, until, latencies, errors) for _ in range(clients))
        )
        return latencies, errors[0]

    queue.put(asyncio.run(main()))


def legacy_load(port: int, clients: int, duration: int) -> dict[str, float]:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    start_at = time.time() + 1.5  # every process connects at the same moment
    share = [
        clients // LEGACY_PROCESSES + (i < clients % LEGACY_PROCESSES)
        for i in range(LEGACY_PROCESSES)
    ]
    workers = [
        context.Process(target=_legacy_process, args=(port, n, start_at, duration, queue))
        for n in share
    ]
    for worker in workers:
        worker.start()
    results = [queue.get() for _ in workers]
    for worker in workers:
        worker.join()
    latencies = sorted(x for lat, _ in results for x in lat)
    count = len(latencies)
    return {
        "rps": count / duration,
        "requests": float(count),
        "p50_ms": latencies[count // 2] if count else 0.0,
        "p99_ms": latencies[min(count - 1, count * 99 // 100)] if count else 0.0,
        "errors": float(sum(err for _, err in results)),
    }


# -- the run ---------------------------------------------------------------------------


def run(clients: int, duration: int) -> dict[str, Any]:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    folder = Path(tempfile.mkdtemp(prefix="afpools-bench-"))
    embedded = EmbeddedServer(folder / "nx")
    uri = embedded.acquire()
    process = None
    try:
        seed(uri)
        home = folder / "home"
        home.mkdir()
        process, http_port, legacy_port = start_service(uri, home, folder / "service.log")
        url = f"http://127.0.0.1:{http_port}{MASK_PATH}"
        subprocess.run(["wrk", "-t1", "-c4", "-d1s", url], capture_output=True, check=True)
        result: dict[str, Any] = {
            "clients": clients,
            "duration_s": duration,
            "pools": POOLS,
            "hosts_per_pool": HOSTS,
            "cpus": os.cpu_count(),
            "load_before": load_average(),
            "rss_mb_before": round(rss_mb(process.pid), 1),
        }
        keepalive = wrk(url, clients, duration, close=False)
        result["rss_mb_after_keepalive"] = round(rss_mb(process.pid), 1)
        new_conn = wrk(url, clients, duration, close=True)
        result["rss_mb_after_new_conn"] = round(rss_mb(process.pid), 1)
        legacy = legacy_load(legacy_port, clients, duration)
        result["rss_mb_after"] = round(rss_mb(process.pid), 1)
        result["load_after"] = load_average()
        for prefix, numbers in (
            ("keepalive", keepalive),
            ("new_conn", new_conn),
            ("legacy", legacy),
        ):
            for key, value in numbers.items():
                result[f"{prefix}_{key}"] = round(value, 2)
        result["p99_ms"] = round(max(keepalive["p99_ms"], new_conn["p99_ms"], legacy["p99_ms"]), 2)
        result["requests_total"] = int(
            keepalive["requests"] + new_conn["requests"] + legacy["requests"]
        )
        return result
    finally:
        if process is not None:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)
        embedded.release()
        shutil.rmtree(folder, ignore_errors=True)


def print_table(result: dict[str, Any]) -> None:
    print(
        f"pool service, {result['clients']} clients x {result['duration_s']} s, "
        f"{result['pools']} pools of {result['hosts_per_pool']} hosts, {result['cpus']} CPUs, "
        f"load {result['load_before']} -> {result['load_after']}"
    )
    print(f"{'phase':<22}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for label, prefix, errors in (
        ("HTTP keep-alive", "keepalive", "socket_errors"),
        ("HTTP new connection", "new_conn", "socket_errors"),
        ("2019 protocol", "legacy", "errors"),
    ):
        print(
            f"{label:<22}{result[prefix + '_rps']:>10.0f}{result[prefix + '_p50_ms']:>9.2f}"
            f"{result[prefix + '_p99_ms']:>9.2f}{result[prefix + '_' + errors]:>8.0f}"
        )
    print(
        f"RSS MB: {result['rss_mb_before']} before, {result['rss_mb_after_keepalive']} after "
        f"keep-alive, {result['rss_mb_after_new_conn']} after new-connection, "
        f"{result['rss_mb_after']} after {result['requests_total']} requests"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--duration", type=int, default=15, help="seconds per phase")
    args = parser.parse_args()
    result = run(args.clients, args.duration)
    if args.json:
        print(json.dumps(result))
    else:
        print_table(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
