"""A real mouse drag between two native pool columns on a real X server (Xvfb):
``python -m tests.support.native_drag --mongodb-uri URI``.

Runs in its own process on the display named by DISPLAY, with Qt's xcb platform; xdotool
moves the pointer (``tests/support/xdotool_drag.py``). Exit code 0 when the render is in the
target pool on the afserver stand-in, moved by exactly one ``set_pool`` action, and the
board shows it there.
"""

from __future__ import annotations

import argparse
import sys


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mongodb-uri", required=True)
    args = parser.parse_args()

    from manager.native_face import NATIVE_TAB
    from tests.support.xdotool_drag import drag_board

    with drag_board(args.mongodb_uri, (1400, 700), poll_interval=0.3) as board:
        window, server = board.window, board.server
        if not board.wait_for(lambda: window.session.native.supported):
            print("the native view did not come")
            return 2
        window.native.tabs.setCurrentIndex(NATIVE_TAB)
        columns = window.native.view.columns
        if not board.wait_for(
            lambda: "/cpu" in columns and "gpu-01" in columns["/gpu"].model.names()
        ):
            print("the native columns did not fill")
            return 2
        source, target = columns["/gpu"], columns["/cpu"]
        mouse = board.drag(source.view, "gpu-01", target.view)
        landed = board.wait_for(lambda: server.farm.render("gpu-01")["pool"] == "/cpu")
        mouse.join(timeout=30)
        shown = board.wait_for(
            lambda: "gpu-01" in target.model.names() and not source.model.names()
        )
        actions = server.actions("set_pool")
    print(f"landed={landed} shown={shown} set_pool_actions={len(actions)}")
    return 0 if landed and shown and len(actions) == 1 else 1


if __name__ == "__main__":
    sys.exit(main())
