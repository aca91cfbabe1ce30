"""Blender as a Python module (``bpy`` 4.5 from PyPI) in a virtual environment of its own.

bpy is about 950 MB and runs on Python 3.11 only, so it stays out of ``.venv``: the first
Blender test builds ``build/bpy-4.5`` (ignored by git) from ``requirements-bpy.txt`` and marks
it ready with a hash of that file; later runs reuse it. When it cannot be built, the reason
is returned so that the Blender tests are skipped with it. ``python -m tests.support.bpy_venv``
builds it ahead of a test run.
"""

from __future__ import annotations

import fcntl
import hashlib
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REQUIREMENTS = ROOT / "requirements-bpy.txt"
VENV = ROOT / "build" / "bpy-4.5"
READY = ".afpools-ready"
PIP_TIMEOUT = 1800  # seconds: a ~950 MB download on a slow line
# bpy can hang when the interpreter exits: every script ends with os._exit.
PROBE = "import os, sys, bpy\nprint(bpy.app.version_string)\nsys.stdout.flush()\nos._exit(0)\n"


@dataclass(frozen=True)
class Bpy:
    python: Path | None  # the environment's interpreter when bpy imports there
    reason: str  # why not, else bpy's version


def _requirements_hash(requirements: Path) -> str:
    return hashlib.sha256(requirements.read_bytes()).hexdigest()


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else "no output"


def prepare(
    venv: Path = VENV, requirements: Path = REQUIREMENTS, base_python: str = sys.executable
) -> Bpy:
    """The environment with bpy, built when missing or made from other requirements."""
    venv.parent.mkdir(parents=True, exist_ok=True)
    with (venv.parent / f".{venv.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two test runs at once build it once
        return _prepare_locked(venv, requirements, base_python)


def _prepare_locked(venv: Path, requirements: Path, base_python: str) -> Bpy:
    python = venv / "bin" / "python"
    wanted = _requirements_hash(requirements) if requirements.is_file() else "missing"
    ready = venv / READY
    if not (ready.is_file() and ready.read_text() == wanted and python.exists()):
        problem = _build(venv, requirements, base_python)
        if problem:
            return Bpy(None, problem)
        ready.write_text(wanted)
    try:
        probe = subprocess.run(
            [str(python), "-c", PROBE], capture_output=True, text=True, timeout=120, check=False
        )
    except subprocess.TimeoutExpired:
        return Bpy(None, "bpy was installed but 'import bpy' did not finish within 120 s")
    if probe.returncode != 0:
        return Bpy(None, f"bpy was installed but does not import: {_last_line(probe.stderr)}")
    return Bpy(python, probe.stdout.strip())


def _build(venv: Path, requirements: Path, base_python: str) -> str | None:
    """Build the environment afresh; the reason it could not be, or None."""
    version = subprocess.run(
        [base_python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    if version != "3.11":
        return f"bpy 4.5 runs on Python 3.11 only and the tests run on Python {version}"
    shutil.rmtree(venv, ignore_errors=True)
    steps = [
        [base_python, "-m", "venv", str(venv)],
        [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "-r", str(requirements)],
    ]
    for step in steps:
        try:
            done = subprocess.run(
                step, capture_output=True, text=True, timeout=PIP_TIMEOUT, check=False
            )
        except subprocess.TimeoutExpired:
            return f"installing bpy 4.5 took longer than {PIP_TIMEOUT} s"
        if done.returncode != 0:
            return f"bpy 4.5 could not be installed ({_last_line(done.stderr or done.stdout)})"
    return None


if __name__ == "__main__":
    found = prepare()
    print(found.python or "", found.reason)
    sys.exit(0 if found.python else 1)
