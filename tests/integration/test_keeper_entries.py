"""The Linux menu entry, run as Keeper runs it (the file itself, detached from any terminal),
in Keeper's environment: CGRU's PYTHONHOME and PYTHONPATH, with or without a dialog tool."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from keeper_menu.installer import install
from tests.support.keeper import keeper_tray
from tests.support.keeper_setup import make_cgru, make_project

ADVICE = ".venv/bin/python main.py install-keeper"

RECORDER = """#!/bin/bash
printf '%s\\n' "$@" > "{out}.args"
IFS= read -r -d '' shown
printf '%s' "$shown" > "{out}.stdin"
"""


@pytest.fixture
def keeper_env(tmp_path: Path, fresh_environment: Path) -> dict[str, str]:
    return {"CGRU_LOCATION": str(make_cgru(tmp_path)), "HOME": str(fresh_environment)}


def installed_entry(base: Path, env: dict[str, str], python: str) -> Path:
    project = make_project(base)
    install(project, python, env=env, as_root=False)
    return keeper_tray(env).items[0].script


def run(entry: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Started as Keeper starts it: the file as a program, no terminal on stdin."""
    return subprocess.run(
        [str(entry), *args],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def bare_python(tmp_path: Path) -> str:
    """A Python without PyQt5 and pymongo, as the system's or CGRU's own usually is."""
    bare = tmp_path / "bare"
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(bare)], check=True, timeout=120
    )
    return str(bare / "bin" / "python")


def tools(folder: Path, *dialogs: str) -> str:
    """A PATH with what the entry needs and only the dialog programs named (which record
    what they were asked to show)."""
    folder.mkdir()
    for name in ("dirname", "mkdir", "date"):
        (folder / name).symlink_to(shutil.which(name) or name)
    for name in dialogs:
        (folder / name).write_text(RECORDER.format(out=folder / name))
        (folder / name).chmod(0o755)
    return str(folder)


def test_the_entry_starts_main_py_with_the_installed_python(
    tmp_path: Path, keeper_env: dict[str, str]
) -> None:
    entry = installed_entry(tmp_path, keeper_env, sys.executable)

    done = run(entry, {**keeper_env, "PATH": os.environ["PATH"]}, "--help")

    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: main.py")


