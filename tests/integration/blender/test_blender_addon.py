"""The Blender add-on in real Blender (bpy 4.5): it enables inside CGRU's Afanasy panel, lists
the pools of a real ``main.py serve``, writes the token that CGRU's submit then sends, keeps
the artist's text, and says in one line what went wrong without losing anything."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.integration.blender.conftest import RunBlender, jobs_sent
from tests.support.ports import unused_port
from tests.support.serve_process import ServeProcess

pytestmark = [pytest.mark.blender, pytest.mark.integration]

BOTH = """
enable("cgru_tools")
enable("afpools_blender")
scene = bpy.context.scene
row = bpy.types.CGRU_props._dyn_ui_initialize()[-1]
def lines():
    return sentences(drawn(row, bpy.context))
"""

ITEMS = """
def identifiers():
    from afpools_blender import blender_ui
    return [item[0] for item in blender_ui._pool_items(scene, bpy.context)]
"""


def test_the_addon_enables_inside_cgrus_panel(installed: Path, run_blender: RunBlender) -> None:
    result = run_blender(
        BOTH
        + """
RESULT["property"] = "afpools_pool" in bpy.types.Scene.bl_rna.properties
RESULT["operator"] = hasattr(bpy.ops.afpools, "refresh_pools")
RESULT["row"] = [f.__module__ for f in bpy.types.CGRU_props._dyn_ui_initialize()]
RESULT["own panel"] = bpy.types.AFPOOLS_PT_needs_cgru.poll(bpy.context)
RESULT["drawn"] = drawn(row, bpy.context)[:2]
"""
    )
    assert result["property"] and result["operator"]
    assert result["row"][-1] == "afpools_blender.blender_ui"  # appended: CGRU's draw stays
    assert len(result["row"]) == 2
    assert result["own panel"] is False
    assert result["drawn"] == [
        ["prop", "afpools_pool", "Pool"],
        ["operator", "afpools.refresh_pools"],
    ]


def test_pools_come_from_the_service_and_a_pick_keeps_the_artists_text(
    installed: Path, run_blender: RunBlender, pools_served: ServeProcess, tmp_path: Path
) -> None:
    blend = tmp_path / "shot.blend"
    result = run_blender(
        BOTH
        + ITEMS
        + f"""
scene.cgru.hostsmask = "rnd-b, @gpu"
RESULT["refresh"] = sorted(bpy.ops.afpools.refresh_pools())
RESULT["items"] = identifiers()
RESULT["current"] = scene.afpools_pool
scene.afpools_pool = "lighting"
RESULT["picked"] = scene.cgru.hostsmask
scene.afpools_pool = "nuit-é"
RESULT["non-ascii"] = scene.cgru.hostsmask
scene.afpools_pool = " no pool"
RESULT["cleared"] = scene.cgru.hostsmask
scene.afpools_pool = "lighting"
bpy.ops.cgru.submit()
bpy.ops.wm.save_as_mainfile(filepath={str(blend)!r})
""",
        AFPOOLS_SERVICE_URL=pools_served.url,
    )
    assert result["refresh"] == ["FINISHED"]
    assert result["items"] == [" no pool", "gpu", "lighting", "nuit-é"]  # 'night shift': no
    assert result["current"] == "gpu"
    assert result["picked"] == "@lighting rnd-b"
    assert result["non-ascii"] == "@nuit-é rnd-b"
    assert result["cleared"] == "rnd-b"
    assert jobs_sent(tmp_path) == [{"name": "Scene", "hosts_mask": "@lighting rnd-b"}]

    reopened = run_blender(
        BOTH
        + f"""
