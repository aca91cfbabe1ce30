"""Real Blender (bpy 4.5 in build/bpy-4.5), CGRU's add-on as a stand-in, afpools' add-on as
``main.py install-blender`` installs it, and a real ``main.py serve`` to ask for pools."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from storage.store import PoolStore
from tests.support.bpy_venv import prepare
from tests.support.cli import runner
from tests.support.serve_process import ServeProcess, start_serve

HERE = Path(__file__).resolve().parent
SUPPORT = HERE.parents[1] / "support"
HARNESS = SUPPORT / "blender_harness.py"
CGRU_STANDIN = SUPPORT / "blender" / "cgru_tools"
MARK = "AFPOOLS-RESULT "

RunBlender = Callable[..., dict[str, Any]]


@pytest.fixture(scope="session")
def bpy_python() -> Path:
    """bpy's Python; the Blender tests are skipped, with the reason, when it cannot be had."""
    found = prepare()
    if found.python is None:
        pytest.skip(f"Blender as a Python module is not available: {found.reason}")
    return found.python


@pytest.fixture
def blender_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Blender's user folders in the test's own place, CGRU's add-on (stand-in) among the
    add-ons, and CGRU_LOCATION set as CGRU's add-on wants it."""
    scripts = tmp_path / "blender-scripts"
    shutil.copytree(CGRU_STANDIN, scripts / "addons" / "cgru_tools")
    monkeypatch.setenv("BLENDER_USER_SCRIPTS", str(scripts))
    monkeypatch.setenv("BLENDER_USER_CONFIG", str(tmp_path / "blender-config"))
    monkeypatch.setenv("CGRU_LOCATION", str(tmp_path / "cgru"))
    monkeypatch.setenv("CGRU_STANDIN_JOBS", str(tmp_path / "jobs.jsonl"))
    return scripts


@pytest.fixture
def installed(blender_home: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """``main.py install-blender`` into BLENDER_USER_SCRIPTS/addons, as an artist runs it."""
    code, out, err = runner(capsys)("install-blender")
    assert code == 0, err
    addon = blender_home / "addons" / "afpools_blender"
    assert f"  {addon}" in out.splitlines()
    return addon


@pytest.fixture
def run_blender(bpy_python: Path, tmp_path: Path) -> RunBlender:
    """Run a body (see tests/support/blender_harness.py) in bpy's Python; returns RESULT."""
    count = 0

    def run(body: str, **env: str) -> dict[str, Any]:
        nonlocal count
        count += 1
        script = tmp_path / f"blender-body-{count}.py"
        script.write_text(body, encoding="utf-8")
        done = subprocess.run(
            [str(bpy_python), str(HARNESS), str(script)],
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            timeout=300,  # a guard against a hang, not a measure
            check=False,
        )
        marked = [line for line in done.stdout.splitlines() if line.startswith(MARK)]
        result: dict[str, Any] = json.loads(marked[-1][len(MARK) :]) if marked else {}
        assert done.returncode == 0 and "traceback" not in result, (
            result.get("traceback"),
            done.stdout[-3000:],
            done.stderr[-3000:],
        )
        return result

    return run


@pytest.fixture
def pools_served(
    store: PoolStore, nx_server: str, database_name: str, tmp_path: Path
) -> Iterator[ServeProcess]:
    """``main.py serve`` over lighting, gpu, nuit-é and 'night shift' (no token possible)."""
    store.create("lighting", hosts=["rnd-a01", "rnd-a02"])
    store.create("gpu", hosts=["gpu-01"])
    store.create("nuit-é")
    store.create("night shift")
    served = start_serve(nx_server, database_name, tmp_path / "serve.log")
    yield served
    served.stop()


def jobs_sent(tmp_path: Path) -> list[dict[str, Any]]:
    """What the stand-in's cgru.submit would have sent to afserver."""
    jobs = tmp_path / "jobs.jsonl"
    return [json.loads(line) for line in jobs.read_text().splitlines()] if jobs.exists() else []
