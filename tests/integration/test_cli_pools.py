"""``main.py pools ...`` as an admin uses it: output, exit codes, one-sentence errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cli.app import main
from storage.store import PoolStore
from tests.support.cli import Run

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]


def test_create_add_show_list(cli: Run) -> None:
    assert cli("pools", "create", "lighting", "--description", "Lighting farm")[0] == 0
    code, out, err = cli("pools", "add", "lighting", "rnd-01", "rnd-02")
    assert (code, out, err) == (0, "Added rnd-01, rnd-02 to pool 'lighting'.\n", "")

    code, out, _ = cli("pools", "show", "lighting")
    assert code == 0
    assert "Description: Lighting farm" in out
    assert out.splitlines()[-3:] == ["Hosts (2):", "  rnd-01", "  rnd-02"]

    code, out, _ = cli("pools", "list")
    assert out.splitlines() == [
        "POOL      HOSTS  COLOUR  DESCRIPTION",
        "lighting  2      -       Lighting farm",
    ]


def test_json_output_is_machine_readable(cli: Run) -> None:
    cli("pools", "create", "gpu", "--color", "#00aa00")
    cli("pools", "add", "gpu", "gpu-01")

    _, listed, _ = cli("pools", "list", "--json")
    _, shown, _ = cli("pools", "show", "gpu", "--json")
    _, history, _ = cli("pools", "history", "gpu", "--json")

    assert [p["name"] for p in json.loads(listed)] == ["gpu"]
    assert json.loads(shown)["hosts"] == ["gpu-01"]
    assert json.loads(shown)["color"] == "#00aa00"
    assert [c["op"] for c in json.loads(history)] == ["add", "create"]


def test_rename_describe_colour_delete(cli: Run) -> None:
    cli("pools", "create", "old")
    cli("pools", "add", "old", "a", "b", "c")

    assert cli("pools", "rename", "old", "new")[1] == "Renamed pool 'old' to 'new'.\n"
    assert cli("pools", "describe", "new", "three hosts")[0] == 0
    assert cli("pools", "color", "new", "#ABCDEF")[1] == "Colour of pool 'new' set to #abcdef.\n"
    assert cli("pools", "delete", "new")[1] == "Deleted pool 'new' (3 hosts).\n"
    assert cli("pools", "list")[2] == (
        "There are no pools yet; create one with 'main.py pools create NAME'.\n"
    )


def test_history_table_names_user_and_change(cli: Run) -> None:
    cli("pools", "create", "a")
    cli("pools", "add", "a", "rnd-01")

    _, out, _ = cli("pools", "history")

    lines = out.splitlines()
    assert lines[0].split() == ["WHEN", "WHO", "CHANGE"]
    assert lines[1].endswith("tester  added rnd-01 to pool 'a'")
    assert lines[2].endswith("tester  created pool 'a'")


@pytest.mark.parametrize(
    ("argv", "sentence"),
    [
        (("pools", "show", "ghost"), "There is no pool named 'ghost'.\n"),
        (("pools", "create", "taken"), "A pool named 'taken' already exists.\n"),
        (("pools", "create", " "), "A pool name cannot be empty.\n"),
        (
            ("pools", "add", "taken", "rnd-01"),
            "rnd-01 is already in pool 'taken'; nothing changed.\n",
        ),
        (
            ("pools", "remove", "taken", "rnd-09"),
            "rnd-09 is not in pool 'taken'; nothing changed.\n",
        ),
        (
            ("pools", "add", "taken", "bad name"),
            "The host name 'bad name' contains a space or a control character.\n",
        ),
        (("pools", "color", "taken", "red"), "The colour 'red' is not of the form #rrggbb.\n"),
    ],
)
def test_user_errors_are_one_sentence_exit_1_and_change_nothing(
    cli: Run, store: PoolStore, argv: tuple[str, ...], sentence: str
) -> None:
    cli("pools", "create", "taken")
    cli("pools", "add", "taken", "rnd-01")
    before = (store.pools(), store.revision())

    code, out, err = cli(*argv)

    assert (code, out, err) == (1, "", sentence)
    assert (store.pools(), store.revision()) == before


def test_adding_some_present_hosts_reports_them_and_adds_the_rest(cli: Run) -> None:
    cli("pools", "create", "a")
    cli("pools", "add", "a", "rnd-01")

    code, out, err = cli("pools", "add", "a", "rnd-01", "rnd-02")

    assert code == 0
    assert out == "Added rnd-02 to pool 'a'.\n"
    assert err == "rnd-01 was already in pool 'a'.\n"


def test_usage_mistakes_exit_1_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["pools", "add", "onlyname"])

    err = capsys.readouterr().err
    assert stop.value.code == 1
    assert err == (
        "main.py pools add: the following arguments are required: HOST "
        "(see 'main.py pools add --help').\n"
    )


def test_an_unreachable_mongodb_is_one_sentence_within_the_timeout(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AFPOOLS_MONGODB_URI", "mongodb://127.0.0.1:9/?directConnection=true")
    monkeypatch.setenv("AFPOOLS_MONGODB_TIMEOUT", "0.5")

    code = main(["pools", "list"])
    err = capsys.readouterr().err

    assert code == 1
    assert err == "MongoDB at 127.0.0.1:9 cannot be reached (Connection refused).\n"


def test_the_real_entry_point_prints_no_traceback(nx_server: str, database_name: str) -> None:
    env = {
        **os.environ,
        "AFPOOLS_MONGODB_URI": nx_server,
        "AFPOOLS_MONGODB_DATABASE": database_name,
    }
    done = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "pools", "show", "nope"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert (done.returncode, done.stdout, done.stderr) == (
        1,
        "",
        "There is no pool named 'nope'.\n",
    )


@pytest.mark.parametrize(
    "argv",
    [
        ("--help",),
        ("pools", "--help"),
        ("pools", "add", "--help"),
        ("pools", "history", "--help"),
        ("renders", "--help"),
        ("mask", "--help"),
        ("apply", "--help"),
        ("settings", "--help"),
    ],
)
def test_every_command_has_help(argv: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(list(argv))

    assert stop.value.code == 0
    assert capsys.readouterr().out.startswith("usage: main.py")


def test_a_reader_that_stops_early_gets_no_error(
    nx_server: str, database_name: str, store: PoolStore
) -> None:
    """``main.py pools list --json | head -c 10``: more output than a pipe holds, cut short."""
    for index in range(40):
        store.create(f"pool-{index:02d}", hosts=[f"rnd-{index:02d}-{h:03d}" for h in range(100)])
    env = {
        **os.environ,
        "AFPOOLS_MONGODB_URI": nx_server,
        "AFPOOLS_MONGODB_DATABASE": database_name,
    }
    done = subprocess.run(
        f"'{sys.executable}' '{ROOT / 'main.py'}' pools list --json | head -c 10",
        shell=True,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.stdout == "[\n  {\n    "
    assert done.stderr == ""
