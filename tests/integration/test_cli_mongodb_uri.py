"""A MongoDB URI as the admin meets it: secrets hidden, mistakes in one sentence."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cli.app import main
from config.settings import settings_file_path

ROOT = Path(__file__).resolve().parents[2]
SECRET_URI = (
    "mongodb://farm:pw-s3cret@db.studio:27017/?tls=true"
    "&tlsCertificateKeyFile=/etc/afpools/client.pem&tlsCertificateKeyFilePassword=key-s3cret"
)


def run_main(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_settings_shows_no_password_of_the_uri(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AFPOOLS_MONGODB_URI", SECRET_URI)

    _, table, _ = run_main(capsys, "settings")
    _, as_json, _ = run_main(capsys, "settings", "--json")

    assert "s3cret" not in table + as_json
    assert "farm:***@db.studio" in table
    assert "tlsCertificateKeyFilePassword=***" in table
    shown = json.loads(as_json)["options"]["mongodb_uri"]["value"]
    assert shown == SECRET_URI.replace("pw-s3cret", "***").replace("key-s3cret", "***")


@pytest.mark.parametrize(
    "uri",
    [
        "mongodb://farm:pw-s3cret@127.0.0.1:9/",
        "mongodb://127.0.0.1:9/?tlsCertificateKeyFilePassword=key-s3cret",
    ],
)
def test_a_password_on_the_command_line_gets_a_warning(
    capsys: pytest.CaptureFixture[str], uri: str
) -> None:
    code, out, err = run_main(capsys, "--mongodb-uri", uri, "settings")

    assert code == 0
    assert err == (
        "The --mongodb-uri password can be read by every user of this machine (ps); "
        f"set AFPOOLS_MONGODB_URI or mongodb_uri in {settings_file_path()} instead.\n"
    )
    assert "s3cret" not in out + err


def test_a_uri_without_a_password_on_the_command_line_is_fine(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run_main(capsys, "--mongodb-uri", "mongodb://db.studio:27017/", "settings")

    assert (code, err) == (0, "")


@pytest.mark.integration
def test_credentials_for_a_server_without_authentication_are_one_sentence(
    nx_server: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AFPOOLS_MONGODB_URI", nx_server.replace("mongodb://", "mongodb://u:p@", 1))

    code, out, err = run_main(capsys, "pools", "list")

    assert (code, out) == (1, "")
    assert err.endswith(
        " did not accept the user name and password of the URI; "
        "if that server has no authentication, remove 'user:password@' from the URI.\n"
    )
    assert err.startswith("MongoDB at ")
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("options", "sentence"),
    [
        (
            "bogusOption=1",
            "The MongoDB URI has the option 'bogusOption', which pymongo does not know; "
            "remove or correct it.",
        ),
        (
            "directConection=true",
            "The MongoDB URI has the option 'directConection', which pymongo does not know "
            "(did you mean 'directconnection'?); remove or correct it.",
        ),
        ("tls=false&TLS=true", "The MongoDB URI gives the option 'TLS' more than once; keep one."),
        (
            "serverSelectionTimeoutMS=soon",
            "The MongoDB URI 'mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=soon' is not "
            "valid: serverselectiontimeoutms must be an integer or float.",
        ),
    ],
    ids=["unknown", "misspelt", "twice", "unreadable-value"],
)
def test_an_option_pymongo_would_ignore_is_one_sentence_without_a_raw_warning(
    options: str, sentence: str
) -> None:
    env = {**os.environ, "AFPOOLS_MONGODB_URI": f"mongodb://127.0.0.1:9/?{options}"}

    done = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "pools", "list"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert (done.returncode, done.stdout, done.stderr) == (1, "", sentence + "\n")
