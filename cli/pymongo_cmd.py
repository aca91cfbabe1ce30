"""``main.py install-pymongo --python PATH``: pymongo for CGRU's own Python.

For studios whose own plugins read the ``afpools`` database directly (the 2019 tool shipped
a script for this). pip comes first from ``ensurepip`` when the interpreter lacks it; the
version afpools pins is installed where that Python supports it, else the newest that it
does (pip reads each release's Requires-Python).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
from pathlib import Path
from typing import Any

from cli.common import EXIT_OK, json_flag
from cli.output import print_json, print_line
from cli.plugin_files import ROOT
from config.settings import Settings
from pools.errors import AfpoolsError

REQUIREMENTS = ROOT / "requirements.txt"
PROBE = "import json, sys; print(json.dumps({'python': '%d.%d.%d' % sys.version_info[:3]}))"
PIP_TIMEOUT = 900  # seconds: pip may download, and ensurepip unpacks pip itself
_NOT_FOR_THIS_PYTHON = re.compile(
    r"Requires-Python|No matching distribution|Could not find a version", re.IGNORECASE
)


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "install-pymongo",
        help="install pymongo into another Python (CGRU's own, say)",
        description=(
            "Install pymongo into the Python interpreter at PATH (CGRU's bundled Python on "
            "Linux or Windows), for plugins that read the afpools database directly: "
            "ensurepip first when it has no pip, then the pymongo version afpools pins, or "
            "the newest one that this Python supports."
        ),
    )
    parser.add_argument("--python", metavar="PATH", required=True, help="the interpreter")
    json_flag(parser)
    parser.set_defaults(handler=_install)


def pinned_version(requirements: Path = REQUIREMENTS) -> str:
    found = re.search(r"^pymongo==(\S+)", requirements.read_text(encoding="utf-8"), re.M)
    if not found:
        raise AfpoolsError(f"{requirements} pins no pymongo version.")
    return found.group(1)


def _run(python: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [python, *arguments],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=PIP_TIMEOUT,
        check=False,
    )


def _last_words(done: subprocess.CompletedProcess[str]) -> str:
    lines = [line.strip() for line in (done.stderr or done.stdout).splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("ERROR")]
    return (errors or lines or ["no output"])[-1]


def python_version(python: str) -> str:
    """The interpreter's version; one sentence when PATH is no Python interpreter."""
    path = Path(python)
    if not path.exists():
        raise AfpoolsError(f"{python} is not a Python interpreter: it does not exist.")
    if path.is_dir():
        raise AfpoolsError(f"{python} is not a Python interpreter but a folder.")
    try:
        done = subprocess.run(
            [python, "-c", PROBE], capture_output=True, text=True, timeout=60, check=False
        )
        version = str(json.loads(done.stdout.strip().splitlines()[-1])["python"])
    except (OSError, subprocess.TimeoutExpired, ValueError, IndexError, KeyError, TypeError):
        raise AfpoolsError(
            f"{python} is not a Python interpreter: it does not run Python code."
        ) from None
    return version


def _ensure_pip(python: str) -> bool:
    """True when pip had to come from ensurepip."""
    if _run(python, "-m", "pip", "--version").returncode == 0:
        return False
    done = _run(python, "-m", "ensurepip", "--upgrade")
    if done.returncode != 0:
        raise AfpoolsError(
            f"{python} has no pip, and ensurepip could not install one "
            f"({_last_words(done)}): install pip for it first."
        )
    return True


def _pip_install(python: str, requirement: str) -> subprocess.CompletedProcess[str]:
    return _run(python, "-m", "pip", "install", "-q", "--disable-pip-version-check", requirement)


def _install(args: argparse.Namespace, settings: Settings) -> int:
    python = str(args.python)
    version = python_version(python)
    bootstrapped = _ensure_pip(python)
    pin = pinned_version()
    done = _pip_install(python, f"pymongo=={pin}")
    if done.returncode != 0 and _NOT_FOR_THIS_PYTHON.search(done.stderr + done.stdout):
        done = _pip_install(python, "pymongo")  # the newest release this Python may have
    if done.returncode != 0:
        raise AfpoolsError(f"pip could not install pymongo into {python}: {_last_words(done)}")
    check = _run(python, "-c", "import pymongo; print(pymongo.version)")
    if check.returncode != 0:
        raise AfpoolsError(
            f"pymongo was installed but {python} cannot import it: {_last_words(check)}"
        )
    installed = check.stdout.strip()
    if args.json:
        print_json(
            {"python": python, "python_version": version, "pymongo": installed, "pinned": pin}
            | {"pip_from_ensurepip": bootstrapped}
        )
        return EXIT_OK
    if bootstrapped:
        print_line(f"{python} had no pip: ensurepip installed it.")
    print_line(f"Installed pymongo {installed} into {python} (Python {version}).")
    if installed != pin:
        print_line(
            f"afpools pins pymongo {pin}, which Python {version} cannot run; {installed} is "
            "the newest release that it can."
        )
    return EXIT_OK