def test_cgrus_pythonhome_does_not_stop_the_venvs_python(
    tmp_path: Path, keeper_env: dict[str, str]
) -> None:
    entry = installed_entry(tmp_path, keeper_env, sys.executable)
    cgru_python = Path(keeper_env["CGRU_LOCATION"], "python")  # setup_python.sh's PYTHONHOME
    (cgru_python / "lib").mkdir(parents=True)

    done = run(
        entry, {**keeper_env, "PATH": os.environ["PATH"], "PYTHONHOME": str(cgru_python)}, "--help"
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: main.py")


def test_cgrus_pythonpath_does_not_hide_the_venvs_pyqt5(
    tmp_path: Path, keeper_env: dict[str, str]
) -> None:
    entry = installed_entry(tmp_path, keeper_env, sys.executable)
    cgru_pyqt = Path(keeper_env["CGRU_LOCATION"], "utilities", "python", "pyqt")
    (cgru_pyqt / "PyQt5").mkdir(parents=True)
    (cgru_pyqt / "PyQt5" / "__init__.py").write_text("raise ImportError('built for CGRU')\n")

    done = run(
        entry, {**keeper_env, "PATH": os.environ["PATH"], "PYTHONPATH": str(cgru_pyqt)}, "--help"
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: main.py")


def test_without_pyqt5_zenity_shows_a_wrapped_message_with_the_right_advice(
    tmp_path: Path, keeper_env: dict[str, str]
) -> None:
    python = bare_python(tmp_path)
    entry = installed_entry(tmp_path / "R&D", keeper_env, python)
    path = tools(tmp_path / "bin", "zenity", "xmessage")

    done = run(entry, {**keeper_env, "PATH": path})

    args = (tmp_path / "bin" / "zenity.args").read_text().splitlines()
    text = next(a for a in args if a.startswith("--text="))
    text_lines = [text, *args[args.index(text) + 1 :]]
    assert done.returncode == 1
    assert "--no-wrap" not in args
    assert any(a.startswith("--width=") for a in args)
    assert f"{python}" in text_lines
    assert "cannot import PyQt5 and pymongo." in text_lines
    assert f"    {ADVICE}" in text_lines
    assert f"    cd {tmp_path / 'R&amp;D' / 'afpools'}" in text_lines  # Pango markup escaped
    assert max(len(line) for line in text_lines) <= 100
    assert not (tmp_path / "bin" / "xmessage.args").exists()


def test_without_zenity_xmessage_shows_the_same_lines(
    tmp_path: Path, keeper_env: dict[str, str]
) -> None:
    python = bare_python(tmp_path)
    entry = installed_entry(tmp_path, keeper_env, python)
    path = tools(tmp_path / "bin", "xmessage")

    done = run(entry, {**keeper_env, "PATH": path})

    shown = (tmp_path / "bin" / "xmessage.stdin").read_text().splitlines()
    assert done.returncode == 1
    assert shown[:3] == [
        "afpools cannot start the board:",
        python,
        "cannot import PyQt5 and pymongo.",
    ]
    assert f"    {ADVICE}" in shown
    assert max(len(line) for line in shown) <= 100


def test_without_any_dialog_the_message_goes_to_a_log_file(
    tmp_path: Path, keeper_env: dict[str, str]
) -> None:
    python = bare_python(tmp_path)
    entry = installed_entry(tmp_path, keeper_env, python)
    path = tools(tmp_path / "bin")
    state = tmp_path / "state"

    done = run(entry, {**keeper_env, "PATH": path, "XDG_STATE_HOME": str(state)})

    log = state / "afpools" / "keeper-menu.log"
    assert done.returncode == 1
    assert f"    {ADVICE}" in log.read_text().splitlines()
    assert f"This message is also in {log}." in done.stderr


def test_a_python_that_is_gone_is_named_as_such(tmp_path: Path, keeper_env: dict[str, str]) -> None:
    gone = str(tmp_path / "old" / ".venv" / "bin" / "python")
    entry = installed_entry(tmp_path, keeper_env, gone)

    done = run(entry, {**keeper_env, "PATH": tools(tmp_path / "bin")})

    assert done.returncode == 1
    assert done.stderr.splitlines()[1:3] == [gone, "does not exist."]


def test_the_afstarter_entry_runs_main_py_afstarter(
    tmp_path: Path, keeper_env: dict[str, str]
) -> None:
    project = make_project(tmp_path)
    install(project, sys.executable, env=keeper_env, as_root=False)
    entry = next(
        i.script for i in keeper_tray(keeper_env).items if i.label == "AfStarter with pools..."
    )

    done = run(entry, {**keeper_env, "PATH": os.environ["PATH"]})

    afstarter = Path(keeper_env["CGRU_LOCATION"], "utilities", "afstarter", "afstarter.py")
    assert done.returncode == 1  # this CGRU has no AfStarter: main.py afstarter says so
    assert done.stderr == f"AfStarter is not where CGRU keeps it: {afstarter} does not exist.\n"


def test_without_pyqt5_the_afstarter_entry_names_itself(
    tmp_path: Path, keeper_env: dict[str, str]
) -> None:
    python = bare_python(tmp_path)
    project = make_project(tmp_path)
    install(project, python, env=keeper_env, as_root=False)
    entry = next(
        i.script for i in keeper_tray(keeper_env).items if i.label == "AfStarter with pools..."
    )

    done = run(entry, {**keeper_env, "PATH": tools(tmp_path / "bin", "xmessage")})

    shown = (tmp_path / "bin" / "xmessage.stdin").read_text().splitlines()
    assert done.returncode == 1
    assert shown[:3] == [
        "afpools cannot start AfStarter with pools:",
        python,
        "cannot import PyQt5 and pymongo.",
    ]
