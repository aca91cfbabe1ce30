"""Run CGRU's own ``afstarter.py``, unchanged, with the Pool combo in its dialog.

Importing AfStarter runs the whole app: it makes the QApplication, builds and shows its
dialog, then enters the event loop. So the launcher prepares what AfStarter's start script
would (CGRU's Python folders, ``AF_ROOT``), imports CGRU's ``Qt.py`` shim itself, gives
QProcess what Qt 5 lacks, and has the application's ``exec`` first add the combo to every
AfStarter dialog it finds, then run the real event loop.
"""

from __future__ import annotations

import importlib
import os
import runpy
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from integrations.afstarter.pool_row import PoolMemory, PoolRow, PoolSource, is_afstarter
from integrations.afstarter.qprocess_shim import give_start_command

AFSTARTER = Path("utilities", "afstarter", "afstarter.py")


def cgru_python_folders(location: Path) -> list[Path]:
    """Where CGRU's set-up scripts point PYTHONPATH: its library and Afanasy's API."""
    return [location / "lib" / "python", location / "afanasy" / "python"]


def prepare_environment(location: Path, env: dict[str, str] | Any = os.environ) -> None:
    """What CGRU's setup.sh would have set for AfStarter and the afjob.py it starts."""
    folders = [str(folder) for folder in cgru_python_folders(location)]
    env["CGRU_LOCATION"] = str(location)
    env.setdefault("AF_ROOT", str(location / "afanasy"))
    version = location / "version.txt"
    if "CGRU_VERSION" not in env and version.is_file():
        env["CGRU_VERSION"] = version.read_text(encoding="utf-8", errors="replace").strip()
    inherited = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    env["PYTHONPATH"] = os.pathsep.join(folders + [p for p in inherited if p not in folders])
    sys.path[:0] = [folder for folder in folders if folder not in sys.path]


def add_rows_on_exec(qt_widgets: Any, add_row: Callable[[Any], object]) -> None:
    """Make the application's ``exec``/``exec_`` first pass every AfStarter dialog on."""
    application = qt_widgets.QApplication
    for name in ("exec", "exec_"):
        original = getattr(application, name, None)
        if original is None:
            continue

        def run_loop(*_arguments: Any, _original: Any = original) -> Any:
            for widget in application.topLevelWidgets():
                if is_afstarter(widget):
                    add_row(widget)
            return _original()

        setattr(application, name, run_loop)


def run_afstarter(location: Path, arguments: list[str], pools: PoolSource, memory: Path) -> int:
    """Run AfStarter from CGRU at ``location``; its exit code."""
    script = location / AFSTARTER
    prepare_environment(location)
    shim = importlib.import_module("Qt")  # CGRU's: it picks PySide6, PyQt6, PySide2 or PyQt5
    give_start_command(shim.QtCore)
    rows: list[PoolRow] = []  # kept alive as long as the app runs
    add_rows_on_exec(
        shim.QtWidgets,
        lambda dialog: rows.append(
            PoolRow(dialog, shim.QtCore, shim.QtWidgets, pools, PoolMemory(memory))
        ),
    )
    sys.argv = [str(script), *arguments]
    try:
        runpy.run_path(str(script), run_name="__main__")
    except SystemExit as leaving:
        code = leaving.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    return 0
