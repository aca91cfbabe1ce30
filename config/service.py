"""The pool service's configuration as an admin edits it: one draft, checked, then saved.

``main.py serve --configure`` and the board's dialog both edit a :class:`ServiceDraft`, so
they check the same things, say the same sentences and write the same settings. The TLS
context the service runs with is built here too: what the draft accepts, the service loads.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import secrets
import socket
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from config.settings import Settings, user_config_dir, write_settings_file
from pools.errors import SettingsError

TOKEN_MIN_LENGTH = 16
DEFAULT_LEGACY_PORT = 9999


@dataclass(frozen=True)
class ServiceDraft:
    """The options an admin sets for ``main.py serve``; the rest keep their defaults."""

    host: str
    port: int
    legacy_port: int  # 0: the 2019 listener is off
    tls_cert: str = ""
    tls_key: str = ""
    tls_client_ca: str = ""
    writes: bool = False
    write_token: str = ""

    @classmethod
    def from_settings(cls, settings: Settings) -> ServiceDraft:
        return cls(
            host=settings.service_host,
            port=settings.service_port,
            legacy_port=settings.service_legacy_port,
            tls_cert=settings.service_tls_cert,
            tls_key=settings.service_tls_key,
            tls_client_ca=settings.service_tls_client_ca,
            writes=settings.service_writes,
            write_token=settings.service_write_token,
        )

    @property
    def tls(self) -> bool:
        return bool(self.tls_cert or self.tls_key)

    def with_changes(self, **changes: Any) -> ServiceDraft:
        return replace(self, **changes)

    def problems(self, *, resolve: bool = True) -> list[str]:
        """Every reason the draft cannot be saved, one sentence each; empty means fine.

        ``resolve=False`` skips looking the listening address up (a name may need DNS):
        the dialog checks on every keystroke, and resolves only when saving.
        """
        found: list[str] = []
        host = self.host.strip()
        if not host:
            found.append("The listening address cannot be empty; 0.0.0.0 means every interface.")
        elif resolve and not _resolvable(host):
            found.append(
                f"The listening address '{host}' cannot be resolved; use one of this "
                "machine's addresses or names, or 0.0.0.0 for every interface."
            )
        found += _port_problems("HTTP port", self.port, allow_off=False)
        found += _port_problems("2019 protocol port", self.legacy_port, allow_off=True)
        if self.legacy_port and self.legacy_port == self.port:
            found.append("The HTTP port and the 2019 protocol port must differ.")
        if self.tls:
            try:
                server_tls_context(self.tls_cert, self.tls_key, self.tls_client_ca)
            except SettingsError as error:
                found.append(str(error))
        elif self.tls_client_ca:
            found.append("Client certificates need TLS: set a certificate and a key too.")
        if self.writes and len(self.write_token) < TOKEN_MIN_LENGTH:
            found.append(
                f"Writes need a token of at least {TOKEN_MIN_LENGTH} characters; generate one."
            )
        if self.write_token and any(ch.isspace() for ch in self.write_token):
            found.append("The write token cannot contain spaces.")
        return found

    def changes(self) -> dict[str, Any]:
        """The settings-file entries this draft stands for.

        TLS files are saved as absolute paths: the service is often started elsewhere (by
        systemd, from /), where a path relative to the admin's folder means nothing.
        """
        return {
            "service_host": self.host.strip(),
            "service_port": self.port,
            "service_legacy_port": self.legacy_port,
            "service_tls_cert": _absolute(self.tls_cert),
            "service_tls_key": _absolute(self.tls_key),
            "service_tls_client_ca": _absolute(self.tls_client_ca),
            "service_writes": self.writes,
            "service_write_token": self.write_token,
        }

    def save(self, env: Mapping[str, str] | None = None) -> Path:
        """Write the draft into the settings file; refuses a draft that has problems."""
        found = self.problems()
        if found:
            raise SettingsError(found[0])
        return write_settings_file(self.changes(), env)


def _absolute(path: str) -> str:
    return str(Path(path).expanduser().resolve()) if path.strip() else ""


def _resolvable(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return True
    try:
        socket.getaddrinfo(host, None, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError):
        return False
    return True


def _port_problems(label: str, port: int, *, allow_off: bool) -> list[str]:
    if allow_off and port == 0:
        return []
    if not 0 < port < 65536:
        return [f"The {label} must be between 1 and 65535, not {port}."]
    return []


def new_token() -> str:
    """A write token nobody will guess: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def server_tls_context(cert: str, key: str, client_ca: str = "") -> ssl.SSLContext:
    """The service's TLS context; with ``client_ca``, clients must show a certificate."""
    if not cert or not key:
        raise SettingsError("TLS needs both a certificate file and its key file.")
    cert, key, client_ca = (str(Path(p).expanduser()) if p else "" for p in (cert, key, client_ca))
    for label, path in (("certificate", cert), ("key", key), ("client CA", client_ca)):
        if path and not Path(path).is_file():
            raise SettingsError(f"The TLS {label} file {path} does not exist.")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(cert, key)
    except (ssl.SSLError, OSError) as error:
        raise SettingsError(
            f"The TLS certificate {cert} and key {key} cannot be used together ({_reason(error)})."
        ) from None
    if client_ca:
        try:
            context.load_verify_locations(cafile=client_ca)
        except (ssl.SSLError, OSError) as error:
            raise SettingsError(
                f"The client CA file {client_ca} cannot be read ({_reason(error)})."
            ) from None
        context.verify_mode = ssl.CERT_REQUIRED
    return context