bpy.ops.wm.open_mainfile(filepath={str(blend)!r})
scene = bpy.context.scene
bpy.ops.afpools.refresh_pools()
RESULT["mask"] = scene.cgru.hostsmask
RESULT["pool"] = scene.afpools_pool
""",
        AFPOOLS_SERVICE_URL=pools_served.url,
    )
    assert reopened == {"mask": "@lighting rnd-b", "pool": "lighting"}


def test_a_service_that_went_down_is_said_in_one_line_and_the_list_stays(
    installed: Path, run_blender: RunBlender, pools_served: ServeProcess
) -> None:
    result = run_blender(
        BOTH
        + ITEMS
        + f"""
import signal, socket, time
bpy.ops.afpools.refresh_pools()
scene.afpools_pool = "gpu"
os.kill({pools_served.process.pid}, signal.SIGTERM)
deadline = time.monotonic() + 60
while time.monotonic() < deadline:  # until the service is gone: a condition, not a pause
    try:
        socket.create_connection(("127.0.0.1", {pools_served.url.rsplit(":", 1)[1]}), 1).close()
    except OSError:
        break
RESULT["refresh"] = sorted(bpy.ops.afpools.refresh_pools())
RESULT["items"] = identifiers()
RESULT["lines"] = lines()
RESULT["widest"] = max(len(e[1]) for e in drawn(row, bpy.context) if e[0] == "label")
RESULT["mask"] = scene.cgru.hostsmask
scene.afpools_pool = "lighting"
RESULT["picked"] = scene.cgru.hostsmask
""",
        AFPOOLS_SERVICE_URL=pools_served.url,
    )
    assert result["refresh"] == ["CANCELLED"]
    assert result["widest"] <= 60  # a long sentence goes on several lines, never cut off
    assert result["items"] == [" no pool", "gpu", "lighting", "nuit-é"]
    assert result["lines"][0] == (
        f"The pool service at {pools_served.url} cannot be reached (Connection refused); "
        "the list is the last one it gave."
    )
    assert result["mask"] == "@gpu"
    assert result["picked"] == "@lighting"


def test_a_service_that_does_not_answer_costs_three_seconds_at_the_most(
    installed: Path, run_blender: RunBlender
) -> None:
    with socket.socket() as silent:  # accepts connections (the kernel does) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        result = run_blender(
            BOTH
            + """
scene.cgru.hostsmask = "@gpu rnd-a"
RESULT["refresh"] = sorted(bpy.ops.afpools.refresh_pools())
RESULT["lines"] = lines()
RESULT["pool"] = scene.afpools_pool
RESULT["mask"] = scene.cgru.hostsmask
""",
            AFPOOLS_SERVICE_URL=url,
        )
    assert result["refresh"] == ["CANCELLED"]
    assert result["lines"] == [f"The pool service at {url} did not answer within 3 s."]
    assert result["pool"] == "gpu"  # the mask's own pool is still shown, and nothing is lost
    assert result["mask"] == "@gpu rnd-a"


def test_the_preferences_url_wins_over_the_environment(
    installed: Path, run_blender: RunBlender, pools_served: ServeProcess
) -> None:
    result = run_blender(
        BOTH
        + f"""
prefs = bpy.context.preferences.addons["afpools_blender"].preferences
prefs.service_url = {pools_served.url!r}
RESULT["refresh"] = sorted(bpy.ops.afpools.refresh_pools())
""",
        AFPOOLS_SERVICE_URL=f"http://127.0.0.1:{unused_port()}",
    )
    assert result["refresh"] == ["FINISHED"]


def test_a_pool_that_no_longer_exists_is_named_and_the_mask_is_kept(
    installed: Path, run_blender: RunBlender, pools_served: ServeProcess
) -> None:
    result = run_blender(
        BOTH
        + ITEMS
        + """
