"""What Blender sees: ``Scene.afpools_pool``, ``afpools.refresh_pools``, the Pool row drawn
inside CGRU's Afanasy panel (appended to it, never replacing it), the add-on preferences, and
a small panel of its own when CGRU Tools is missing.

A dynamic EnumProperty stores an item's *index*, which would point at another pool once the
list changes. So the property stores nothing: its get and set read and write the token in
``scene.cgru.hostsmask``, which CGRU saves in the .blend and sends with the job.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any

import bpy

from .pool_list import PoolList

if TYPE_CHECKING:
    from integrations import client
else:
    from . import client

CGRU_PANEL = "CGRU_props"  # bl_idname of CGRU's Afanasy panel (cgru_tools/ui.py)
NO_POOL_ID = " no pool"  # holds a space, which no pickable pool name can
NO_CGRU = "CGRU Tools is needed: enable CGRU's add-on (cgru_tools) to pick a pool."
LINE_WIDTH = 60  # Blender cuts a long label off; a sentence goes on several

POOLS = PoolList()
_items: list[tuple[str, str, str, int]] = []  # Blender keeps only pointers to these strings
_problem: dict[str, str] = {}  # the last pick that could not be written, per scene
_drawn_answers = [0]  # the service's answers the panel was last redrawn for


def _preferences(context: Any) -> Any:
    addon = context.preferences.addons.get(__package__) if context else None
    return addon.preferences if addon else None


def service_url(context: Any) -> str | None:
    """The add-on preferences' URL when set, else None: the client resolves it itself."""
    preferences = _preferences(context)
    url = str(getattr(preferences, "service_url", "") or "").strip()
    return url or None


def _hostsmask(scene: Any) -> str | None:
    cgru = getattr(scene, "cgru", None)
    return None if cgru is None else str(getattr(cgru, "hostsmask", ""))


def _choice(scene: Any) -> dict[str, Any]:
    return client.pool_choice(POOLS.names, _hostsmask(scene) or "")


def _pool_items(scene: Any, _context: Any) -> list[tuple[str, str, str, int]]:
    choice = _choice(scene)
    missing = set(choice["missing"])
    items = [(NO_POOL_ID, "No pool", "Take every @pool token out of the hosts mask", 0)]
    for number, name in enumerate(choice["pools"], start=1):
        label = f"{name} (gone)" if name in missing else name
        items.append((name, label, f"Write @{name} into the hosts mask", number))
    _items[:] = items
    return _items


def _get_pool(scene: Any) -> int:
    current = _choice(scene)["current"]
    for identifier, _label, _description, number in _pool_items(scene, None):
        if identifier == current:
            return number
    return 0


def _set_pool(scene: Any, number: int) -> None:
    chosen = next((item[0] for item in _pool_items(scene, None) if item[3] == number), NO_POOL_ID)
    mask = _hostsmask(scene)
    if mask is None:
        _problem[scene.name] = NO_CGRU
        return
    limit = scene.cgru.bl_rna.properties["hostsmask"].length_max
    try:
        scene.cgru.hostsmask = client.mask_with_pool(
            mask, "" if chosen == NO_POOL_ID else chosen, max_bytes=limit - 1 if limit else None
        )
    except client.PoolTokenError as error:
        _problem[scene.name] = str(error)
    else:
        _problem.pop(scene.name, None)


def status_lines(scene: Any) -> list[str]:
    """What the Pool row says under the choice, each one sentence."""
    lines = [] if _problem.get(scene.name) is None else [_problem[scene.name]]
    if POOLS.error:
        lines.append(POOLS.error)
    elif POOLS.names is None:
        lines.append("Asking the pool service..." if POOLS.asking else "Press the refresh button.")
    lines += _choice(scene)["notes"]
    return lines


class AFPOOLS_OT_refresh_pools(bpy.types.Operator):  # noqa: N801 - Blender's naming
    """Ask the pool service for its pools (waits 3 s at the most)"""

    bl_idname = "afpools.refresh_pools"
    bl_label = "Refresh Pools"

    def execute(self, context: Any) -> set[str]:
        try:
            filled = POOLS.refresh(service_url(context))
        except Exception as error:  # nothing may reach Blender's UI as an exception
            self.report({"WARNING"}, f"afpools: {error}")
            return {"CANCELLED"}
        for area in getattr(context.screen, "areas", ()) if context.screen else ():
            area.tag_redraw()
        if not filled:
            self.report({"WARNING"}, POOLS.error or "The pool service did not answer.")
            return {"CANCELLED"}
        return {"FINISHED"}


