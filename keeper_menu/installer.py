"""``python main.py install-keeper``: put afpools into CGRU Keeper's tray menu.

Keeper shows every folder listed in CGRU's ``menu_path`` (``~/.cgru/config.json``) and finds
menu icons through ``icons_path``. We add this folder and resources/icons to both, keep every
other setting of the user's config exactly as it was (comments and key order included), and
write ``_env.sh``/``_env.cmd`` (Keeper skips names starting with "_") with the Python that
has PyQt5 and pymongo: the project's own .venv.
"""

from __future__ import annotations

import json
import shlex
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pools.errors import AfpoolsError

MENU_DIR = Path(__file__).resolve().parent
ROOT = MENU_DIR.parent
ICONS_DIR = ROOT / "resources" / "icons"


class Pairs(list[tuple[str, Any]]):
    """A JSON object as its key/value pairs: CGRU configs repeat the "" comment key."""


def _load(text: str) -> Pairs:
    data = json.loads(text, object_pairs_hook=Pairs)
    if not isinstance(data, Pairs):
        raise ValueError("the top level is not an object")
    return data


def _dump(value: Any, indent: int = 0) -> str:
    pad, inner = "\t" * indent, "\t" * (indent + 1)
    if isinstance(value, Pairs):
        if not value:
            return "{}"
        items = [f"{inner}{json.dumps(k)}:{_dump(v, indent + 1)}" for k, v in value]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, list):
        return "[" + ",".join(_dump(v, indent + 1) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def split_paths(value: str | None, windows: bool) -> list[str]:
    """Keeper's rule: ';' separates when present, else ':' (not on Windows)."""
    if not value:
        return []
    if ";" in value:
        return [p for p in value.split(";") if p]
    return [value] if windows else [p for p in value.split(":") if p]


def join_paths(paths: list[str], windows: bool) -> str:
    return (";" if windows or any(":" in p for p in paths) else ":").join(paths)


@dataclass(frozen=True)
class InstallResult:
    config: Path
    changed: bool
    menu_paths: list[str]
    icons_paths: list[str]
    python: str


def _section(data: Pairs) -> Pairs:
    for key, value in data:
        if key == "cgru_config" and isinstance(value, Pairs):
            return value
    section = Pairs([("", f"Created by afpools install-keeper at {time.ctime()}")])
    data.append(("cgru_config", section))
    return section


def _add_path(section: Pairs, key: str, path: Path, windows: bool) -> tuple[list[str], bool]:
    index = next((i for i, (k, _) in enumerate(section) if k == key), None)
    current = split_paths(section[index][1] if index is not None else None, windows)
    if str(path) in current:
        return current, False
    paths = [*current, str(path)]
    if index is None:
        section.append((key, join_paths(paths, windows)))
    else:
        section[index] = (key, join_paths(paths, windows))
    return paths, True


def install(
    cgru_home: Path,
    python: str,
    *,
    menu_dir: Path = MENU_DIR,
    icons_dir: Path = ICONS_DIR,
    windows: bool | None = None,
) -> InstallResult:
    """Register the menu and icons in ``cgru_home/config.json``; safe to run again."""
    windows = sys.platform.startswith("win") if windows is None else windows
    config = cgru_home / "config.json"
    try:
        data = _load(config.read_text(encoding="utf-8")) if config.is_file() else Pairs()
    except (OSError, ValueError) as error:
        raise AfpoolsError(
            f"CGRU's config {config} cannot be read ({error}); it was left as it is."
        ) from None
    section = _section(data)
    menu_paths, menu_changed = _add_path(section, "menu_path", menu_dir, windows)
    icons_paths, icons_changed = _add_path(section, "icons_path", icons_dir, windows)
    changed = menu_changed or icons_changed or not config.is_file()
    write_env(menu_dir, python)  # first: if the project folder is read-only, config stays as is
    if changed:
        try:
            config.parent.mkdir(parents=True, exist_ok=True)
            temporary = config.with_name(config.name + ".afpools-tmp")
            temporary.write_text(_dump(data) + "\n", encoding="utf-8")
            temporary.replace(config)
        except OSError as error:
            raise AfpoolsError(
                f"CGRU's config {config} cannot be written ({error.strerror})."
            ) from None
    return InstallResult(config, changed, menu_paths, icons_paths, python)


def write_env(menu_dir: Path, python: str) -> None:
    """The Python the menu entries start afpools with (Keeper's own usually lacks PyQt5)."""
    try:
        _write_env(menu_dir, python)
    except OSError as error:
        raise AfpoolsError(
            f"The menu entries in {menu_dir} cannot be set up ({error.strerror}); "
            "CGRU's config was left as it is."
        ) from None


def _write_env(menu_dir: Path, python: str) -> None:
    (menu_dir / "_env.sh").write_text(
        f"# Written by 'main.py install-keeper'.\nAFPOOLS_PYTHON={shlex.quote(python)}\n",
        encoding="utf-8",
    )
    (menu_dir / "_env.cmd").write_text(
        f'rem Written by "main.py install-keeper".\r\nset "AFPOOLS_PYTHON={python}"\r\n',
        encoding="utf-8",
    )