scene.cgru.hostsmask = "@comp rnd-a"
bpy.ops.afpools.refresh_pools()
RESULT["pool"] = scene.afpools_pool
RESULT["labels"] = [item[1] for item in __import__("afpools_blender").blender_ui._items]
RESULT["lines"] = lines()
RESULT["mask"] = scene.cgru.hostsmask
""",
        AFPOOLS_SERVICE_URL=pools_served.url,
    )
    assert result["pool"] == "comp"
    assert result["labels"][-1] == "comp (gone)"
    assert result["lines"] == [
        "The pool 'comp' no longer exists: a job sent with @comp waits until an admin "
        "creates it again; pick another pool.",
        "1 pool cannot be picked here: a name with a space or one of | ; , : cannot be a token.",
    ]
    assert result["mask"] == "@comp rnd-a"


def test_two_tokens_get_a_sentence_and_a_pick_replaces_both(
    installed: Path, run_blender: RunBlender, pools_served: ServeProcess
) -> None:
    result = run_blender(
        BOTH
        + """
scene.cgru.hostsmask = "@gpu @lighting rnd-a"
bpy.ops.afpools.refresh_pools()
RESULT["lines"] = lines()
RESULT["untouched"] = scene.cgru.hostsmask
scene.afpools_pool = "lighting"
RESULT["picked"] = scene.cgru.hostsmask
""",
        AFPOOLS_SERVICE_URL=pools_served.url,
    )
    assert result["lines"][0] == (
        "The hosts mask names 2 pools (@gpu, @lighting), so the job may run in any of them; "
        "picking one here replaces them all."
    )
    assert result["untouched"] == "@gpu @lighting rnd-a"
    assert result["picked"] == "@lighting rnd-a"


def test_a_mask_that_would_not_fit_is_left_whole_with_a_sentence(
    installed: Path, run_blender: RunBlender, pools_served: ServeProcess
) -> None:
    long_mask = "rnd-" + "a" * 500
    result = run_blender(
        BOTH
        + f"""
scene.cgru.hostsmask = {long_mask!r}
bpy.ops.afpools.refresh_pools()
scene.afpools_pool = "lighting"
RESULT["mask"] = scene.cgru.hostsmask
RESULT["lines"] = lines()
""",
        AFPOOLS_SERVICE_URL=pools_served.url,
    )
    assert result["mask"] == long_mask
    assert result["lines"][0] == (
        "The hosts mask would be longer than the 512 bytes its field holds with @lighting "
        "in it, so it was left as it is."
    )


def test_without_cgru_tools_a_small_panel_says_it_is_needed(
    installed: Path, run_blender: RunBlender
) -> None:
    result = run_blender(
        """
enable("afpools_blender")
panel = bpy.types.AFPOOLS_PT_needs_cgru
RESULT["poll"] = panel.poll(bpy.context)
RESULT["drawn"] = drawn(lambda p, c: panel.draw(p, c), bpy.context)
bpy.context.scene.afpools_pool = " no pool"
RESULT["set"] = "no exception"
"""
    )
    assert result == {
        "poll": True,
        "drawn": [
            [
                "label",
                "CGRU Tools is needed: enable CGRU's add-on (cgru_tools) to pick a pool.",
                "ERROR",
            ]
        ],
        "set": "no exception",
    }


def test_cgru_tools_enabled_after_afpools_still_gets_the_row(
    installed: Path, run_blender: RunBlender
) -> None:
    """Blender enables add-ons in name order: afpools_blender comes before cgru_tools."""
    result = run_blender(
        """
from afpools_blender import blender_ui
enable("afpools_blender")
RESULT["own panel before"] = bpy.types.AFPOOLS_PT_needs_cgru.poll(bpy.context)
enable("cgru_tools")
blender_ui.attach_to_cgru()  # what its timer does every second in Blender's UI
blender_ui.attach_to_cgru()
RESULT["row"] = [f.__module__ for f in bpy.types.CGRU_props._dyn_ui_initialize()]
RESULT["own panel after"] = bpy.types.AFPOOLS_PT_needs_cgru.poll(bpy.context)
"""
    )
    assert result == {
        "own panel before": True,
        "row": ["cgru_tools", "afpools_blender.blender_ui"],  # once, however often it looks
        "own panel after": False,
    }
