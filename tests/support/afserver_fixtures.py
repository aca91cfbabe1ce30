"""Access to the recorded afserver exchanges copied into tests/fixtures/afserver/."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURE_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "afserver"


def fixture_path(code: str) -> Path:
    """The file whose name starts with ``<code>_`` (``"07"`` is 07_..., not 07b_...)."""
    matches = sorted(FIXTURE_DIR.glob(f"{code}_*.json"))
    if len(matches) != 1:
        raise LookupError(f"expected one afserver fixture {code}_*.json, found {len(matches)}")
    return matches[0]


def load_fixture(code: str) -> dict[str, Any]:
    """``{"request", "response", "notes", "wire"}`` of one recorded exchange."""
    loaded: dict[str, Any] = json.loads(fixture_path(code).read_text(encoding="utf-8"))
    return loaded


def recorded_response(code: str) -> Any:
    return load_fixture(code)["response"]


def recorded_request(code: str) -> Any:
    return load_fixture(code)["request"]


def recorded_error_text(code: str) -> str:
    """The ``info.text`` of a recorded ``{"info":{"kind":"error"}}`` reply."""
    response = recorded_response(code)
    if response["info"]["kind"] != "error":
        raise LookupError(f"fixture {code} is not an error reply")
    text: str = response["info"]["text"]
    return text
