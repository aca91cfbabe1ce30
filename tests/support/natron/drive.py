# -*- coding: utf-8 -*-
"""Natron's side of a test, under Python 3 or 2.7: ``drive.py PLUGIN_DIR SCENARIO``.

Runs PLUGIN_DIR/init.py as Natron does (in ``__main__``, with the folder on sys.path), then
plays SCENARIO through the NatronEngine stand-in and prints what the artist would see as JSON
on its last line.
"""

from __future__ import print_function

import json
import os
import sys
import threading

PLUGIN = sys.argv[1]
SCENARIO = sys.argv[2]
sys.path[:0] = [PLUGIN, os.path.dirname(os.path.abspath(__file__))]

import __main__

import afanasy_standin
import NatronEngine

natron = NatronEngine.natron
settings = natron.getSettings()
if SCENARIO == "studio":
    settings.getParam("afterProjectCreated").set("studio.on_project_created")

INIT = os.path.join(PLUGIN, "init.py")
with open(INIT) as init:
    exec(compile(init.read(), INIT, "exec"), __main__.__dict__)
for thread in threading.enumerate():
    if thread.name == "afpools-pools":
        thread.join(30)

out = {"settings": {n: settings.getParam(n).get() for n in settings.params}}


def text(value):
    """What Natron hands back: UTF-8 bytes on Python 2.7 (as afpools sets them there)."""
    return value.decode("utf-8") if isinstance(value, bytes) else value


def options(node):
    choice = node.getParam("afpools_pool")
    return [text(choice.getOption(i)) for i in range(choice.getNumOptions())]


def shown(node):
    return {
        "options": options(node),
        "current": options(node)[node.getParam("afpools_pool").get()],
        "status": text(node.getParam("afpools_status").get()),
        "mask": text(node.getParam("af_hostsmask").get()),
    }


if SCENARIO == "new project":
    app = natron.new_project()
    out["node callback"] = app.getProjectParam("afterNodeCreated").get()
    node = app.createNode("cgru.afanasy")
    out["created"] = shown(node)
    out["page"] = node.page_of("afpools_pool")
    node.user_sets("af_hostsmask", "rnd-b, @gpu")
    out["typed"] = shown(node)
    node.user_sets("afpools_pool", options(node).index("lighting"))
    out["picked"] = shown(node)
    node.user_sets("afpools_pool", options(node).index(text("nuit-é")))
    out["non-ascii"] = shown(node)["mask"]
    node.user_sets("afpools_pool", options(node).index("lighting"))
    node.press("afanasy_button_send_job")
    out["sent"] = [{k: text(v) for k, v in job.items()} for job in afanasy_standin.SENT]
    node.user_sets("afpools_pool", 0)
    out["cleared"] = shown(node)

elif SCENARIO in ("loaded project", "down"):

    def build(app):
        old = app.add_node("cgru.afanasy")
        old.getParam("af_hostsmask").value = "@comp @gpu rnd-a"

    loaded = natron.load_project(build)
    node = loaded.getChildren()[0]
    out["loaded"] = shown(node)
    node.press("afpools_refresh")
    out["refreshed"] = shown(node)
    node.press("afanasy_button_send_job")
    out["sent"] = [{k: text(v) for k, v in job.items()} for job in afanasy_standin.SENT]

print(json.dumps(out))
