"""Runs one Blender test's body in bpy's own Python: ``python blender_harness.py BODY.py``.

The body sees ``bpy``, ``RESULT`` (a dict it fills; printed as JSON at the end), ``enable``
(an add-on by module name, found through BLENDER_USER_SCRIPTS) and ``drawn`` (what a draw
function puts into a panel, recorded, since background Blender has no real layout). bpy can
hang when the interpreter exits, so this always ends with ``os._exit``.
"""

import json
import os
import sys
import traceback
from pathlib import Path

RESULT = {}
MARK = "AFPOOLS-RESULT "


def finish(code):
    sys.stdout.write("\n" + MARK + json.dumps(RESULT) + "\n")
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


class Recorder:
    """Stands in for bpy.types.UILayout: records what is drawn, in order."""

    def __init__(self):
        self.drawn = []

    def column(self, **_options):
        return self

    def row(self, **_options):
        return self

    def prop(self, data, name, text=None, **_options):
        self.drawn.append(["prop", name, text])

    def operator(self, idname, **_options):
        self.drawn.append(["operator", idname])

    def label(self, text="", icon="NONE", **_options):
        self.drawn.append(["label", text, icon])


class _Panel:
    def __init__(self):
        self.layout = Recorder()


def drawn(draw, context):
    panel = _Panel()
    draw(panel, context)
    return panel.layout.drawn


def sentences(drawn_entries):
    """The labels read as sentences: a label with icon BLANK1 goes on the one before."""
    found = []
    for entry in drawn_entries:
        if entry[0] == "label" and entry[2] == "BLANK1" and found:
            found[-1] += " " + entry[1]
        elif entry[0] == "label":
            found.append(entry[1])
    return found


def enable(module):
    import addon_utils

    if addon_utils.enable(module, default_set=True, handle_error=None) is None:
        raise RuntimeError("add-on " + module + " did not enable")


try:
    import bpy

    body = Path(sys.argv[1]).read_text(encoding="utf-8")
    names = {"bpy": bpy, "RESULT": RESULT, "enable": enable, "drawn": drawn, "os": os}
    names["sentences"] = sentences
    exec(compile(body, sys.argv[1], "exec"), names)
except BaseException:
    RESULT["traceback"] = traceback.format_exc()
    finish(1)
finish(0)
