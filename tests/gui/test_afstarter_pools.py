"""``main.py afstarter`` over a stand-in of CGRU's AfStarter (same shape, PyQt5, offscreen):
the Pool combo sits next to the hosts mask field, a pick writes the token and keeps the
artist's text, the pick is remembered, Start runs afjob.py instead of aborting, and a
service that is down is one sentence with nothing lost."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from storage.store import PoolStore
from tests.support.canned_http import CannedHttp
from tests.support.cli import runner
from tests.support.ports import unused_port

ROOT = Path(__file__).resolve().parents[2]
STANDIN = ROOT / "tests" / "support" / "afstarter"
POOLS = {"pools": [{"name": n, "hosts": []} for n in ("gpu", "lighting", "nuit-é", "a b")]}


@pytest.fixture
def cgru(tmp_path: Path) -> Path:
    """CGRU's folders as AfStarter needs them, holding the stand-ins."""
    location = tmp_path / "cgru"
    for source, target in (
        ("Qt.py", "lib/python/Qt.py"),
        ("afstarter.py", "utilities/afstarter/afstarter.py"),
        ("afjob.py", "afanasy/python/afjob.py"),
    ):
        (location / target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(STANDIN / source, location / target)
    return location


def afstarter(
    cgru: Path, tmp_path: Path, steps: str = "", **env: str
) -> tuple[dict[str, Any], subprocess.CompletedProcess[str]]:
    result = tmp_path / "afstarter-result.json"
    result.unlink(missing_ok=True)
    done = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "afstarter", "scene.blend"],
        env={
            **os.environ,
            "CGRU_LOCATION": str(cgru),
            "CGRU_PYTHONEXE": sys.executable,
            "AFSTARTER_PROBE": str(STANDIN / "probe.py"),
            "AFSTARTER_RESULT": str(result),
            "AFSTARTER_STEPS": steps,
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    seen: dict[str, Any] = json.loads(result.read_text())
    assert "traceback" not in seen, seen["traceback"]
    return seen, done


@pytest.fixture
def service() -> Any:
    with CannedHttp({"svc": (200, json.dumps(POOLS).encode())}) as canned:
        yield canned.url("svc")


def test_the_combo_sits_next_to_the_mask_and_a_pick_keeps_the_artists_text(
    cgru: Path, tmp_path: Path, service: str
) -> None:
    seen, _done = afstarter(
        cgru,
        tmp_path,
        "pick:lighting,pick:nuit-é,pick:,start",
        AFPOOLS_SERVICE_URL=service,
        STANDIN_LAST_MASK="rnd-b, @gpu",
    )
    assert seen["row"] == [
        "Hosts Mask:",
        "QLineEdit",
        "Pool:",
        "afpools_pool",
        "Exclude:",
        "QLineEdit",
    ]
    assert seen["first"]["note"] == "Asking for the pools..."
    assert seen["loaded"]["items"] == ["No pool", "gpu", "lighting", "nuit-é"]
    assert seen["loaded"]["current"] == "gpu"
    assert seen["loaded"]["note"] == (
        "1 pool cannot be picked here: a name with a space or one of | ; , : cannot be a token."
    )
    assert seen["pick:lighting"]["mask"] == "@lighting rnd-b"
    assert seen["pick:lighting"]["command"].endswith(' -hostsmask "@lighting rnd-b"')
    assert seen["pick:nuit-é"]["mask"] == "@nuit-é rnd-b"
    assert seen["pick:"]["mask"] == "rnd-b"
    assert seen["pick:"]["current"] == "No pool"
    exit_code, output = seen["afjob"]
    assert exit_code == 0
    assert json.loads(output.removeprefix("afjob ")) == [
        "scene.blend",
        "1",
        "10",
        "-hostsmask",
        "rnd-b",
    ]


def test_typing_a_token_moves_the_combo_and_start_runs_afjob_under_pyqt5(
    cgru: Path, tmp_path: Path, service: str
) -> None:
    seen, _done = afstarter(cgru, tmp_path, "type:@gpu rnd-c,start", AFPOOLS_SERVICE_URL=service)
    assert seen["type:@gpu rnd-c"]["current"] == "gpu"
    exit_code, output = seen["afjob"]
    assert exit_code == 0
    assert json.loads(output.removeprefix("afjob ")) == [
        "scene.blend",
        "1",
        "10",
        "-hostsmask",
        "@gpu rnd-c",
    ]


def test_the_pick_is_remembered_between_runs(cgru: Path, tmp_path: Path, service: str) -> None:
    afstarter(cgru, tmp_path, "pick:gpu", AFPOOLS_SERVICE_URL=service)

    seen, _done = afstarter(cgru, tmp_path, AFPOOLS_SERVICE_URL=service, STANDIN_LAST_MASK="x")

    assert seen["first"]["mask"] == "@gpu x"
    assert seen["loaded"]["current"] == "gpu"
    assert seen["loaded"]["command"].endswith(' -hostsmask "@gpu x"')


def test_a_service_that_is_down_is_one_sentence_and_the_mask_is_kept(
    cgru: Path, tmp_path: Path
) -> None:
    url = f"http://127.0.0.1:{unused_port()}"
    seen, _done = afstarter(
        cgru, tmp_path, "start", AFPOOLS_SERVICE_URL=url, STANDIN_LAST_MASK="@comp @gpu rnd-a"
    )
    loaded = seen["loaded"]
    assert loaded["items"] == ["No pool", "comp", "gpu"]
    assert loaded["mask"] == "@comp @gpu rnd-a"
    assert loaded["note"].startswith(
        f"The pool service at {url} cannot be reached (Connection refused). The hosts mask "
        "names 2 pools (@comp, @gpu)"
    )
    assert seen["afjob"][0] == 0


@pytest.mark.integration
def test_with_a_mongodb_the_pools_come_from_the_store(
    cgru: Path, tmp_path: Path, store: PoolStore, nx_server: str, database_name: str
) -> None:
    store.create("comp")
    store.create("lighting")
    seen, _done = afstarter(
        cgru,
        tmp_path,
        AFPOOLS_MONGODB_URI=nx_server,
        AFPOOLS_MONGODB_DATABASE=database_name,
        AFPOOLS_SERVICE_URL=f"http://127.0.0.1:{unused_port()}",
    )
    assert seen["loaded"]["items"] == ["No pool", "comp", "lighting"]
    assert seen["loaded"]["note"] == ""


def test_without_cgru_location_it_says_where_to_look(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = runner(capsys)("afstarter", "scene.blend")
    assert (code, out) == (1, "")
    assert err == (
        "CGRU_LOCATION is not set, so CGRU's AfStarter cannot be found: set it to CGRU's "
        "folder, or start 'AfStarter with pools' from Keeper's AFANASY menu.\n"
    )


def test_without_a_display_it_says_so_before_qt_starts(
    cgru: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CGRU_LOCATION", str(cgru))
    for name in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    code, out, err = runner(capsys)("afstarter")
    assert (code, out) == (1, "")
    assert err == (
        "There is no display to open AfStarter on: run it in a desktop session, or set DISPLAY.\n"
    )
