"""Whatever a server answers, every public function of the client returns what it promises
or raises PoolServiceError with one sentence: under Python 3 and under a real Python 2.7."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.support.canned_http import CannedHttp
from tests.support.python27 import PYTHON27

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "tests" / "support" / "client_every_call.py"
FUNCTIONS = ("list_pools", "pool", "pool_mask", "apply_pool", "health")
GOOD_POOL = b'{"name": "gpu", "hosts": ["gpu-01"]}'
ODD = {
    "array": (200, b"[]"),
    "empty-object": (200, b"{}"),
    "null": (200, b"null"),
    "string": (200, b'"pools"'),
    "wrong-kinds": (200, b'{"pools": {"gpu": 1}, "pool": [], "mask": 5, "status": null}'),
    "wrong-items": (
        200,
        b'{"pools": [1, {"name": 2, "hosts": []}], "pool": {"name": "gpu"}, "mask": "gpu-01",'
        b' "hosts_mask_type": 1, "status": ["ok"]}',
    ),
    "2019-header": (200, b'{"type": "error", "message": "The request is not a JSON object."}'),
    "nested": (200, b"[" * 5000 + b"]" * 5000),
    "error-not-text": (500, b'{"error": {"text": "broken"}}'),
    "not-json": (502, b"<html><body>Bad gateway</body></html>"),
    "unavailable-without-status": (503, b'{"pools": [], "mask": "x"}'),
}
# Answers that are right for one function and wrong for the others.
HALF_RIGHT = {
    "pools-only": (200, b'{"pools": [' + GOOD_POOL + b"]}"),
    "pool-only": (200, b'{"pool": ' + GOOD_POOL + b"}"),
}
INTERPRETERS = [
    pytest.param(sys.executable, id="python3"),
    pytest.param(
        PYTHON27,
        id="python2.7",
        marks=pytest.mark.skipif(
            PYTHON27 is None, reason="no Python 2.7 on this machine (pyenv's 2.7 is looked for)"
        ),
    ),
]


def every_call(python: str | None, urls: list[str]) -> dict[str, Any]:
    assert python is not None
    done = subprocess.run(
        [python, str(SCRIPT), str(ROOT / "integrations"), *urls],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    found: dict[str, Any] = json.loads(done.stdout)
    return found


def is_one_sentence(message: str) -> bool:
    return message.endswith((".", "?")) and "\n" not in message and len(message) < 300


@pytest.mark.parametrize("python", INTERPRETERS)
def test_an_odd_answer_is_one_sentence_from_every_function(python: str | None) -> None:
    with CannedHttp(ODD) as server:
        results = every_call(python, [server.url(name) for name in ODD])
    for name in ODD:
        outcome = results[server.url(name)]
        assert outcome.pop("job_untouched") is True, name
        for function in FUNCTIONS:
            kind, message = outcome[function]
            assert kind == "PoolServiceError", (name, function, message)
            assert message.startswith(f"The pool service at {server.url(name)} "), message
            assert is_one_sentence(message), message


@pytest.mark.parametrize("python", INTERPRETERS)
def test_an_answer_meant_for_another_function_is_refused(python: str | None) -> None:
    with CannedHttp(HALF_RIGHT) as server:
        results = every_call(python, [server.url(name) for name in HALF_RIGHT])
    pools_only, pool_only = results[server.url("pools-only")], results[server.url("pool-only")]
    assert pools_only["list_pools"] == ["returned", ""]
    assert pool_only["pool"] == ["returned", ""]
    wrong = [pools_only[f] for f in FUNCTIONS if f != "list_pools"]
    wrong += [pool_only[f] for f in FUNCTIONS if f != "pool"]
    assert {kind for kind, _ in wrong} == {"PoolServiceError"}
    assert all("did not answer with" in message for _, message in wrong)


@pytest.mark.parametrize("python", INTERPRETERS)
def test_a_long_error_from_the_server_is_cut_to_one_line(python: str | None) -> None:
    long_error = b'{"error": "' + b"Something broke. " * 100 + b'\\nSecond line."}'
    with CannedHttp({"long": (500, long_error)}) as server:
        outcome = every_call(python, [server.url("long")])[server.url("long")]
    for function in FUNCTIONS:
        kind, message = outcome[function]
        assert kind == "PoolServiceError"
        assert message.startswith("Something broke.")
        assert message.endswith("...")
        assert len(message) == 300
        assert "Second line" not in message
