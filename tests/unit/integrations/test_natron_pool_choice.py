"""Natron: ``main.py install-natron`` puts afpools' init.py into a folder of its own, and that
script gives CGRU's Afanasy node (a stand-in of CGRU's, over a stand-in of NatronEngine) a
Pool choice that writes the token CGRU then sends, without taking CGRU's callback away.
Run under Python 3 and, where there is one, Natron's Python 2.7."""

from __future__ import annotations

import json
import os
import py_compile
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.support.canned_http import CannedHttp
from tests.support.cli import runner
from tests.support.ports import unused_port
from tests.support.python27 import PYTHON27

DRIVE = Path(__file__).resolve().parents[2] / "support" / "natron" / "drive.py"
POOLS = {"pools": [{"name": n, "hosts": []} for n in ("gpu", "lighting", "nuit-é", "a b")]}
PYTHONS = [
    pytest.param(sys.executable, id="python3"),
    pytest.param(
        PYTHON27,
        id="python2.7",
        marks=pytest.mark.skipif(
            PYTHON27 is None, reason="no Python 2.7 on this machine (pyenv's 2.7 is looked for)"
        ),
    ),
]
ON_PROJECT = "afpools_natron.on_project"


@pytest.fixture
def plugin(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    folder = tmp_path / "natron-plugins"
    code, out, err = runner(capsys)("install-natron", "--plugin-dir", str(folder))
    assert code == 0, err
    line = f'export NATRON_PLUGIN_PATH="{folder}${{NATRON_PLUGIN_PATH:+:$NATRON_PLUGIN_PATH}}"'
    assert f"  {line}" in out.splitlines()
    return folder


def drive(python: str, plugin: Path, scenario: str, url: str) -> dict[str, Any]:
    done = subprocess.run(
        [python, str(DRIVE), str(plugin), scenario],
        env={**os.environ, "AFPOOLS_SERVICE_URL": url},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    result["printed"] = done.stdout.splitlines()[:-1]
    return result


@pytest.mark.parametrize("python", PYTHONS)
def test_a_new_afanasy_node_gets_a_pool_choice_that_writes_the_token(
    python: str, plugin: Path
) -> None:
    with CannedHttp({"svc": (200, json.dumps(POOLS).encode())}) as service:
        result = drive(python, plugin, "new project", service.url("svc"))
    assert result["settings"]["afterProjectCreated"] == ON_PROJECT
    assert result["settings"]["defOnProjectLoaded"] == ON_PROJECT
    assert result["node callback"] == "afpools_natron.on_node_created"
    assert result["page"] == "scheduling"
    assert result["created"]["options"] == ["No pool", "gpu", "lighting", "nuit-é"]
    assert result["created"]["current"] == "No pool"
    assert result["typed"]["current"] == "gpu"  # a mask typed by hand moves the choice
    assert result["picked"]["mask"] == "@lighting rnd-b"
    assert result["non-ascii"] == "@nuit-é rnd-b"
    # CGRU's own callback still sends the job, and the choice is not one of its af_ params.
    assert result["sent"] == [
        {"af_hostsmask": "@lighting rnd-b", "af_hostsmask_exclude": "", "af_job_name": ""}
    ]
    assert result["cleared"]["mask"] == "rnd-b"
    assert result["cleared"]["current"] == "No pool"


@pytest.mark.parametrize("python", PYTHONS)
def test_a_loaded_project_names_a_pool_that_is_gone_and_keeps_the_mask(
    python: str, plugin: Path
) -> None:
    with CannedHttp({"svc": (200, json.dumps(POOLS).encode())}) as service:
        result = drive(python, plugin, "loaded project", service.url("svc"))
    loaded = result["loaded"]
    assert loaded["options"] == ["No pool", "gpu", "lighting", "nuit-é", "comp (gone)"]
    assert loaded["current"] == "comp (gone)"
    assert loaded["mask"] == "@comp @gpu rnd-a"
    assert loaded["status"].startswith(
        "The hosts mask names 2 pools (@comp, @gpu), so the job may run in any of them; "
        "picking one here replaces them all. The pool 'comp' no longer exists:"
    )
    assert result["sent"] == [
        {"af_hostsmask": "@comp @gpu rnd-a", "af_hostsmask_exclude": "", "af_job_name": ""}
    ]


@pytest.mark.parametrize("python", PYTHONS)
def test_a_service_that_is_down_is_one_sentence_and_nothing_is_lost(
    python: str, plugin: Path
) -> None:
    url = f"http://127.0.0.1:{unused_port()}"
    result = drive(python, plugin, "down", url)
    for state in (result["loaded"], result["refreshed"]):
        assert state["options"] == ["No pool", "comp", "gpu"]
        assert state["mask"] == "@comp @gpu rnd-a"
        assert state["status"].startswith(
            f"The pool service at {url} cannot be reached (Connection refused). "
        )


def test_a_studios_own_project_callback_is_kept_and_the_script_editor_says_how(
    plugin: Path,
) -> None:
    result = drive(sys.executable, plugin, "studio", f"http://127.0.0.1:{unused_port()}")
    assert result["settings"]["afterProjectCreated"] == "studio.on_project_created"
    assert result["printed"] == [
        "afpools: the preference afterProjectCreated callback is studio.on_project_created; "
        "call afpools_natron.on_project(app) from it to get the Pool choice."
    ]


def test_cgrus_own_init_py_is_never_overwritten(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cgru_natron = tmp_path / "cgru" / "plugins" / "natron"
    cgru_natron.mkdir(parents=True)
    (cgru_natron / "init.py").write_text("# CGRU init script\n\nimport afanasy\n")

    code, out, err = runner(capsys)("install-natron", "--plugin-dir", str(cgru_natron))

    assert code == 1
    assert out == ""
    assert err == (
        f"{cgru_natron} already has an init.py that afpools did not write (CGRU's plugins/natron "
        "has one), and it is left as it is: give afpools a folder of its own with "
        "--plugin-dir DIR.\n"
    )
    assert (cgru_natron / "init.py").read_text() == "# CGRU init script\n\nimport afanasy\n"
    assert sorted(p.name for p in cgru_natron.iterdir()) == ["init.py"]


def test_installing_again_updates_afpools_own_files(
    plugin: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (plugin / "afpools_natron.py").write_text("# an older version\n")
    code, _out, err = runner(capsys)("install-natron", "--plugin-dir", str(plugin))
    assert code == 0, err
    assert "def on_param_changed" in (plugin / "afpools_natron.py").read_text()


@pytest.mark.skipif(
    PYTHON27 is None, reason="no Python 2.7 on this machine (pyenv's 2.7 is looked for)"
)
def test_python_27_compiles_every_installed_file(plugin: Path, tmp_path: Path) -> None:
    assert PYTHON27 is not None
    for name in ("init.py", "afpools_natron.py", "afpools_client.py"):
        done = subprocess.run(
            [PYTHON27, "-m", "py_compile", str(plugin / name)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, (name, done.stderr)
    py_compile.compile(str(plugin / "afpools_natron.py"), doraise=True)  # and Python 3
