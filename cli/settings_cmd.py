"""``main.py settings``: every option, its value and where the value came from.

``main.py settings import-2019 PATH`` takes the MongoDB address of the 2019 tool's
``poolmanager/config.json`` into afpools' settings file.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from cli.common import EXIT_OK, Parser, json_flag
from cli.output import notice, print_json, print_line, print_table
from config.import_2019 import Import2019, describe_change, import_2019_settings
from config.redaction import redact
from config.settings import Settings, options, settings_file_path
from storage.embedded_access import protection


def register(commands: Any) -> None:
    text = "Show every setting, its value and where it came from."
    more = " With import-2019 PATH, use the 2019 tool's MongoDB instead."
    parser = commands.add_parser("settings", help=text, description=text + more)
    json_flag(parser)
    parser.set_defaults(handler=_settings)
    actions = parser.add_subparsers(dest="settings_command", metavar="ACTION", parser_class=Parser)
    text = (
        "Use the MongoDB of the 2019 'Afanasy Pools Support' tool: read its "
        "poolmanager/config.json into afpools' settings file (other options stay)."
    )
    imported = actions.add_parser("import-2019", help=text, description=text)
    imported.add_argument(
        "path",
        metavar="PATH",
        type=Path,
        help="the 2019 config.json, or its folder "
        "($CGRU_LOCATION/utilities/poolssupport/poolmanager)",
    )
    json_flag(imported)
    imported.set_defaults(handler=_import_2019)


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
                "database": _database(settings),
                "options": {name: {"value": v, "from": src, "help": h} for name, v, src, h in rows},
            }
        )
        return EXIT_OK
    print_line(f"Settings file: {settings_file_path()}")
    print_table(("OPTION", "VALUE", "FROM", "MEANING"), [(n, repr(v), s, h) for n, v, s, h in rows])
    print_line(f"Database: {_database(settings)}.")
    return EXIT_OK


def _database(settings: Settings) -> str:
    """Where the pools are, and for the embedded server, who can reach it."""
    if settings.mongodb_uri:
        return f"MongoDB at {redact(settings.mongodb_uri)}"
    return (
        f"the embedded nx-27017 in {settings.embedded_data_dir()}, reached through {protection()}"
    )


def _import_2019(args: argparse.Namespace, settings: Settings) -> int:
    done = import_2019_settings(args.path)
    for change in done.changes:
        source = settings.sources.get(change.name, "default")
        if source not in ("default", str(done.settings_file)):
            notice(
                f"{change.name} comes from {source}, which wins over the settings file; "
                "without it, afpools uses the 2019 database."
            )
    if args.json:
        print_json(_import_json(done))
        return EXIT_OK
    print_line(f"Read the 2019 Pool Manager's settings from {done.source}.")
    print_line(f"In {done.settings_file}:")
    for change in done.changes:
        print_line(f"  {describe_change(change)}.")
    if done.kept:
        print_line(f"  kept as they were: {', '.join(done.kept)}.")
    if done.backup is not None:
        print_line(f"The file as it was before is in {done.backup}.")
    return EXIT_OK


def _import_json(done: Import2019) -> dict[str, Any]:
    return {
        "source": str(done.source),
        "settings_file": str(done.settings_file),
        "set": {
            c.name: {"was": None if c.before is None else redact(c.before), "now": redact(c.after)}
            for c in done.changes
        },
        "kept": list(done.kept),
        "backup": None if done.backup is None else str(done.backup),
    }
