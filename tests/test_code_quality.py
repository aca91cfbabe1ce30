"""ruff and mypy run as part of the suite, and the layering of DESIGN.md is enforced."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Plain-Python parts: no Qt, and nothing from the faces above them.
QT_FREE = ("pools", "afserver", "scanner")
FORBIDDEN_FOR_QT_FREE = (
    "PyQt5",
    "PyQt6",
    "PySide2",
    "PySide6",
    "qtpy",
    "manager",
    "poolserver",
    "cli",
)
ALLOWED_BELOW = {"pools": set(), "afserver": {"pools"}, "scanner": {"pools", "afserver"}}


def run_tool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.lint
def test_ruff_finds_nothing() -> None:
    result = run_tool("ruff", "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.lint
def test_code_is_ruff_formatted() -> None:
    result = run_tool("ruff", "format", "--check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.lint
def test_mypy_passes_strict_on_the_qt_free_packages() -> None:
    result = run_tool("mypy")
    assert result.returncode == 0, result.stdout + result.stderr


def imported_top_levels(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("package", QT_FREE)
def test_plain_python_parts_import_no_qt_and_nothing_above_them(package: str) -> None:
    offences = []
    for path in sorted((ROOT / package).rglob("*.py")):
        modules = imported_top_levels(path)
        above = {p for p in QT_FREE if p != package and p not in ALLOWED_BELOW[package]}
        for bad in sorted(modules & (set(FORBIDDEN_FOR_QT_FREE) | above)):
            offences.append(f"{path.relative_to(ROOT)} imports {bad}")
    assert offences == []


def test_importing_the_plain_parts_loads_no_qt() -> None:
    code = (
        "import sys, importlib, pkgutil\n"
        f"for pkg in {QT_FREE!r}:\n"
        "    try:\n"
        "        module = importlib.import_module(pkg)\n"
        "    except ModuleNotFoundError:\n"
        "        continue\n"
        "    for info in pkgutil.walk_packages(module.__path__, pkg + '.'):\n"
        "        importlib.import_module(info.name)\n"
        "print(sorted(m for m in sys.modules if m.startswith(('PyQt', 'PySide'))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
