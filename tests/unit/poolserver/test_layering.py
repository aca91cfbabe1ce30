"""The pool service starts without Qt or the board (its layers are import-linter contracts)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_starting_the_service_code_loads_no_qt() -> None:
    code = (
        "import sys, poolserver.service, integrations.client\n"
        "print(sorted(m for m in sys.modules if m.startswith(('PyQt', 'PySide', 'manager'))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"
