# -*- coding: utf-8 -*-
"""A stand-in for CGRU's Natron Afanasy node (plugins/natron/afanasyGroup.py and afanasy.py of
CGRU 3.4.1, read, not copied): the "scheduling" page with ``af_hostsmask``, a Send button,
and a param-changed callback that, on Send, collects every parameter whose name starts with
``af_`` into the job it would send (appended to ``SENT``), as CGRU's getAfParams does."""

import NatronEngine

PLUGIN_ID = "cgru.afanasy"
SENT = []


def create_instance(app, node):
    page = node.createPageParam("scheduling", "Scheduling")
    for name, label in (("af_hostsmask", "Hosts Mask"), ("af_hostsmask_exclude", "Exclude")):
        page.addParam(node.createStringParam(name, label))
    general = node.createPageParam("general", "General")
    general.addParam(node.createStringParam("af_job_name", "Afanasy Job Name"))
    general.addParam(node.createButtonParam("afanasy_button_send_job", "Send Afanasy Job"))
    node.refreshUserParamsGUI()
    node.onParamChanged.set("afanasy_standin.onParamChanged")


def onParamChanged(thisParam, thisNode, thisGroup, app, userEdited):
    if thisParam.getScriptName() == "afanasy_button_send_job":
        job = {}
        for param in thisNode.getParams():
            if param.getScriptName().find("af_") == 0:
                job[param.getScriptName()] = param.getValue()
        SENT.append(job)


NatronEngine.App.plugins[PLUGIN_ID] = create_instance
