"""Read CGRU's own configuration the way CGRU does, so afpools finds the same afserver and
the Keeper menu installer sees the same ``menu_path`` as Keeper.

CGRU (``lib/python/cgruconfig.py``) reads ``$CGRU_LOCATION/config_default.json`` (which
includes ``afanasy/config_default.json`` and the studio's ``config.json``), then the file
named by ``CGRU_CUSTOM_CONFIG``, then the user's file: ``%APPDATA%\\cgru\\config.json`` on
Windows, ``$HOME/.cgru/config.json`` elsewhere (``APPDATA`` wins over ``HOME`` there too). A
value in a later file replaces the earlier one; only objects are merged key by key.
"""

from __future__ import annotations

import copy
import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def is_windows(platform: str) -> bool:
    return platform.startswith("win")


def platform_tags(platform: str = sys.platform) -> frozenset[str]:
    """The ``OS_<tag>`` sections CGRU applies on this machine."""
    if is_windows(platform):
        return frozenset({"windows"})
    if platform.startswith("darwin"):
        return frozenset({"unix", "macosx"})
    if platform.startswith("linux"):
        return frozenset({"unix", "linux"})
    return frozenset({"unix"})


def _user_name(env: Mapping[str, str]) -> str:
    """CGRU's user name: the first variable set, without a DOMAIN\\ part, in lower case."""
    for name in ("CGRU_USERNAME", "AF_USERNAME", "USER", "USERNAME"):
        if env.get(name):
            return env[name].replace("\\", "/").rsplit("/", 1)[-1].lower()
    return ""


def user_config_file(env: Mapping[str, str], platform: str = sys.platform) -> Path | None:
    """The user's config file that CGRU (and so Keeper) reads on this platform."""
    home = env.get("APPDATA") or env.get("HOME")
    if not home:
        location, user = env.get("CGRU_LOCATION"), _user_name(env)
        if not (location and user):
            return None
        home = str(Path(location) / "home" / user)
    return Path(home) / ("cgru" if is_windows(platform) else ".cgru") / "config.json"


def cgru_config_files(env: Mapping[str, str], platform: str = sys.platform) -> list[Path]:
    """CGRU's config files in the order CGRU starts reading them; later ones win.

    Each file's ``include`` list is read right after it. The studio's ``config.json`` is
    listed too, for an installation whose ``config_default.json`` lacks the include."""
    files: list[Path] = []
    location = env.get("CGRU_LOCATION", "")
    if location:
        files += [Path(location) / "config_default.json", Path(location) / "config.json"]
    custom = env.get("CGRU_CUSTOM_CONFIG", "")
    if custom:
        files.append(Path(custom))
    user = user_config_file(env, platform)
    if user is not None:
        files.append(user)
    return files


@dataclass(frozen=True)
class ConfigLayer:
    """One file's ``cgru_config`` as written, and its values on this platform."""

    path: Path
    section: Mapping[str, Any]
    values: dict[str, Any]


def merge_section(target: dict[str, Any], section: Mapping[str, Any], tags: frozenset[str]) -> None:
    """CGRU's rule: skip comment keys ("" and "-name"), apply matching ``OS_`` sections in
    place, merge objects key by key and let every other value replace the earlier one."""
    for key, value in section.items():
        if not key or key.startswith("-"):
            continue
        if key.startswith("OS_"):
            if key[3:] in tags and isinstance(value, Mapping):
                merge_section(target, value, tags)
            continue
        if isinstance(value, Mapping) and isinstance(target.get(key), dict):
            merge_section(target[key], value, tags)
        else:
            target[key] = copy.deepcopy(value)


def read_layers(
    env: Mapping[str, str], platform: str = sys.platform
) -> tuple[list[ConfigLayer], list[str]]:
    """Every config file CGRU reads, includes expanded, in CGRU's order, and a sentence for
    every file that could not be used."""
    layers: list[ConfigLayer] = []
    warnings: list[str] = []
    seen: set[Path] = set()
    tags = platform_tags(platform)

    def load(path: Path) -> None:
        if path in seen or not path.is_file():
            return
        seen.add(path)
        try:  # utf-8-sig: Windows editors write a BOM, and CGRU skips it too
            section = json.loads(path.read_text(encoding="utf-8-sig"))["cgru_config"]
            if not isinstance(section, Mapping):
                raise TypeError("cgru_config is not an object")
        except (OSError, ValueError, KeyError, TypeError) as error:
            warnings.append(f"CGRU config {path} was ignored: {error}.")
            return
        values: dict[str, Any] = {}
        merge_section(values, section, tags)
        layers.append(ConfigLayer(path, section, values))
        includes = section.get("include", [])
        for name in includes if isinstance(includes, list) else []:
            load(path.parent / str(name))

    for path in cgru_config_files(env, platform):
        load(path)
    return layers, warnings


def read_cgru_config(
    env: Mapping[str, str], platform: str = sys.platform
) -> tuple[dict[str, Any], list[str]]:
    """Merged ``cgru_config`` values and a sentence for every file that could not be used."""
    layers, warnings = read_layers(env, platform)
    values: dict[str, Any] = {}
    tags = platform_tags(platform)
    for layer in layers:
        merge_section(values, layer.section, tags)
    return values, warnings


def split_paths(value: object, windows: bool) -> list[str]:
    """Keeper's rule for ``menu_path`` and ``icons_path``: ';' separates when there is one,
    else ':' (not on Windows, where the whole value is one folder)."""
    if not isinstance(value, str) or not value:
        return []
    if ";" in value:
        return [p for p in value.split(";") if p]
    return [value] if windows else [p for p in value.split(":") if p]


def join_paths(paths: list[str], windows: bool) -> str:
    """The inverse of :func:`split_paths`: ';' whenever ':' would be ambiguous."""
    if windows or any(":" in p for p in paths):
        return ";".join(paths) + (";" if len(paths) == 1 and ":" in paths[0] else "")
    return ":".join(paths)
