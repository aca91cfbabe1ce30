"""afpools' Pool choice inside CGRU's Afanasy panel (``main.py install-blender`` installs it).

The add-on only edits ``scene.cgru.hostsmask``: picking a pool writes ``@pool`` there, and
afpools' agent makes the submitted job exact on afserver. CGRU's own add-on (cgru_tools)
builds and sends the job, unchanged. ``client.py`` beside this file is afpools'
``integrations/client.py``, copied in by the installer.
"""

bl_info = {
    "name": "afpools: render pools for CGRU's Afanasy",
    "author": "afpools",
    "version": (1, 0, 0),
    "blender": (4, 2, 0),
    "location": "Properties > Render > Afanasy > Pool",
    "description": "Pick a render pool in CGRU's Afanasy panel: writes @pool into its hosts mask",
    "category": "Render",
}


def register() -> None:
    # bpy is imported here, not at the top, so that the pool list can be tested without it.
    from . import blender_ui

    blender_ui.register()


def unregister() -> None:
    from . import blender_ui

    blender_ui.unregister()
