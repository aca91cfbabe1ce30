"""How a benchmark that measures a flat set of figures prints them: JSON or a two-column table."""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping
from typing import Any


def bench_arguments(doc: str | None, **counts: int) -> argparse.Namespace:
    """``--json``, and ``--NAME N`` for each count given with its default."""
    parser = argparse.ArgumentParser(
        description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    for name, default in counts.items():
        parser.add_argument(f"--{name}", type=int, default=default)
    return parser.parse_args()


def print_figures(figures: Mapping[str, Any], *, as_json: bool, width: int) -> None:
    """``--json``: one indented object; otherwise a table whose names take ``width``."""
    if as_json:
        print(json.dumps(figures, indent=2))
        return
    print(f"{'measure':<{width}} {'value':>10}")
    for key, value in figures.items():
        print(f"{key:<{width}} {value:>10}")
