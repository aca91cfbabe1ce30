"""Read CGRU's own configuration the way CGRU does, so afpools finds the same afserver."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any


def _platform_tags() -> set[str]:
    """The ``OS_<tag>`` sections CGRU applies on this machine."""
    if sys.platform.startswith("win"):
        return {"windows"}
    tags = {"unix"}
    if sys.platform.startswith("darwin"):
        tags.add("macosx")
    elif sys.platform.startswith("linux"):
        tags.add("linux")
    return tags


def cgru_config_files(env: Mapping[str, str]) -> list[Path]:
    """CGRU's config files in the order CGRU reads them; later ones win."""
    files: list[Path] = []
    location = env.get("CGRU_LOCATION", "")
    if location:
        files += [Path(location) / "config_default.json", Path(location) / "config.json"]
    home = env.get("HOME") or env.get("USERPROFILE") or env.get("HOMEPATH")
    if home:
        files.append(Path(home) / ".cgru" / "config.json")
    return files


def _merge(target: dict[str, Any], section: Mapping[str, Any], tags: set[str]) -> None:
    for key, value in section.items():
        if not key or key.startswith("-"):
            continue  # CGRU's comment keys
        if key.startswith("OS_"):
            if key[3:] in tags and isinstance(value, Mapping):
                _merge(target, value, tags)
            continue
        if isinstance(value, Mapping) and isinstance(target.get(key), dict):
            _merge(target[key], value, tags)
        else:
            target[key] = value


def read_cgru_config(env: Mapping[str, str]) -> tuple[dict[str, Any], list[str]]:
    """Merged ``cgru_config`` values and a sentence for every file that could not be used."""
    values: dict[str, Any] = {}
    warnings: list[str] = []
    seen: set[Path] = set()
    tags = _platform_tags()

    def load(path: Path) -> None:
        if path in seen or not path.is_file():
            return
        seen.add(path)
        try:
            section = json.loads(path.read_text(encoding="utf-8"))["cgru_config"]
            if not isinstance(section, Mapping):
                raise TypeError("cgru_config is not an object")
        except (OSError, ValueError, KeyError, TypeError) as error:
            warnings.append(f"CGRU config {path} was ignored: {error}.")
            return
        _merge(values, section, tags)
        includes = section.get("include", [])
        for name in includes if isinstance(includes, list) else []:
            load(path.parent / str(name))

    for path in cgru_config_files(env):
        load(path)
    return values, warnings
