"""``main.py settings``: every option, its value and where the value came from."""

from __future__ import annotations

import argparse
from typing import Any

from cli.app import EXIT_OK, json_flag
from cli.output import print_json, print_line, print_table
from pools.redaction import redact
from pools.settings import Settings, options, settings_file_path


def register(commands: Any) -> None:
    text = "Show every setting, its value and where it came from."
    parser = commands.add_parser("settings", help=text, description=text)
    json_flag(parser)
    parser.set_defaults(handler=_settings)


def _shown(name: str, value: object) -> object:
    """Secrets are not printed: a token on a screen is a token in a screenshot."""
    if name.endswith("token") and value:
        return "(set, not shown)"
    if name.endswith("_uri") and isinstance(value, str):
        return redact(value)
    return value


def _settings(args: argparse.Namespace, settings: Settings) -> int:
    rows = [
        (
            o.name,
            _shown(o.name, getattr(settings, o.name)),
            settings.sources.get(o.name, "default"),
            o.metadata["help"],
        )
        for o in options()
    ]
    if args.json:
        print_json(
            {
                "settings_file": str(settings_file_path()),
                "options": {name: {"value": v, "from": src, "help": h} for name, v, src, h in rows},
            }
        )
        return EXIT_OK
    print_line(f"Settings file: {settings_file_path()}")
    print_table(("OPTION", "VALUE", "FROM", "MEANING"), [(n, repr(v), s, h) for n, v, s, h in rows])
    return EXIT_OK
