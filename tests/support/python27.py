"""Find a Python 2.7 to run vendorable code under, as Natron's bundled Python would.

Debian 12 has no python2 package; pyenv's 2.7 is used where the machine has one. Looked up
once at import, before any test changes HOME.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path


def _is_27(candidate: str) -> bool:
    try:
        done = subprocess.run(
            [candidate, "-c", "import sys; sys.exit(sys.version_info[:2] != (2, 7))"],
            capture_output=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def find_python27() -> str | None:
    candidates = [shutil.which("python2.7"), shutil.which("python2")]
    root = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv")
    candidates += [str(p) for p in sorted(root.glob("versions/2.7*/bin/python2.7"))]
    return next((c for c in candidates if c and _is_27(c)), None)


PYTHON27 = find_python27()
