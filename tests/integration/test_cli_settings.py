"""``main.py settings``: the listing, and ``import-2019`` of the 2019 tool's MongoDB address."""

from __future__ import annotations

import json
import shutil
import stat
from pathlib import Path

import pytest

from config.settings import settings_file_path
from storage.connection import mongo_client
from tests.support.cli import Run, runner
from tests.support.nx import PrivateNx

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "poolmanager-2019" / "config.json"


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Run:
    return runner(capsys)


def saved() -> dict[str, object]:
    data: dict[str, object] = json.loads(settings_file_path().read_text(encoding="utf-8"))
    return data


def write_settings(data: dict[str, object]) -> None:
    path = settings_file_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")


def test_settings_alone_still_lists_every_option(cli: Run) -> None:
    code, out, err = cli("settings")

    assert (code, err) == (0, "")
    assert out.startswith(f"Settings file: {settings_file_path()}\n")
    assert out.splitlines()[1].split() == ["OPTION", "VALUE", "FROM", "MEANING"]
    assert "mongodb_uri" in out


def test_settings_say_where_the_pools_are_and_who_can_reach_them(
    cli: Run, fresh_environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    embedded = cli("settings")[1].splitlines()[-1]
    monkeypatch.setenv("AFPOOLS_MONGODB_URI", "mongodb://afpools:secret@db.studio:27017/")
    configured = json.loads(cli("settings", "--json")[1])["database"]

    folder = fresh_environment / ".local" / "share" / "afpools"
    assert embedded == (
        f"Database: the embedded nx-27017 in {folder}, reached through a Unix socket in a "
        "folder of this user's alone (0700, files 0600)."
    )
    assert configured == "MongoDB at mongodb://afpools:***@db.studio:27017/"
    assert not folder.exists()  # a listing starts nothing


def test_the_2019_file_becomes_the_mongodb_of_afpools(cli: Run, tmp_path: Path) -> None:
    folder = tmp_path / "poolmanager"
    folder.mkdir()
    shutil.copy(FIXTURE, folder / "config.json")

    code, out, err = cli("settings", "import-2019", str(folder / "config.json"))

    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"Read the 2019 Pool Manager's settings from {folder / 'config.json'}.",
        f"In {settings_file_path()}:",
        "  mongodb_uri was not set and is now mongodb://10.20.0.5:27017/.",
        "  mongodb_database was not set and is now afpools.",
    ]
    assert saved() == {"mongodb_uri": "mongodb://10.20.0.5:27017/", "mongodb_database": "afpools"}
    listing = json.loads(cli("settings", "--json")[1])["options"]["mongodb_uri"]
    assert listing == {
        "value": "mongodb://10.20.0.5:27017/",
        "from": str(settings_file_path()),
        "help": listing["help"],
    }
    # The folder of the file is enough.
    assert cli("settings", "import-2019", str(folder))[0] == 0


def test_every_other_option_stays_and_the_old_file_is_kept(cli: Run, tmp_path: Path) -> None:
    before = {
        "mongodb_uri": "mongodb://admin:old-s3cret@old-db:27017/",
        "service_port": 52000,
        "service_write_token": "t" * 40,
    }
    write_settings(before)

    code, out, err = cli("settings", "import-2019", str(FIXTURE))

    assert (code, err) == (0, "")
    backup = settings_file_path().with_name("settings.json.before-2019")
    assert out.splitlines()[2:] == [
        "  mongodb_uri was mongodb://admin:***@old-db:27017/ and is now mongodb://10.20.0.5:27017/.",
        "  mongodb_database was not set and is now afpools.",
        "  kept as they were: service_port, service_write_token.",
        f"The file as it was before is in {backup}.",
    ]
    assert "old-s3cret" not in out
    assert saved() == {
        **before,
        "mongodb_uri": "mongodb://10.20.0.5:27017/",
        "mongodb_database": "afpools",
    }
    assert json.loads(backup.read_text(encoding="utf-8")) == before
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600

    again = json.loads(cli("settings", "import-2019", str(FIXTURE), "--json")[1])
    assert again["set"]["mongodb_uri"] == {
        "was": "mongodb://10.20.0.5:27017/",
        "now": "mongodb://10.20.0.5:27017/",
    }
    assert again["kept"] == ["service_port", "service_write_token"]


