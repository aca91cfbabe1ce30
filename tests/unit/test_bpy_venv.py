"""When Blender as a module cannot be had, the Blender tests are skipped with the reason:
tests/support/bpy_venv.py says why instead of failing."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.support.bpy_venv import prepare


def test_a_python_other_than_311_is_named(tmp_path: Path) -> None:
    python = tmp_path / "python3.12"
    python.write_text("#!/bin/sh\necho 3.12\n")
    python.chmod(0o755)

    found = prepare(tmp_path / "venv", base_python=str(python))

    assert found.python is None
    assert found.reason == "bpy 4.5 runs on Python 3.11 only and the tests run on Python 3.12"


@pytest.mark.skipif(
    sys.version_info[:2] != (3, 11), reason="on other Pythons the version check answers first"
)
def test_a_failed_install_gives_pips_last_word(tmp_path: Path) -> None:
    requirements = tmp_path / "requirements-bpy.txt"
    requirements.write_text(f"{tmp_path / 'gone' / 'bpy-4.5.15-cp311-cp311-any.whl'}\n")

    found = prepare(tmp_path / "venv", requirements=requirements)

    assert found.python is None
    assert found.reason.startswith("bpy 4.5 could not be installed (")
    assert "ERROR: bpy-4.5.15-cp311-cp311-any.whl" in found.reason
    assert not (tmp_path / "venv" / ".afpools-ready").exists()
