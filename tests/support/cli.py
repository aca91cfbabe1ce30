"""``main.py`` run in-process, as the CLI tests drive it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from cli.app import main

Run = Callable[..., tuple[int, str, str]]


def runner(capsys: pytest.CaptureFixture[str]) -> Run:
    """Run ``main.py ARGV...``; returns (exit code, stdout, stderr)."""

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return run
