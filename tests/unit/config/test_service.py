"""The service draft that both configurators edit: checks, saving, certificates, tokens."""

from __future__ import annotations

import json
import ssl
from pathlib import Path

import pytest

from config.service import ServiceDraft, create_self_signed, new_token
from config.settings import load_settings, settings_file_path
from pools.errors import SettingsError

GOOD = ServiceDraft(host="0.0.0.0", port=51080, legacy_port=9999)


def test_a_draft_starts_from_the_settings() -> None:
    assert ServiceDraft.from_settings(load_settings()) == GOOD


def test_saving_merges_into_the_settings_file_and_keeps_other_options() -> None:
    path = settings_file_path()
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"mongodb_database": "studio"}), encoding="utf-8")
    token = new_token()
    GOOD.with_changes(legacy_port=0, writes=True, write_token=token).save()
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["mongodb_database"] == "studio"
    assert saved["service_legacy_port"] == 0
    assert saved["service_write_token"] == token
    reloaded = load_settings()
    assert reloaded.service_writes is True
    assert reloaded.service_legacy_port == 0


def test_a_draft_with_problems_is_not_saved() -> None:
    with pytest.raises(SettingsError, match="at least 16 characters"):
        GOOD.with_changes(writes=True, write_token="short").save()
    assert not settings_file_path().exists()


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"host": " "}, "cannot be empty"),
        ({"port": 0}, "HTTP port"),
        ({"legacy_port": 70000}, "2019 protocol port"),
        ({"legacy_port": 51080}, "must differ"),
        ({"tls_key": "/no/key.pem"}, "both a certificate"),
        ({"write_token": "has a space in it, which breaks headers"}, "spaces"),
    ],
)
def test_each_problem_is_one_sentence(changes: dict[str, object], words: str) -> None:
    problems = GOOD.with_changes(**changes).problems()
    assert len(problems) == 1
    assert words in problems[0]
    assert problems[0].endswith(".")


def test_tokens_are_long_and_different() -> None:
    tokens = {new_token() for _ in range(20)}
    assert len(tokens) == 20
    assert min(len(t) for t in tokens) >= 40


def test_a_self_signed_certificate_serves_tls_and_is_trusted_as_its_own_ca(
    tmp_path: Path,
) -> None:
    cert, key = create_self_signed(tmp_path, ["pools.studio", "10.1.2.3"])
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert, key)
    client = ssl.create_default_context(cafile=str(cert))
    assert client.get_ca_certs()[0]["subject"] == ((("commonName", "pools.studio"),),)
    assert ("IP Address", "10.1.2.3") in client.get_ca_certs()[0]["subjectAltName"]
    assert GOOD.with_changes(tls_cert=str(cert), tls_key=str(key)).problems() == []
    assert key.stat().st_mode & 0o077 == 0


def test_a_new_certificate_never_overwrites_one_that_plugins_may_trust(tmp_path: Path) -> None:
    first = create_self_signed(tmp_path, ["pools.studio"])
    before = [path.read_bytes() for path in first]
    second = create_self_signed(tmp_path, ["pools.studio"])
    assert set(first).isdisjoint(second)
    assert [path.read_bytes() for path in first] == before
    assert all(path.is_file() for path in second)
    assert second[1].stat().st_mode & 0o077 == 0


def test_a_name_that_cannot_go_into_a_certificate_is_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(SettingsError) as caught:
        create_self_signed(tmp_path / "tls", ["localhost", "rendü-01"])
    assert str(caught.value) == (
        "The host name 'rendü-01' cannot go into a certificate: write it as xn--rend-01-q2a."
    )
    assert not (tmp_path / "tls").exists()


def test_a_folder_that_cannot_be_written_is_one_sentence(tmp_path: Path) -> None:
    taken = tmp_path / "tls"
    taken.write_text("a file where the folder should be", encoding="utf-8")
    with pytest.raises(SettingsError, match=r"cannot be written to .*tls \(file exists\)\.$"):
        create_self_signed(taken, ["localhost"])


def test_tls_files_are_saved_as_absolute_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The service may start anywhere (systemd starts it in /): relative paths break."""
    monkeypatch.chdir(tmp_path)
    cert, key = create_self_signed(Path("tls"), ["localhost"])
    assert not cert.is_absolute()
    GOOD.with_changes(tls_cert=str(cert), tls_key=str(key)).save()
    saved = json.loads(settings_file_path().read_text(encoding="utf-8"))
    assert saved["service_tls_cert"] == str(tmp_path / cert)
    assert saved["service_tls_key"] == str(tmp_path / key)
    assert saved["service_tls_client_ca"] == ""


def test_a_listening_address_that_cannot_be_resolved_is_a_problem() -> None:
    # glibc refuses a name with spaces itself: no DNS query leaves the machine.
    draft = GOOD.with_changes(host="no such host")
    assert draft.problems() == [
        "The listening address 'no such host' cannot be resolved; use one of this machine's "
        "addresses or names, or 0.0.0.0 for every interface."
    ]
    assert draft.problems(resolve=False) == []
    assert GOOD.with_changes(host="::1").problems() == []
