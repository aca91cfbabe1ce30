"""A real mouse drag on a real X server: ``python -m tests.support.real_drag --mongodb-uri URI``.

Runs in its own process on the display named by DISPLAY (an Xvfb the test started), with
Qt's xcb platform; xdotool moves the pointer (``tests/support/xdotool_drag.py``). Exit code
0 when the host landed in the pool, in the database, and the board shows it there; with
``--copy`` (Ctrl held, from one pool to another) it also stays where it was.
"""

from __future__ import annotations

import argparse
import sys


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mongodb-uri", required=True)
    parser.add_argument("--copy", action="store_true", help="hold Ctrl: copy between pools")
    args = parser.parse_args()

    from storage.store import PoolStore
    from tests.support.xdotool_drag import drag_board

    pools = {"gpu": ["gpu-01"], "lighting": ["rnd-a01"]}
    with drag_board(args.mongodb_uri, (1200, 700), pools) as board:
        window, store = board.window, PoolStore(board.database, user="admin")
        if not board.wait_for(
            lambda: window.session.farm_session.afserver_ok and "gpu" in window.board.columns
        ):
            print("board did not load")
            return 2
        name, from_pool = ("rnd-a01", "lighting") if args.copy else ("rnd-a03", None)
        source = window.board.farm_column if from_pool is None else window.board.columns[from_pool]
        target = window.board.columns["gpu"]
        mouse = board.drag(source.view, name, target.view, ctrl=args.copy)
        landed = board.wait_for(lambda: name in store.pool("gpu").hostnames)
        mouse.join(timeout=30)
        kept = from_pool is None or name in store.pool(from_pool).hostnames
        shown = board.wait_for(lambda: name in target.model.names())
    print(f"landed={landed} shown={shown} kept_in_source={kept}")
    return 0 if landed and shown and kept else 1


if __name__ == "__main__":
    sys.exit(main())
