"""A MongoDB URI as the admin meets it: secrets hidden."""

from __future__ import annotations

import json

import pytest

from cli.app import main
from pools.settings import settings_file_path

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
