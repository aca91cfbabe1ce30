"""``install-keeper`` and the menu entry, read back the way CGRU's Keeper reads them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from cli.app import main
from keeper_menu.installer import MENU_DIR, install

ROOT = Path(__file__).resolve().parents[2]

USER_CONFIG = """{"cgru_config":{
"":"Created by CGRU Keeper at Sat Nov 28 10:00:00 2026",
"":"",
"af_servername":"farm-server",
"menu_path":"/studio/keeper/menu",
"editor":"gvim \\"%s\\""
}}
"""


@dataclass
class Entry:
    menu: str
    label: str
    icon: str | None
    script: Path


def keeper_menu(config: Path, platform_windows: bool = False) -> list[Entry]:
    """Keeper's reading of its menus (utilities/keeper/tray.py), on the files alone."""
    section = json.loads(config.read_text())["cgru_config"]
    menu_paths = section.get("menu_path") or ""
    paths = menu_paths.split(";") if ";" in menu_paths else menu_paths.split(":")
    icon_paths = (section.get("icons_path") or "").split(":")
    entries = []
    for menu_path in map(Path, paths):
        if not menu_path.is_dir():
            continue
        for folder, _dirs, files in os.walk(menu_path):
            if "/." in folder:
                continue
            menu = "menu" if Path(folder) == menu_path else Path(folder).name
            for name in sorted(files):
                if name[0] in "._" or not name.endswith(".cmd" if platform_windows else ".sh"):
                    continue
                label, icon = name.rsplit(".", 1)[0], None
                for line in Path(folder, name).read_text().splitlines():
                    if "Name=" in line:
                        label = line.split("Name=")[-1].strip()
                    if "Icon=" in line:
                        icon = line.split("Icon=")[-1].strip()
                found = [Path(p, icon) for p in icon_paths if icon and Path(p, icon).is_file()]
                entries.append(
                    Entry(menu, label, str(found[0]) if found else None, Path(folder, name))
                )
    return entries


@pytest.fixture
def menu_copy(tmp_path: Path) -> Path:
    """A copy of keeper_menu/ so that installing never writes into the checkout."""
    copy = tmp_path / "afpools" / "keeper_menu"
    shutil.copytree(MENU_DIR, copy, ignore=shutil.ignore_patterns("_env.*", "__pycache__", "*.py"))
    return copy


def test_install_adds_the_entry_and_keeps_the_users_settings(
    tmp_path: Path, menu_copy: Path
) -> None:
    cgru = tmp_path / ".cgru"
    cgru.mkdir()
    (cgru / "config.json").write_text(USER_CONFIG)

    result = install(cgru, sys.executable, menu_dir=menu_copy, windows=False)
    again = install(cgru, sys.executable, menu_dir=menu_copy, windows=False)
    text = (cgru / "config.json").read_text()
    entries = keeper_menu(cgru / "config.json")

    assert result.changed and not again.changed
    assert result.menu_paths == ["/studio/keeper/menu", str(menu_copy)]
    assert text.count('"":') == 2  # both of Keeper's comment lines survived
    assert '"editor":"gvim \\"%s\\""' in text
    assert json.loads(text)["cgru_config"]["af_servername"] == "farm-server"
    assert [(e.menu, e.label) for e in entries] == [
        ("AFANASY", "Render Pools..."),
        ("AFANASY", "Pool Service Settings..."),
    ]
    assert all(e.icon and e.icon.endswith("resources/icons/afpools.png") for e in entries)


def test_install_creates_a_config_when_there_is_none(tmp_path: Path, menu_copy: Path) -> None:
    install(tmp_path / ".cgru", sys.executable, menu_dir=menu_copy, windows=False)

    entries = keeper_menu(tmp_path / ".cgru" / "config.json")

    assert [e.label for e in entries] == ["Render Pools...", "Pool Service Settings..."]


def test_the_cmd_twin_is_there_for_windows(tmp_path: Path, menu_copy: Path) -> None:
    install(tmp_path / ".cgru", sys.executable, menu_dir=menu_copy, windows=False)

    entries = keeper_menu(tmp_path / ".cgru" / "config.json", platform_windows=True)

    assert [e.label for e in entries] == ["Render Pools...", "Pool Service Settings..."]
    assert entries[0].script.read_text().count("rem Icon=afpools.png") == 1


def test_the_entry_starts_main_py_with_the_installed_python(
    tmp_path: Path, menu_copy: Path
) -> None:
    (menu_copy.parent / "main.py").symlink_to(ROOT / "main.py")
    install(tmp_path / ".cgru", sys.executable, menu_dir=menu_copy, windows=False)
    entry = keeper_menu(tmp_path / ".cgru" / "config.json")[0].script

    done = subprocess.run(
        ["bash", str(entry), "--help"], capture_output=True, text=True, timeout=60, check=False
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: main.py")


def test_without_pyqt5_the_entry_says_what_is_missing(tmp_path: Path, menu_copy: Path) -> None:
    bare = tmp_path / "bare"
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(bare)], check=True, timeout=120
    )
    install(tmp_path / ".cgru", str(bare / "bin" / "python"), menu_dir=menu_copy, windows=False)
    entry = keeper_menu(tmp_path / ".cgru" / "config.json")[0].script

    done = subprocess.run(
        ["bash", str(entry)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "PATH": "/usr/bin:/bin"},
    )

    assert done.returncode == 1
    assert "lacks PyQt5 or pymongo" in done.stderr
    assert "make run" in done.stderr


def test_a_broken_cgru_config_is_left_alone_with_one_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cgru = tmp_path / ".cgru"
    cgru.mkdir()
    (cgru / "config.json").write_text('{"cgru_config": {')

    code = main(["install-keeper", "--cgru-home", str(cgru)])

    assert code == 1
    assert capsys.readouterr().err.startswith(
        f"CGRU's config {cgru / 'config.json'} cannot be read ("
    )
    assert (cgru / "config.json").read_text() == '{"cgru_config": {'
