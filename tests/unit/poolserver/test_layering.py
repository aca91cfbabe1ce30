"""The pool service is a face over pools/ and afserver/: no Qt, no board, no CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.test_code_quality import imported_top_levels

ROOT = Path(__file__).resolve().parents[3]
FORBIDDEN = {"PyQt5", "PyQt6", "PySide2", "PySide6", "qtpy", "manager", "cli", "scanner"}


def test_poolserver_imports_only_what_lies_below_it() -> None:
    offences = [
        f"{path.relative_to(ROOT)} imports {bad}"
        for path in sorted((ROOT / "poolserver").rglob("*.py"))
        for bad in sorted(imported_top_levels(path) & FORBIDDEN)
    ]
    assert offences == []


def test_starting_the_service_code_loads_no_qt() -> None:
    code = (
        "import sys, poolserver.service, integrations.client\n"
        "print(sorted(m for m in sys.modules if m.startswith(('PyQt', 'PySide', 'manager'))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"
