"""How long the embedded server takes to stop after its last user is killed, and what its
watch on the users costs while it serves.

Each run starts a fresh data folder and a copy of afpools that joins its embedded server,
waits a random part of the server's check interval (so that the kill lands anywhere in it),
kills the copy with SIGKILL and times until the server process is gone and its state file
removed. Then three copies share one server and the check the server makes every interval
(``LastUserWatch.nobody_left``) is timed here, as often as ``--checks`` says.

Run from the repository root: ``.venv/bin/python bench/embedded_watchdog.py [--json]``.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from storage.embedded_process import pid_alive
from storage.embedded_watchdog import CHECK_SECONDS, LastUserWatch

ROOT = Path(__file__).resolve().parent.parent
USER = (
    "import sys; from pathlib import Path; from storage.embedded import EmbeddedServer;"
    "EmbeddedServer(Path(sys.argv[1])).acquire(); print('joined', flush=True); sys.stdin.read()"
)


def start_user(folder: Path) -> subprocess.Popen[str]:
    user = subprocess.Popen(
        [sys.executable, "-c", USER, str(folder)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert user.stdout is not None
    if user.stdout.readline() != "joined\n":
        raise SystemExit("a copy of afpools could not join the embedded server")
    return user


def server_pid(folder: Path) -> int:
    return int(json.loads((folder / "server.json").read_text(encoding="utf-8"))["pid"])


def time_to_stop(folder: Path) -> float:
    """Seconds from the SIGKILL of the only user until the server and its state file are gone."""
    user = start_user(folder)
    pid = server_pid(folder)
    time.sleep(random.uniform(0, CHECK_SECONDS))  # land anywhere in the check interval
    user.send_signal(signal.SIGKILL)
    killed = time.monotonic()
    user.communicate()
    while pid_alive(pid) or (folder / "server.json").exists():
        if time.monotonic() - killed > 60:
            raise SystemExit(f"the server {pid} did not stop within 60 s")
        time.sleep(0.002)
    return time.monotonic() - killed


def check_us(folder: Path, checks: int) -> float:
    """Microseconds of CPU per look at the users while three copies use the server."""
    users = [start_user(folder) for _ in range(3)]
    watch = LastUserWatch(folder)
    started = time.process_time()
    for _ in range(checks):
        if watch.nobody_left():
            raise SystemExit("the copies were not seen")
    used = time.process_time() - started
    for user in users:
        user.communicate("")  # stdin closes: the copy ends, as a plain exit
    return used / checks * 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=25)
    parser.add_argument("--checks", type=int, default=2000, help="looks at the users to time")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="afpools-watchdog-"))
    try:
        stops = [time_to_stop(base / f"run-{n}") for n in range(args.runs)]
        check = check_us(base / "check", args.checks)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    result = {
        "check_interval_ms": CHECK_SECONDS * 1000,
        "stop_after_kill_ms_median": round(statistics.median(stops) * 1000),
        "stop_after_kill_ms_min": round(min(stops) * 1000),
        "stop_after_kill_ms_max": round(max(stops) * 1000),
        "runs": args.runs,
        "check_us_3_users": round(check, 1),
    }
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:28} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
