"""A CGRU installation with a studio config, and a copy of afpools' Keeper parts to install."""

from __future__ import annotations

import compileall
import json
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

ENTRY = """#!/bin/bash
# Name={name}
# Icon={icon}
"""


def write_json(path: Path, value: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, indent=1), encoding="utf-8")


def write_entry(path: Path, name: str, icon: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(ENTRY.format(name=name, icon=icon), encoding="utf-8")
    path.chmod(0o755)


def make_cgru(base: Path) -> Path:
    """CGRU as installed: config_default.json includes the studio's config.json."""
    location = base / "cgru"
    write_json(
        location / "config_default.json",
        {
            "cgru_config": {
                "": "This is a CGRU default config file",
                "include": ["afanasy/config_default.json", "config.json"],
                "-menu_path": "/cg/apps",
            }
        },
    )
    write_json(location / "afanasy" / "config_default.json", {"cgru_config": {}})
    write_entry(location / "start" / "AFANASY" / "10.afwatch.sh", "Start Watch...", "afwatch.png")
    (location / "icons").mkdir()
    (location / "icons" / "afwatch.png").write_bytes(b"png")
    return location


def make_studio(base: Path, cgru: Path) -> Path:
    """A studio's own menu and icons, named in $CGRU_LOCATION/config.json."""
    studio = base / "studio"
    write_entry(studio / "menu" / "Studio" / "10.publish.sh", "Publish...", "publish.png")
    (studio / "icons").mkdir(parents=True)
    (studio / "icons" / "publish.png").write_bytes(b"png")
    write_json(
        cgru / "config.json",
        {
            "cgru_config": {
                "menu_path": str(studio / "menu"),
                "icons_path": str(studio / "icons"),
            }
        },
    )
    return studio


def make_project(base: Path) -> Path:
    """afpools' Keeper parts as a checkout has them, Python package compiled (so that
    ``keeper_menu/__pycache__`` exists, as it does once ``main.py`` has run)."""
    root = base / "afpools"
    shutil.copytree(
        REPO / "keeper_menu",
        root / "keeper_menu",
        ignore=shutil.ignore_patterns("_env.*", "__pycache__"),
    )
    compileall.compile_dir(root / "keeper_menu", quiet=1)
    shutil.copytree(REPO / "resources" / "icons", root / "resources" / "icons")
    (root / "main.py").symlink_to(REPO / "main.py")
    return root
