"""Settings: where every value comes from, and clear sentences for bad ones."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from config.settings import (
    load_settings,
    options,
    settings_file_path,
    user_config_dir,
    write_settings_file,
)
from pools.errors import SettingsError


def write_json(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")


def test_defaults_without_any_configuration() -> None:
    settings = load_settings()

    assert settings.mongodb_uri == ""
    assert settings.afserver_address == "127.0.0.1:51000"
    assert settings.user_name == "tester"
    assert settings.sources["afserver_port"] == "default"
    assert settings.warnings == ()


def test_every_option_has_a_type_default_and_a_sentence_of_help() -> None:
    for option in options():
        assert option.type in ("str", "int", "float", "bool"), option.name
        assert option.metadata["help"].endswith("."), option.name


def test_settings_file_lives_in_the_user_config_folder(fresh_environment: Path) -> None:
    assert settings_file_path() == fresh_environment / ".config" / "afpools" / "settings.json"
    assert user_config_dir() == fresh_environment / ".config" / "afpools"


def test_afserver_address_from_cgru_config_files(
    fresh_environment: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cgru = tmp_path / "cgru"
    write_json(
        cgru / "config_default.json",
        {"cgru_config": {"af_servername": "farm", "af_serverport": 51000}},
    )
    write_json(cgru / "config.json", {"cgru_config": {"af_serverport": 51001}})
    write_json(
        fresh_environment / ".cgru" / "config.json",
        {"cgru_config": {"OS_unix": {"af_servername": "farm-linux"}}},
    )
    monkeypatch.setenv("CGRU_LOCATION", str(cgru))

    settings = load_settings()

    assert settings.afserver_address == "farm-linux:51001"
    assert settings.sources["afserver_port"] == "CGRU config 'af_serverport'"


def test_environment_beats_settings_file_beats_cgru_config(
    fresh_environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_json(
        fresh_environment / ".cgru" / "config.json", {"cgru_config": {"af_servername": "cgru-host"}}
    )
    write_settings_file({"afserver_host": "file-host", "afserver_port": 52000})
    monkeypatch.setenv("CGRU_AF_SERVERPORT", "53000")

    settings = load_settings()

    assert settings.afserver_address == "file-host:53000"
    assert settings.sources["afserver_port"] == "$CGRU_AF_SERVERPORT"


def test_command_line_overrides_win(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AFPOOLS_MONGODB_URI", "mongodb://env/")

    settings = load_settings(overrides={"mongodb_uri": "mongodb://flag/"})

    assert settings.mongodb_uri == "mongodb://flag/"


@pytest.mark.parametrize(
    ("variable", "value", "sentence"),
    [
        (
            "CGRU_AF_SERVERPORT",
            "fifty",
            "afserver_port from $CGRU_AF_SERVERPORT must be a whole number, not 'fifty'.",
        ),
        (
            "AFPOOLS_AFSERVER_HTTP",
            "maybe",
            "afserver_http from $AFPOOLS_AFSERVER_HTTP must be true or false, not 'maybe'.",
        ),
        (
            "AFPOOLS_MONGODB_TIMEOUT",
            "soon",
            "mongodb_timeout from $AFPOOLS_MONGODB_TIMEOUT must be a number, not 'soon'.",
        ),
    ],
)
def test_a_bad_value_is_one_sentence_naming_its_origin(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, sentence: str
) -> None:
    monkeypatch.setenv(variable, value)

    with pytest.raises(SettingsError) as error:
        load_settings()

    assert str(error.value) == sentence


def test_a_broken_settings_file_is_reported_not_ignored(fresh_environment: Path) -> None:
    path = settings_file_path()
    path.parent.mkdir(parents=True)
    path.write_text("{not json", encoding="utf-8")

    with pytest.raises(SettingsError, match="cannot be read"):
        load_settings()


def test_a_broken_cgru_config_is_a_warning_and_the_rest_still_loads(
    fresh_environment: Path,
) -> None:
    (fresh_environment / ".cgru").mkdir()
    (fresh_environment / ".cgru" / "config.json").write_text("{", encoding="utf-8")
    write_settings_file({"unknown_option": 1, "poll_interval": 5})

    settings = load_settings()

    assert settings.poll_interval == 5.0
    assert len(settings.warnings) == 2
    assert "was ignored" in settings.warnings[0]
    assert "unknown option 'unknown_option'" in settings.warnings[1]


def test_writing_settings_keeps_what_the_user_set_before() -> None:
    write_settings_file({"afserver_host": "farm"})
    write_settings_file({"afserver_port": 51002})

    settings = load_settings()

    assert settings.afserver_address == "farm:51002"
