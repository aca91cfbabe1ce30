"""integrations/client.py stays importable by Python 2.7 (Natron) and needs only the stdlib."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.python27 import PYTHON27

CLIENT = Path(__file__).resolve().parents[3] / "integrations" / "client.py"
STDLIB = set(sys.stdlib_module_names) | {"httplib", "urllib", "urlparse", "cgruconfig", "typing"}


def py3_only_constructs(source: str) -> list[str]:
    """Syntax Python 2.7 cannot parse, found by walking the Python 3 syntax tree."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        line = getattr(node, "lineno", "?")
        if isinstance(node, ast.JoinedStr):
            found.append(f"line {line}: f-string")
        elif isinstance(node, ast.AnnAssign):
            found.append(f"line {line}: variable annotation")
        elif isinstance(node, ast.FunctionDef):
            arguments = node.args
            annotated = [a for a in arguments.args + arguments.kwonlyargs if a.annotation]
            if annotated or node.returns is not None:
                found.append(f"line {line}: function annotation")
            if arguments.kwonlyargs or arguments.posonlyargs:
                found.append(f"line {line}: keyword-only or positional-only arguments")
        elif isinstance(node, ast.AsyncFunctionDef | ast.Await | ast.AsyncFor | ast.AsyncWith):
            found.append(f"line {line}: async")
        elif isinstance(node, ast.Nonlocal | ast.YieldFrom | ast.NamedExpr):
            found.append(f"line {line}: {type(node).__name__}")
        elif isinstance(node, ast.Raise) and node.cause is not None:
            found.append(f"line {line}: raise ... from")
        elif isinstance(node, ast.Assign | ast.For) and any(
            isinstance(n, ast.Starred)
            for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
            for n in ast.walk(t)
        ):
            found.append(f"line {line}: starred assignment")
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
            found.append(f"line {line}: @ operator")
    return found


def test_the_client_uses_no_syntax_python_27_lacks() -> None:
    assert py3_only_constructs(CLIENT.read_text(encoding="utf-8")) == []


def test_the_checker_would_notice_python_3_syntax() -> None:
    sample = "def f(a: int, *, b=1) -> None:\n    x: int = 1\n    return f'{a}'\n"
    found = " ".join(py3_only_constructs(sample))
    for kind in ("f-string", "variable annotation", "function annotation", "keyword-only"):
        assert kind in found


def test_the_client_imports_only_the_standard_library() -> None:
    tree = ast.parse(CLIENT.read_text(encoding="utf-8"))
    modules = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {
        node.module.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0
    }
    assert modules - {"__future__"} <= STDLIB


@pytest.mark.skipif(PYTHON27 is None, reason="no Python 2.7 on this machine")
def test_python_27_compiles_and_imports_the_client() -> None:
    assert PYTHON27 is not None
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import client; "
        "print(client.service_url('farm-server'))"
    )
    done = subprocess.run(
        [PYTHON27, "-c", code, str(CLIENT.parent)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "http://farm-server:51080"
