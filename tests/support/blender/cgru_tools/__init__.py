"""A stand-in for CGRU's Blender add-on ``cgru_tools`` (3.4.1), with the names afpools uses:
``Scene.cgru`` with ``hostsmask`` (512 bytes, like CGRU's) and ``hostsmaskexclude``, the
Afanasy panel ``CGRU_props`` and the operator ``cgru.submit``. Instead of sending a job to
afserver, ``cgru.submit`` appends the job it would send, as JSON, to the file named by
``CGRU_STANDIN_JOBS``: what CGRU's operator sets (``setHostsMask`` only for a non-empty mask).
Like CGRU's, ``register`` reads ``CGRU_LOCATION``.
"""

import json
import os
from pathlib import Path

import bpy

bl_info = {"name": "CGRU Tools (test stand-in)", "blender": (4, 2, 0), "category": "Tools"}


class CGRUProperties(bpy.types.PropertyGroup):
    jobname: bpy.props.StringProperty(name="Job Name", maxlen=512, default="")
    hostsmask: bpy.props.StringProperty(name="Hosts Mask", maxlen=512, default="")
    hostsmaskexclude: bpy.props.StringProperty(name="Exclude Hosts", maxlen=512, default="")


class RENDER_PT_Afanasy(bpy.types.Panel):  # noqa: N801 - CGRU's own class name
    bl_idname = "CGRU_props"
    bl_label = "Afanasy"
    bl_space_type = "PROPERTIES"
    bl_region_type = "WINDOW"
    bl_context = "render"

    def draw(self, context):
        self.layout.prop(context.scene.cgru, "hostsmask")
        self.layout.operator("cgru.submit")


class CGRU_Submit(bpy.types.Operator):  # noqa: N801 - CGRU's own class name
    bl_idname = "cgru.submit"
    bl_label = "Submit Job"

    def execute(self, context):
        props = context.scene.cgru
        job = {"name": props.jobname or context.scene.name}
        if props.hostsmask != "":
            job["hosts_mask"] = props.hostsmask
        if props.hostsmaskexclude != "":
            job["hosts_mask_exclude"] = props.hostsmaskexclude
        with Path(os.environ["CGRU_STANDIN_JOBS"]).open("a", encoding="utf-8") as jobs:
            jobs.write(json.dumps(job) + "\n")
        return {"FINISHED"}


def register():
    os.environ["CGRU_LOCATION"]  # CGRU's add-on needs it at register time
    bpy.utils.register_class(CGRUProperties)
    bpy.utils.register_class(RENDER_PT_Afanasy)
    bpy.utils.register_class(CGRU_Submit)
    bpy.types.Scene.cgru = bpy.props.PointerProperty(type=CGRUProperties)


def unregister():
    del bpy.types.Scene.cgru
    bpy.utils.unregister_class(CGRU_Submit)
    bpy.utils.unregister_class(RENDER_PT_Afanasy)
    bpy.utils.unregister_class(CGRUProperties)
