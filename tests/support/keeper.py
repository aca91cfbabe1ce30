"""What CGRU Keeper would show, worked out from the files alone.

Our own version of the rules of CGRU 3.4.1 (not its code): ``lib/python/cgruconfig.py``
reads ``$CGRU_LOCATION/config_default.json`` with its includes, then ``CGRU_CUSTOM_CONFIG``,
then the user's file (``%APPDATA%\\cgru`` on Windows, ``$APPDATA`` or ``$HOME`` + ``/.cgru``
elsewhere, skipped for root); a later value replaces an earlier one. ``utilities/keeper/
tray.py`` walks every ``menu_path`` folder and ``$CGRU_LOCATION/start`` (links followed),
skips folders whose path contains ``/.``, makes a submenu of every other folder, sorts the
files by name, skips "." and "_" files, takes ``*.sh`` (``*.cmd`` on Windows) and reads
``Name=`` and ``Icon=``; icons come from ``icons_path`` and ``$CGRU_LOCATION/icons``.
"""

# Keeper works on path strings (os.path.basename("/cg/apps/") is "", a "/." is found in the
# text), so this copy of its rules does too.
# ruff: noqa: PTH112, PTH113, PTH118, PTH119, PTH120, PTH123

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Item:
    menu: str
    label: str
    icon: Path | None
    script: Path


@dataclass
class Tray:
    menus: list[str] = field(default_factory=list)  # submenus, in the order Keeper adds them
    items: list[Item] = field(default_factory=list)

    def labels(self, menu: str) -> list[str]:
        return [item.label for item in self.items if item.menu == menu]


def keeper_config(
    env: Mapping[str, str], *, windows: bool = False, as_root: bool = False
) -> dict[str, Any]:
    tags = {"windows"} if windows else {"unix", "linux"}
    values: dict[str, Any] = {}
    loaded: list[str] = []

    def apply(target: dict[str, Any], section: dict[str, Any]) -> None:
        for key, value in section.items():
            if key == "" or key.startswith("-"):
                continue
            if key.startswith("OS_"):
                if key[3:] in tags:
                    apply(target, value)
            elif isinstance(value, dict) and isinstance(target.get(key), dict):
                apply(target[key], value)
            else:
                target[key] = value

    def load(name: str) -> None:
        if name in loaded or not os.path.isfile(name):
            return
        loaded.append(name)
        with open(name, encoding="utf-8-sig") as stream:
            section = json.load(stream)["cgru_config"]
        apply(values, section)
        for include in section.get("include", []):
            load(os.path.join(os.path.dirname(name), include))

    location = env["CGRU_LOCATION"]
    load(os.path.join(location, "config_default.json"))
    if env.get("CGRU_CUSTOM_CONFIG"):
        load(env["CGRU_CUSTOM_CONFIG"])
    if windows or not as_root:
        home = env.get("APPDATA") or env["HOME"]
        load(os.path.join(home, "cgru" if windows else ".cgru", "config.json"))
    return values


def _folders(value: str | None, default: str, windows: bool) -> list[str]:
    text = value if value is not None else default
    folders = text.split(";") if ";" in text else [text] if windows else text.split(":")
    return folders if default in folders else [*folders, default]


def keeper_tray(env: Mapping[str, str], *, windows: bool = False, as_root: bool = False) -> Tray:
    config = keeper_config(env, windows=windows, as_root=as_root)
    location = env["CGRU_LOCATION"]
    icon_folders = _folders(config.get("icons_path"), os.path.join(location, "icons"), windows)
    tray = Tray()
    for top in _folders(config.get("menu_path"), os.path.join(location, "start"), windows):
        if not os.path.isdir(top):
            continue
        for folder, _subfolders, files in os.walk(top, followlinks=True):
            if "/." in folder or "\\." in folder:
                continue
            menu = os.path.basename(folder)
            if menu == os.path.basename(top):
                menu = "menu"
            elif menu not in tray.menus:
                tray.menus.append(menu)
            for name in sorted(files):
                if name[0] in "._" or not name.endswith(".cmd" if windows else ".sh"):
                    continue
                script = Path(folder, name)
                label, icon = name.rsplit(".", 1)[0], None
                for line in script.read_text(encoding="utf-8").splitlines():
                    if "Name=" in line:
                        label = line.split("Name=")[-1].strip()
                    if "Icon=" in line:
                        icon = line.split("Icon=")[-1].strip()
                tray.items.append(Item(menu, label, _icon(icon, icon_folders), script))
    return tray


def _icon(name: str | None, folders: list[str]) -> Path | None:
    for folder in folders if name else []:
        for candidate in (Path(folder, str(name)), Path(folder, f"{name}.png")):
            if candidate.is_file():
                return candidate
    return None