@pytest.mark.parametrize(
    ("content", "uri", "database"),
    [
        ('{"host": "db.studio", "port": "27018"}', "mongodb://db.studio:27018/", "afpools"),
        ('{"mongodb": {"host": "::1", "port": 27019}}', "mongodb://[::1]:27019/", "afpools"),
        ('{"mongodb_host": "db", "database": "farm"}', "mongodb://db:27017/", "farm"),
        ('\ufeff{"mongodb_host": "db", "mongodb_port": 1, "db_name": "p"}', "mongodb://db:1/", "p"),
    ],
    ids=["host-port", "nested", "database", "notepad-bom"],
)
def test_hand_edited_shapes_are_read_too(
    cli: Run, tmp_path: Path, content: str, uri: str, database: str
) -> None:
    path = tmp_path / "config.json"
    path.write_text(content, encoding="utf-8")

    assert cli("settings", "import-2019", str(path))[0] == 0
    assert saved() == {"mongodb_uri": uri, "mongodb_database": database}


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("", "is not JSON (Expecting value: line 1 column 1 (char 0))."),
        (
            '["db", 27017]',
            'must hold a JSON object like {"mongodb_host": "...", "mongodb_port": 27017}.',
        ),
        ('{"mongodb_port": 27017}', "names no MongoDB host (mongodb_host)."),
        (
            '{"mongodb_host": "db/x?y"}',
            'has the MongoDB host "db/x?y", which is not a host name or address.',
        ),
        (
            '{"mongodb_host": "db", "mongodb_port": 70000}',
            "has the MongoDB port 70000; it must be a number from 1 to 65535.",
        ),
        (
            '{"mongodb_host": "db", "mongodb_port": true}',
            "has the MongoDB port true; it must be a number from 1 to 65535.",
        ),
        (
            '{"mongodb_host": "db", "database": "a.b"}',
            'has the database name "a.b", which MongoDB refuses.',
        ),
    ],
)
def test_an_unreadable_file_is_one_sentence_and_changes_nothing(
    cli: Run, tmp_path: Path, content: str, reason: str
) -> None:
    write_settings({"service_port": 52000})
    path = tmp_path / "config.json"
    path.write_text(content, encoding="utf-8")

    code, out, err = cli("settings", "import-2019", str(path))

    assert (code, out, err) == (1, "", f"The 2019 settings file {path} {reason}\n")
    assert saved() == {"service_port": 52000}


def test_a_missing_file_is_one_sentence(cli: Run, tmp_path: Path) -> None:
    code, out, err = cli("settings", "import-2019", str(tmp_path / "config.json"))

    assert (code, out, err) == (
        1,
        "",
        f"There is no 2019 settings file {tmp_path / 'config.json'}.\n",
    )
    assert not settings_file_path().exists()


def test_an_environment_variable_that_still_wins_is_named(
    cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AFPOOLS_MONGODB_URI", "mongodb://elsewhere:27017/")

    code, _, err = cli("settings", "import-2019", str(FIXTURE))

    assert code == 0
    assert err == (
        "mongodb_uri comes from $AFPOOLS_MONGODB_URI, which wins over the settings file; "
        "without it, afpools uses the 2019 database.\n"
    )


@pytest.mark.integration
def test_after_the_import_afpools_shows_the_2019_pools(cli: Run, tmp_path: Path) -> None:
    nx = PrivateNx(tmp_path / "nx", tcp=True).start()
    try:
        client = mongo_client(nx.uri, timeout=10)
        client["afpools"]["pools"].insert_one(
            {
                "name": "lighting",
                "clients": [{"hostname": "rnd-a01", "engine": "", "ip": "", "port": ""}],
            }
        )
        client.close()
        config = tmp_path / "config.json"
        config.write_text(
            json.dumps({"mongodb_host": "127.0.0.1", "mongodb_port": nx.port}, indent=4)
        )

        assert cli("settings", "import-2019", str(config))[0] == 0
        code, out, err = cli("pools", "show", "lighting")
    finally:
        nx.stop()

    assert (code, err) == (0, "")
    assert out.splitlines()[-2:] == ["Hosts (1):", "  rnd-a01"]