def _reason(error: Exception) -> str:
    text = getattr(error, "reason", None) or getattr(error, "strerror", None) or str(error)
    return str(text).replace("_", " ").lower().rstrip(".")


def default_tls_folder(env: Mapping[str, str] | None = None) -> Path:
    return user_config_dir(env) / "tls"


def create_self_signed(
    folder: Path, hostnames: Sequence[str], *, days: int = 3650
) -> tuple[Path, Path]:
    """A self-signed certificate and its key for ``hostnames`` (names or IP addresses).

    Clients trust it by using the certificate file itself as their CA file. RSA 2048 keeps
    the Pythons inside render plugins (2.7 with an old OpenSSL, in Natron) able to talk to
    it; the key file is readable by its owner only. The files get new names (the time they
    were made): a certificate that plugins trust is never overwritten, and the settings
    point at the new one only when the admin saves them.
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    names = list(dict.fromkeys(n.strip() for n in hostnames if n.strip()))
    if not names:
        raise SettingsError("A certificate needs at least one host name or address.")
    alternative = [_alternative_name(name) for name in names]
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0][:64])])
    now = datetime.datetime.now(datetime.UTC)
    public = key.public_key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.SubjectAlternativeName(alternative), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=True,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(public), critical=False)
    )
    try:
        certificate = builder.sign(key, hashes.SHA256())
    except ValueError as error:
        raise SettingsError(f"The certificate cannot be made ({_reason(error)}).") from None
    key_bytes = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    cert_bytes = certificate.public_bytes(serialization.Encoding.PEM)
    try:
        return _write_new_pair(folder, cert_bytes, key_bytes)
    except OSError as error:
        raise SettingsError(
            f"The certificate cannot be written to {folder} ({_reason(error)})."
        ) from None


def _alternative_name(name: str) -> Any:
    """An IP address or a DNS name for the certificate; a name must be in its ASCII form."""
    from cryptography import x509

    try:
        return x509.IPAddress(ipaddress.ip_address(name))
    except ValueError:
        pass
    try:
        return x509.DNSName(name)
    except ValueError:
        pass
    try:
        ascii_form = name.encode("idna").decode("ascii")
    except UnicodeError:
        ascii_form = ""
    hint = f": write it as {ascii_form}" if ascii_form and ascii_form != name else ""
    raise SettingsError(f"The host name '{name}' cannot go into a certificate{hint}.")


def _write_new_pair(folder: Path, cert_bytes: bytes, key_bytes: bytes) -> tuple[Path, Path]:
    """Write both files under names no file has yet; nothing that exists is touched."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    for attempt in range(1, 1000):
        suffix = stamp if attempt == 1 else f"{stamp}-{attempt}"
        cert_path = folder / f"service-cert-{suffix}.pem"
        key_path = folder / f"service-key-{suffix}.pem"
        try:
            _create(key_path, key_bytes, 0o600)
        except FileExistsError:
            continue
        try:
            _create(cert_path, cert_bytes, 0o644)
        except FileExistsError:
            key_path.unlink()
            continue
        return cert_path, key_path
    raise FileExistsError(f"too many certificates made at {stamp}")


def _create(path: Path, data: bytes, mode: int) -> None:
    """Create ``path`` (never replace it) with ``mode`` from the start, and write ``data``."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
