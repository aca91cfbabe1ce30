# -*- coding: utf-8 -*-
"""A stand-in for the parts of Natron's ``NatronEngine`` that afpools' init script uses (our
own reading of Natron 2.x's Python reference, Python 2.7 and 3).

Like Natron, it calls callbacks by name (``module.function``, looked up in ``__main__`` and
then among the imported modules): a parameter's change calls its node's ``onParamChanged``
with ``userEdited`` False when a script set it and True when the artist did
(:meth:`Effect.user_sets`, :meth:`Effect.press`); a new project calls the preference
``afterProjectCreated``, a loaded one its ``afterProjectLoad`` (the preference
``defOnProjectLoaded`` for new projects); ``App.createNode`` calls ``afterNodeCreated``.
Values are checked as Natron's bindings check them: text for a string parameter, an index
in range for a choice.
"""

from __future__ import print_function

import sys

_TEXT = (type(""), str)


def call_by_name(name, *arguments):
    parts = name.split(".")
    found = getattr(sys.modules["__main__"], parts[0], None) or sys.modules.get(parts[0])
    if found is None:
        found = __import__(parts[0])
    for part in parts[1:]:
        found = getattr(found, part)
    found(*arguments)


class Param(object):
    def __init__(self, holder, name, label=""):
        self.holder = holder
        self.name = name
        self.label = label
        self.value = ""
        self.visible = True
        self.help = ""

    def getScriptName(self):
        return self.name

    def getValue(self):
        return self.value

    get = getValue

    def _check(self, value):
        if not isinstance(value, _TEXT):
            raise TypeError("%s takes text, not %r" % (self.name, value))

    def setValue(self, value, userEdited=False):
        self._check(value)
        self.value = value
        if self.holder is not None:
            self.holder.changed(self, userEdited)

    set = setValue

    def setHelp(self, text):
        self.help = text

    def setVisible(self, visible):
        self.visible = visible

    def setAddNewLine(self, _new_line):
        pass

    def setEvaluateOnChange(self, _evaluate):
        pass

    def setAnimationEnabled(self, _enabled):
        pass


class StringParam(Param):
    class TypeEnum(object):
        eStringTypeDefault = "default"
        eStringTypeLabel = "label"

    kind = "default"

    def setType(self, kind):
        self.kind = kind


class ChoiceParam(Param):
    def __init__(self, holder, name, label=""):
        Param.__init__(self, holder, name, label)
        self.value = 0
        self.options = []

    def _check(self, value):
        if not isinstance(value, int) or not 0 <= value < max(len(self.options), 1):
            raise ValueError("%s has no option %r" % (self.name, value))

    def setOptions(self, options):
        for label, help_text in options:
            Param._check(self, label)
            Param._check(self, help_text)
        self.options = list(options)

    def getOption(self, index):
        return self.options[index][0]

    def getNumOptions(self):
        return len(self.options)


class ButtonParam(Param):
    pass


class PageParam(Param):
    def __init__(self, holder, name, label=""):
        Param.__init__(self, holder, name, label)
        self.params = []

    def addParam(self, param):
        self.params.append(param)


class Effect(object):
    def __init__(self, app, plugin_id, script_name):
        self.app = app
        self.plugin_id = plugin_id
        self.script_name = script_name
        self.params = []
        self.onParamChanged = Param(None, "onParamChanged")
        self.gui_refreshes = 0

    def getPluginID(self):
        return self.plugin_id

    def getScriptName(self):
        return self.script_name

    def getParam(self, name):
        return next((param for param in self.params if param.name == name), None)

    def getParams(self):
        return list(self.params)

    def _create(self, kind, name, label):
        if self.getParam(name) is not None:
            raise ValueError("%s already has a parameter %s" % (self.script_name, name))
        param = kind(self, name, label)
        self.params.append(param)
        return param

    def createStringParam(self, name, label):
        return self._create(StringParam, name, label)

    def createChoiceParam(self, name, label):
        return self._create(ChoiceParam, name, label)

    def createButtonParam(self, name, label):
        return self._create(ButtonParam, name, label)

    def createPageParam(self, name, label):
        return self._create(PageParam, name, label)

    def refreshUserParamsGUI(self):
        self.gui_refreshes += 1

    def changed(self, param, userEdited):
        callback = self.onParamChanged.get()
        if callback:
            call_by_name(callback, param, self, self.app, self.app, userEdited)

    def user_sets(self, name, value):
        """The artist changes a parameter in the node's panel."""
        self.getParam(name).setValue(value, userEdited=True)

    def press(self, name):
        self.changed(self.getParam(name), True)

    def page_of(self, name):
        pages = [p for p in self.params if isinstance(p, PageParam)]
        return next((p.name for p in pages if any(q.name == name for q in p.params)), None)


class App(object):
    plugins = {}  # plugin ID -> function(app, node) that builds the node, as a PyPlug does

    def __init__(self):
        self.children = []
        self.project = {
            name: Param(None, name) for name in ("afterNodeCreated", "afterProjectLoad")
        }

    def getProjectParam(self, name):
        return self.project.get(name)

    def getChildren(self):
        return list(self.children)

    def add_node(self, plugin_id):
        node = Effect(self, plugin_id, "%s%d" % (plugin_id.split(".")[-1], len(self.children)))
        App.plugins[plugin_id](self, node)
        self.children.append(node)
        return node

    def createNode(self, plugin_id):
        node = self.add_node(plugin_id)
        callback = self.project["afterNodeCreated"].get()
        if callback:
            call_by_name(callback, node, self, True)
        return node


class AppSettings(object):
    def __init__(self):
        names = ("afterProjectCreated", "defOnProjectLoaded", "defOnNodeCreated")
        self.params = {name: Param(None, name) for name in names}

    def getParam(self, name):
        return self.params.get(name)


class PyCoreApplication(object):
    def __init__(self):
        self.settings = AppSettings()
        self.instances = []

    def getSettings(self):
        return self.settings

    def getNumInstances(self):
        return len(self.instances)

    def getInstance(self, index):
        return self.instances[index]

    def isBackground(self):
        return True

    def new_project(self):
        app = App()
        self.instances.append(app)
        app.project["afterProjectLoad"].value = self.settings.getParam("defOnProjectLoaded").get()
        callback = self.settings.getParam("afterProjectCreated").get()
        if callback:
            call_by_name(callback, app)
        return app

    def load_project(self, build, after_project_load=None):
        """A saved project: ``build(app)`` makes its nodes (no node callbacks, as on load),
        then the project's own afterProjectLoad runs (None: what the project was saved with
        when the preference gave it a default)."""
        app = App()
        self.instances.append(app)
        build(app)
        callback = after_project_load
        if callback is None:
            callback = self.settings.getParam("defOnProjectLoaded").get()
        app.project["afterProjectLoad"].value = callback
        if callback:
            call_by_name(callback, app)
        return app


natron = PyCoreApplication()