def draw_pool_row(panel: Any, context: Any) -> None:
    """Drawn at the end of CGRU's Afanasy panel."""
    layout = panel.layout
    try:
        column = layout.column(align=True)
        row = column.row(align=True)
        row.prop(context.scene, "afpools_pool", text="Pool")
        row.operator(AFPOOLS_OT_refresh_pools.bl_idname, text="", icon="FILE_REFRESH")
        for sentence in status_lines(context.scene):
            for number, line in enumerate(textwrap.wrap(sentence, LINE_WIDTH)):
                column.label(text=line, icon="INFO" if number == 0 else "BLANK1")
    except Exception as error:
        layout.label(text=f"afpools: {error}", icon="ERROR")


class AFPOOLS_PT_needs_cgru(bpy.types.Panel):  # noqa: N801 - Blender's naming
    bl_label = "Afanasy Pool"
    bl_space_type = "PROPERTIES"
    bl_region_type = "WINDOW"
    bl_context = "render"

    @classmethod
    def poll(cls, context: Any) -> bool:
        return getattr(bpy.types, CGRU_PANEL, None) is None

    def draw(self, context: Any) -> None:
        self.layout.label(text=NO_CGRU, icon="ERROR")


class AfpoolsPreferences(bpy.types.AddonPreferences):
    bl_idname = __package__

    service_url: bpy.props.StringProperty(  # type: ignore[valid-type]
        name="Pool service URL",
        description=(
            "Empty: AFPOOLS_SERVICE_URL, CGRU's afpools_service_url, then "
            "http://<af_servername>:51080"
        ),
        default="",
    )

    def draw(self, context: Any) -> None:
        self.layout.prop(self, "service_url")
        try:
            self.layout.label(text=f"Asking {client.service_url(service_url(context))}")
        except client.PoolServiceError as error:
            self.layout.label(text=str(error), icon="ERROR")


def attach_to_cgru() -> float:
    """Put the Pool row into CGRU's panel, whenever that panel is (re)registered; as a
    timer, also redraw the Properties editors once an answer from the service came in."""
    panel = getattr(bpy.types, CGRU_PANEL, None)
    if panel is not None and draw_pool_row not in panel._dyn_ui_initialize():
        panel.append(draw_pool_row)
    if POOLS.answers != _drawn_answers[0]:
        _drawn_answers[0] = POOLS.answers
        manager = getattr(bpy.context, "window_manager", None)
        for window in getattr(manager, "windows", ()):
            for area in window.screen.areas:
                if area.type == "PROPERTIES":
                    area.tag_redraw()
    return 1.0  # look again in 1 s (CGRU's add-on may be enabled after ours)


@bpy.app.handlers.persistent
def _on_load_post(*_args: Any) -> None:
    attach_to_cgru()


CLASSES = (AfpoolsPreferences, AFPOOLS_OT_refresh_pools, AFPOOLS_PT_needs_cgru)


def register() -> None:
    for cls in CLASSES:
        bpy.utils.register_class(cls)
    bpy.types.Scene.afpools_pool = bpy.props.EnumProperty(
        name="Pool",
        description="The render pool, written as @pool into the Afanasy hosts mask",
        items=_pool_items,
        get=_get_pool,
        set=_set_pool,
    )
    attach_to_cgru()
    bpy.app.timers.register(attach_to_cgru, first_interval=1.0, persistent=True)
    bpy.app.handlers.load_post.append(_on_load_post)
    POOLS.refresh_in_background(service_url(bpy.context))


def unregister() -> None:
    if bpy.app.timers.is_registered(attach_to_cgru):
        bpy.app.timers.unregister(attach_to_cgru)
    if _on_load_post in bpy.app.handlers.load_post:
        bpy.app.handlers.load_post.remove(_on_load_post)
    panel = getattr(bpy.types, CGRU_PANEL, None)
    if panel is not None and draw_pool_row in panel._dyn_ui_initialize():
        panel.remove(draw_pool_row)
    del bpy.types.Scene.afpools_pool
    for cls in reversed(CLASSES):
        bpy.utils.unregister_class(cls)
