"""The vendorable client names what is wrong before it connects: no traffic leaves here."""

from __future__ import annotations

from pathlib import Path

import pytest

from integrations import client

NOWHERE = "https://127.0.0.1:9"  # never reached: the files are checked first


def failure(**options: str) -> str:
    with pytest.raises(client.PoolServiceError) as caught:
        client.PoolServiceClient(NOWHERE, **options).list_pools()
    return str(caught.value)


def test_a_missing_ca_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "service-cert.pem"
    assert failure(ca_file=str(missing)) == f"The CA file {missing} does not exist."


def test_a_missing_client_certificate_or_key_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "me.pem"
    assert failure(cert_file=str(missing)) == f"The client certificate {missing} does not exist."
    cert = tmp_path / "cert.pem"
    cert.write_text("not a certificate", encoding="utf-8")
    assert failure(cert_file=str(cert), key_file=str(missing)) == (
        f"The client key {missing} does not exist."
    )


def test_a_ca_file_that_is_no_certificate_is_named(tmp_path: Path) -> None:
    garbage = tmp_path / "ca.pem"
    garbage.write_text("not a certificate", encoding="utf-8")
    sentence = failure(ca_file=str(garbage))
    assert sentence.startswith(f"The CA file {garbage} cannot be used (")
    assert sentence.endswith(").")


def test_the_environment_names_the_files_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "ca.pem"
    monkeypatch.setenv("AFPOOLS_SERVICE_CA", str(missing))
    assert failure() == f"The CA file {missing} does not exist."
