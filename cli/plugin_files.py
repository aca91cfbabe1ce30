"""Copying afpools' submitter plugins (Blender, Natron) where the host application looks.

Each file is written beside its final name and renamed over it, so a plugin folder never
holds half a file; a folder that cannot be written is one sentence, and nothing of the
folder's other files is touched.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from pathlib import Path

from pools.errors import AfpoolsError

ROOT = Path(__file__).resolve().parent.parent
INTEGRATIONS = ROOT / "integrations"
CLIENT = INTEGRATIONS / "client.py"


def plugin_sources(folder: Path) -> dict[str, bytes]:
    """The plugin's own Python files (no caches, no tests), by name."""
    return {path.name: path.read_bytes() for path in sorted(folder.glob("*.py"))}


def write_files(folder: Path, files: Mapping[str, bytes], what: str) -> list[Path]:
    """Write ``files`` into ``folder`` (made when missing); ``what`` names the folder."""
    written: list[Path] = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            target = folder / name
            partial = folder / f".{name}.afpools-partial"
            partial.write_bytes(data)
            partial.replace(target)
            written.append(target)
    except OSError as error:
        _remove_partials(folder, files)
        reason = error.strerror or type(error).__name__
        done = f"; {len(written)} of its {len(files)} files were updated" if written else ""
        raise AfpoolsError(
            f"The {what} {folder} cannot be written ({reason}){done}: give a folder you may "
            "write to, or run the command as a user who may."
        ) from None
    return written


def _remove_partials(folder: Path, files: Mapping[str, bytes]) -> None:
    for name in files:
        with contextlib.suppress(OSError):
            (folder / f".{name}.afpools-partial").unlink()
