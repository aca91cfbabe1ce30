"""``_env.sh`` / ``_env.cmd`` beside the menu entries: the Python they start afpools with.

Keeper skips files whose names start with "_", so these never show up as menu items.
"""

from __future__ import annotations

import shlex
from pathlib import Path

from pools.errors import AfpoolsError

UTF8_CODE_PAGE = "@chcp 65001 >nul"


def windowless_python(python: str) -> str:
    """``pythonw.exe`` beside ``python.exe``: the same interpreter without a console window,
    which ``start`` would otherwise open for as long as the board runs."""
    cut = max(python.rfind("\\"), python.rfind("/")) + 1
    name = python[cut:]
    if name.lower() in ("python.exe", "python"):
        return python[:cut] + name[:6] + "w" + name[6:]
    return python


def env_sh(python: str) -> bytes:
    return (
        f"# Written by 'main.py install-keeper'.\nAFPOOLS_PYTHON={shlex.quote(python)}\n".encode()
    )


def env_cmd(python: str) -> bytes:
    """cmd.exe reads a batch file in the console's code page (an OEM one such as 850, never
    UTF-8 by default). ASCII reads the same in all of them; a path with other characters is
    written as UTF-8 (no BOM, which cmd would take for a command) after switching the
    console to code page 65001."""
    lines = [
        'rem Written by "main.py install-keeper".',
        f'set "AFPOOLS_PYTHON={_cmd_literal(python)}"',
        f'set "AFPOOLS_PYTHONW={_cmd_literal(windowless_python(python))}"',
    ]
    if not python.isascii():
        lines.insert(0, UTF8_CODE_PAGE)
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def _cmd_literal(text: str) -> str:
    return text.replace("%", "%%")  # inside set "...", only % is special without delayed expansion


def write_env(entries: Path, python: str, windows: bool) -> Path:
    """Write this platform's file; the other platform's, if any, is left alone."""
    path, data = (
        (entries / "_env.cmd", env_cmd(python))
        if windows
        else (entries / "_env.sh", env_sh(python))
    )
    try:
        path.write_bytes(data)
    except OSError as error:
        raise AfpoolsError(
            f"The menu entries in {entries} cannot be set up ({error.strerror}); "
            "CGRU's config was left as it is."
        ) from None
    return path
