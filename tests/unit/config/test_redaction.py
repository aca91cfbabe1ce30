"""A MongoDB URI on a screen or in an error shows no password and no secret option."""

from __future__ import annotations

import pytest

from config.redaction import has_secret, redact


@pytest.mark.parametrize(
    ("uri", "shown"),
    [
        ("mongodb://farm:s3cret@db:27017/", "mongodb://farm:***@db:27017/"),
        (
            "mongodb://db/?tls=true&tlsCertificateKeyFile=/k.pem&tlsCertificateKeyFilePassword=s3cret",
            "mongodb://db/?tls=true&tlsCertificateKeyFile=/k.pem&tlsCertificateKeyFilePassword=***",
        ),
        (  # option names are case-insensitive in a URI
            "mongodb://db/?TLSCERTIFICATEKEYFILEPASSWORD=s3cret",
            "mongodb://db/?TLSCERTIFICATEKEYFILEPASSWORD=***",
        ),
        (  # pymongo 3's name of the same option, with ';' between options
            "mongodb://db/?ssl_pem_passphrase=s3cret;ssl=true",
            "mongodb://db/?ssl_pem_passphrase=***;ssl=true",
        ),
        (
            "mongodb://KEYID:s3cret@db/?authMechanism=MONGODB-AWS"
            "&authMechanismProperties=SERVICE_NAME:m,AWS_SESSION_TOKEN:s3cret",
            "mongodb://KEYID:***@db/?authMechanism=MONGODB-AWS"
            "&authMechanismProperties=SERVICE_NAME:m,AWS_SESSION_TOKEN:***",
        ),
        (  # the same, percent-encoded
            "mongodb://db/?authMechanismProperties=AWS_SESSION_TOKEN%3As3cret",
            "mongodb://db/?authMechanismProperties=AWS_SESSION_TOKEN:***",
        ),
        ("mongodb+srv://farm:s3cret@cluster.example/", "mongodb+srv://farm:***@cluster.example/"),
        # Unescaped '?', '/' or '@' in a password: pymongo refuses the URI and shows it.
        ("mongodb://farm:s3?cret@db/", "mongodb://farm:***@db/"),
        ("mongodb://farm:s3/cret@db/", "mongodb://farm:***@db/"),
        ("mongodb://farm:s3@c?r/et@db/", "mongodb://farm:***@db/"),
    ],
)
def test_passwords_and_secret_options_are_hidden(uri: str, shown: str) -> None:
    assert redact(uri) == shown
    assert "s3" not in redact(uri)
    assert has_secret(uri)


@pytest.mark.parametrize(
    "uri",
    [
        "mongodb://db:27017/?directConnection=true",
        "mongodb://farm@db/?authMechanism=MONGODB-X509",
        "mongodb://db1:27017,db2:27017/afpools?replicaSet=rs&appname=board@ws-07",
        "mongodb://db:27017/",
    ],
)
def test_uris_without_secrets_are_shown_whole(uri: str) -> None:
    assert redact(uri) == uri
    assert not has_secret(uri)


def test_every_uri_inside_a_sentence_is_redacted() -> None:
    text = (
        "mongodb://a:one@x/ failed, and so did MONGODB://b:two@y/?tlsCertificateKeyFilePassword=3"
    )

    assert redact(text) == (
        "mongodb://a:***@x/ failed, and so did MONGODB://b:***@y/?tlsCertificateKeyFilePassword=***"
    )
