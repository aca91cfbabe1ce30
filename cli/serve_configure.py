"""``main.py serve --configure``: the pool service's set-up as questions on the terminal.

The questions fill a ``ServiceDraft``; the draft checks itself and saves itself, exactly as
the board's dialog does, so both say the same sentences and write the same settings.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path

from cli.common import EXIT_OK, EXIT_USER_ERROR
from config.service import (
    DEFAULT_LEGACY_PORT,
    ServiceDraft,
    create_self_signed,
    default_tls_folder,
    new_token,
)
from config.settings import Settings, settings_file_path
from pools.errors import AfpoolsError, SettingsError

Ask = Callable[[str], str]


def configure(settings: Settings, ask: Ask = input, say: Callable[[str], None] = print) -> int:
    """Ask, check, and save on confirmation; returns the exit code."""
    draft = ServiceDraft.from_settings(settings)
    token_before = draft.write_token
    say("Pool service set-up. Press Enter to keep the value in brackets.")
    try:
        while True:
            draft = _questions(draft, ask, say)
            problems = draft.problems()
            if not problems:
                break
            for problem in problems:
                say(f"  ! {problem}")
            if not _yes(ask, "Go through the questions again?", True):
                say("Nothing was saved.")
                return EXIT_USER_ERROR
        _summary(draft, say)
        if not _yes(ask, f"Save to {settings_file_path()}?", True):
            say("Nothing was saved.")
            return EXIT_OK
    except EOFError:
        raise AfpoolsError("The set-up ended before it was complete; nothing was saved.") from None
    path = draft.save()
    say(f"Saved to {path}. Start the service with 'main.py serve'.")
    if draft.writes:
        _tell_token(draft.write_token, token_before, say)
    return EXIT_OK


def _tell_token(token: str, before: str, say: Callable[[str], None]) -> None:
    """Show a new token once; a kept one stays off the screen (and out of screenshots)."""
    if token != before:
        say(f"Farm scripts write with the header: Authorization: Bearer {token}")
    else:
        say(f"Farm scripts keep their write token (not shown; it is in {settings_file_path()}).")


def _questions(draft: ServiceDraft, ask: Ask, say: Callable[[str], None]) -> ServiceDraft:
    host = _text(ask, "Address to listen on (0.0.0.0 = every interface)", draft.host)
    port = _number(ask, say, "HTTP port", draft.port, allow_zero=False)
    legacy_port = 0
    if _yes(ask, "Answer the 2019 'GET POOLS' protocol for old plugins?", draft.legacy_port > 0):
        legacy_port = _number(
            ask, say, "2019 protocol port", draft.legacy_port or DEFAULT_LEGACY_PORT
        )
    cert, key, client_ca = draft.tls_cert, draft.tls_key, draft.tls_client_ca
    if _yes(ask, "Use TLS on both ports?", draft.tls):
        made = None
        if _yes(ask, "Create a new self-signed certificate?", not draft.tls):
            made = _new_certificate(ask, say)
        if made is not None:
            cert, key = made
        else:
            cert = _path(ask, "Certificate file (PEM)", cert)
            key = _path(ask, "Key file (PEM)", key)
        client_ca = _path(
            ask, "CA file that client certificates must come from (- for none)", client_ca
        )
    else:
        cert = key = client_ca = ""
    token = draft.write_token
    writes = _yes(
        ask, "Let farm scripts create, delete and edit pools (with a token)?", draft.writes
    )
    if writes:
        choice = _text(ask, "Write token (new = generate one)", "keep" if token else "new")
        if choice == "new" or (choice == "keep" and not token):
            token = new_token()
        elif choice != "keep":
            token = choice
    return ServiceDraft(
        host=host,
        port=port,
        legacy_port=legacy_port,
        tls_cert=cert,
        tls_key=key,
        tls_client_ca=client_ca,
        writes=writes,
        write_token=token,
    )


def _new_certificate(ask: Ask, say: Callable[[str], None]) -> tuple[str, str] | None:
    """New files (existing ones stay as they are); None when they cannot be made."""
    names = _text(ask, "Host names or addresses it is for, comma-separated", _this_host())
    try:
        cert, key = create_self_signed(default_tls_folder(), [n.strip() for n in names.split(",")])
    except SettingsError as error:
        say(f"  ! {error}")
        return None
    say(f"  Wrote {cert} and {key}; clients use the certificate as CA file.")
    return str(cert), str(key)


def _summary(draft: ServiceDraft, say: Callable[[str], None]) -> None:
    scheme = "https" if draft.tls else "http"
    say(f"  HTTP API:       {scheme}://{draft.host}:{draft.port}/v1/")
    legacy = f"port {draft.legacy_port}" if draft.legacy_port else "off"
    say(f"  2019 protocol:  {legacy}")
    if draft.tls:
        say(f"  TLS:            {draft.tls_cert} / {draft.tls_key}")
        say(f"  client certs:   {draft.tls_client_ca or 'not required'}")
    say(f"  writes:         {'on, with a bearer token' if draft.writes else 'off'}")


def _text(ask: Ask, question: str, current: str) -> str:
    answer = ask(f"{question} [{current}]: ").strip()
    return answer or current


def _path(ask: Ask, question: str, current: str) -> str:
    answer = _text(ask, question, current or "-")
    return "" if answer == "-" else str(Path(answer).expanduser())


def _number(
    ask: Ask, say: Callable[[str], None], question: str, current: int, *, allow_zero: bool = False
) -> int:
    while True:
        answer = _text(ask, question, str(current))
        if answer.isdigit() and (allow_zero or int(answer) > 0) and int(answer) < 65536:
            return int(answer)
        say("  Please type a port number from 1 to 65535.")


def _yes(ask: Ask, question: str, default: bool) -> bool:
    hint = "Y/n" if default else "y/N"
    while True:
        answer = ask(f"{question} [{hint}]: ").strip().lower()
        if not answer:
            return default
        if answer in ("y", "yes"):
            return True
        if answer in ("n", "no"):
            return False


def _this_host() -> str:
    return socket.getfqdn() or socket.gethostname() or "localhost"
