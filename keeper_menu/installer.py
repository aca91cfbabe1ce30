"""``python main.py install-keeper``: put afpools into CGRU Keeper's tray menu.

Keeper makes its menus from every folder in CGRU's ``menu_path`` (and ``$CGRU_LOCATION/start``)
and finds icons through ``icons_path``. The user's config can only *replace* those values of
the studio's config, not extend them, so the user's new value lists every folder any of
CGRU's config files names, then ours. The registered folder, ``keeper_menu/entries``, holds
nothing but entries: Keeper makes a submenu of every folder in it, ``__pycache__`` included.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from config.cgru import (
    ConfigLayer,
    is_windows,
    join_paths,
    platform_tags,
    read_layers,
    split_paths,
    user_config_file,
)
from keeper_menu import cgru_json
from keeper_menu.config_file import Written, read_config, write_config
from keeper_menu.env_files import write_env
from pools.errors import AfpoolsError

ROOT = Path(__file__).absolute().parent.parent
ENTRIES = Path("keeper_menu", "entries")
OLD_ENTRIES = Path("keeper_menu")  # what install-keeper registered before entries/ existed
ICONS = Path("resources", "icons")
KEYS = ("menu_path", "icons_path")


def running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


@dataclass(frozen=True)
class PathChange:
    key: str  # menu_path or icons_path
    path: str
    source: str  # the config file it comes from, or why it goes


@dataclass(frozen=True)
class InstallResult:
    config: Path
    written: Written | None  # None when the config already had everything
    paths: dict[str, list[str]]
    added: list[PathChange]
    removed: list[PathChange]
    python: str
    env_file: Path
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.written is not None


def install(
    root: Path,
    python: str,
    *,
    env: Mapping[str, str],
    platform: str = sys.platform,
    as_root: bool,
) -> InstallResult:
    """Register ``root``'s entries and icons in the user's CGRU config; safe to run again."""
    windows = is_windows(platform)
    ours = {"menu_path": root / ENTRIES, "icons_path": root / ICONS}
    _check_keeper_would_look(ours["menu_path"], windows, as_root)
    config = user_config_file(env, platform)
    if config is None:
        raise AfpoolsError("Neither HOME nor APPDATA is set, so CGRU has no user config.")
    text = read_config(config)
    try:
        data = cgru_json.load(text) if text is not None else cgru_json.Pairs()
    except ValueError as error:
        raise AfpoolsError(
            f"CGRU's config {config} cannot be read ({error}); it was left as it is."
        ) from None
    layers, _ = read_layers(env, platform)  # a broken studio file is CGRU's to report
    plan = _plan(layers, config, root, ours, windows)
    section = cgru_json.section(data)
    for key in KEYS:
        if plan.paths[key] != plan.current[key]:
            value = join_paths(plan.paths[key], windows)
            cgru_json.set_where_read(section, key, value, platform_tags(platform))
    # The checkout first: when it is read-only, the config is left as it was.
    env_file = write_env(root / ENTRIES, python, windows)
    if not windows:
        _make_executable(root / ENTRIES)
    written = None
    if plan.paths != plan.current or text is None:
        written = write_config(config, cgru_json.dump(data, ascii_only=windows) + "\n")
    warnings = [
        f"{variable} is set here; a Keeper started with it ignores {key} in every config "
        f"file: add {ours[key]} to it."
        for key in KEYS
        if env.get(variable := f"CGRU_{key.upper()}")
    ]
    return InstallResult(
        config, written, plan.paths, plan.added, plan.removed, python, env_file, warnings
    )


def _check_keeper_would_look(entries: Path, windows: bool, as_root: bool) -> None:
    """Refuse what would report success although Keeper would never show the entries."""
    if as_root and not windows:  # cgruconfig.py reads no user config for root
        raise AfpoolsError(
            "Keeper ignores the user's CGRU config when it runs as root, and this command "
            "runs as root: run install-keeper as the user who starts Keeper, without sudo."
        )
    if "/." in str(entries) or "\\." in str(entries):  # tray.py skips such folders
        raise AfpoolsError(
            f"Keeper skips every folder whose path contains '/.', so it would never show the "
            f"entries in {entries}: move the checkout to a folder without a hidden part."
        )
    if ";" in str(entries):  # the separator of menu_path
        raise AfpoolsError(f"Keeper cannot use a folder with ';' in its path: {entries}.")


@dataclass
class _Plan:
    current: dict[str, list[str]] = field(default_factory=dict)  # the user's own value
    paths: dict[str, list[str]] = field(default_factory=dict)  # what it becomes
    added: list[PathChange] = field(default_factory=list)
    removed: list[PathChange] = field(default_factory=list)


def _plan(
    layers: list[ConfigLayer], config: Path, root: Path, ours: dict[str, Path], windows: bool
) -> _Plan:
    """Keep what Keeper uses now, in its order; add every folder another config file names
    (the user's value hides them), then ours; drop what an older install-keeper registered."""
    plan = _Plan()
    index = next((i for i, layer in enumerate(layers) if layer.path == config), len(layers))
    for key, folder in ours.items():
        later = [layer.path for layer in layers[index + 1 :] if key in layer.values]
        if later:
            raise AfpoolsError(
                f"{later[-1]} is read after {config} and sets {key}, so Keeper would not see "
                f"afpools' folder: add {folder} to it by hand."
            )
        own = layers[index].values.get(key) if index < len(layers) else None
        plan.current[key] = split_paths(own, windows)
        setters = [layer for layer in layers if key in layer.values]
        sources: dict[str, str] = {}
        for layer in setters[-1:] + setters[:-1]:  # the value in effect first
            for path in split_paths(layer.values[key], windows):
                sources.setdefault(path, str(layer.path))
        if key == "menu_path":
            sources.pop(str(root / OLD_ENTRIES), None)
        sources.setdefault(str(folder), "afpools")
        plan.paths[key] = list(sources)
        plan.added += [
            PathChange(key, path, source)
            for path, source in sources.items()
            if path not in plan.current[key]
        ]
        plan.removed += [
            PathChange(key, path, "an earlier install-keeper's folder, now entries/")
            for path in plan.current[key]
            if path not in sources
        ]
    return plan


def _make_executable(entries: Path) -> None:
    """Keeper runs an entry as a program: a checkout from a zip file loses the x bit."""
    for script in entries.rglob("*.sh"):
        mode = script.stat().st_mode
        wanted = mode | ((mode & 0o444) >> 2)  # executable for whoever may read it
        if wanted != mode:
            try:
                script.chmod(wanted)
            except OSError as error:
                raise AfpoolsError(
                    f"The menu entry {script} cannot be made executable ({error.strerror})."
                ) from None
