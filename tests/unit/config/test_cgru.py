"""Which CGRU config files afpools reads, on each platform, as CGRU's cgruconfig.py does."""

from __future__ import annotations

import json
from pathlib import Path

from config.cgru import read_cgru_config, user_config_file


def write_config(path: Path, values: dict[str, object], bom: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"cgru_config": values})
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))


def test_on_windows_the_user_config_is_in_appdata(tmp_path: Path) -> None:
    env = {
        "APPDATA": str(tmp_path / "Roaming"),
        "USERPROFILE": str(tmp_path / "anna"),
        "HOME": str(tmp_path / "anna"),
    }
    write_config(tmp_path / "Roaming" / "cgru" / "config.json", {"af_servername": "farm-win"})
    write_config(tmp_path / "anna" / ".cgru" / "config.json", {"af_servername": "wrong"})

    values, warnings = read_cgru_config(env, platform="win32")

    assert user_config_file(env, "win32") == tmp_path / "Roaming" / "cgru" / "config.json"
    assert values["af_servername"] == "farm-win"
    assert warnings == []


def test_elsewhere_it_is_in_home(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path / "anna")}
    write_config(tmp_path / "anna" / ".cgru" / "config.json", {"af_servername": "farm"})

    values, _ = read_cgru_config(env, platform="linux")

    assert values["af_servername"] == "farm"


def test_the_custom_config_comes_between_the_studios_and_the_users(tmp_path: Path) -> None:
    cgru = tmp_path / "cgru"
    write_config(cgru / "config_default.json", {"af_servername": "a", "af_serverport": 1})
    write_config(tmp_path / "custom.json", {"af_servername": "b", "af_serverport": 2})
    write_config(tmp_path / "home" / ".cgru" / "config.json", {"af_serverport": 3})
    env = {
        "CGRU_LOCATION": str(cgru),
        "CGRU_CUSTOM_CONFIG": str(tmp_path / "custom.json"),
        "HOME": str(tmp_path / "home"),
    }

    values, _ = read_cgru_config(env, platform="linux")

    assert (values["af_servername"], values["af_serverport"]) == ("b", 3)


def test_a_byte_order_mark_from_a_windows_editor_is_skipped(tmp_path: Path) -> None:
    env = {"APPDATA": str(tmp_path / "Roaming")}
    write_config(tmp_path / "Roaming" / "cgru" / "config.json", {"af_servername": "f"}, bom=True)

    values, warnings = read_cgru_config(env, platform="win32")

    assert values["af_servername"] == "f"
    assert warnings == []
