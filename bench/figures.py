"""How a benchmark that measures a flat set of figures prints them: JSON or a two-column table."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


def print_figures(figures: Mapping[str, Any], *, as_json: bool, width: int) -> None:
    """``--json``: one indented object; otherwise a table whose names take ``width``."""
    if as_json:
        print(json.dumps(figures, indent=2))
        return
    print(f"{'measure':<{width}} {'value':>10}")
    for key, value in figures.items():
        print(f"{key:<{width}} {value:>10}")
