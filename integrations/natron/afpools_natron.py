# -*- coding: utf-8 -*-
"""A Pool choice on CGRU's Afanasy nodes in Natron (Python 2.7 and 3).

The choice only edits the node's ``af_hostsmask``, which CGRU's own code sends with the job:
picking a pool writes ``@pool`` there (``afpools_client.mask_with_pool``), and afpools'
agent makes the job exact on afserver. Nothing of CGRU's is patched: CGRU's Natron modules
are reloaded by its own menu commands. Natron callbacks do the work instead:

- "After project created" and "Default after project loaded" (Natron's preferences) call
  :func:`on_project`, which sets the project's "After node created" callback and adds the
  choice to the Afanasy nodes a loaded project already has. A callback the studio set is
  never replaced: a line in the script editor says how to call afpools from it.
- Each Afanasy node's "param changed" callback becomes :func:`on_param_changed`, which calls
  the one that was there (CGRU's, kept in a hidden parameter of the node) and then handles
  the Pool choice, its Refresh button and edits of the hosts mask by hand.

No exception reaches Natron: what goes wrong is one sentence in the node's status line.
"""

from __future__ import absolute_import, division, print_function

import sys
import threading

import NatronEngine

TYPE_CHECKING = False
if TYPE_CHECKING:  # type comments only: Python 2.7 has no typing module
    from typing import Any, Dict, List, Optional  # noqa: F401

    from integrations import client as afpools_client
else:
    import afpools_client

PLUGIN_ID = "cgru.afanasy"  # CGRU's Afanasy group (plugins/natron/afanasyGroup.py)
MASK = "af_hostsmask"
PAGE = "scheduling"  # the page that holds the hosts mask
CHOICE = "afpools_pool"  # never "af_...": CGRU sends every "af_" parameter with the job
REFRESH = "afpools_refresh"
STATUS = "afpools_status"
CHAINED = "afpools_chained_callback"  # the node's own param-changed callback, kept here
NO_POOL = "No pool"
GONE = " (gone)"
ON_PROJECT = "afpools_natron.on_project"
ON_NODE_CREATED = "afpools_natron.on_node_created"
ON_PARAM_CHANGED = "afpools_natron.on_param_changed"
PROJECT_SETTINGS = ("afterProjectCreated", "defOnProjectLoaded")
WAIT = 3.0  # seconds the Refresh button may keep Natron waiting for the service
_PY2 = sys.version_info[0] < 3

_cache = {"names": None, "error": None}  # type: Dict[str, Any]
_lock = threading.Lock()


def install():
    # type: () -> None
    """From init.py: register the project callbacks, ask the service in the background."""
    settings = NatronEngine.natron.getSettings()
    for name in PROJECT_SETTINGS:
        _claim(settings.getParam(name), ON_PROJECT, "the preference " + name, "(app)")
    for index in range(NatronEngine.natron.getNumInstances()):
        on_project(NatronEngine.natron.getInstance(index))
    thread = threading.Thread(target=refresh, name="afpools-pools")
    thread.daemon = True  # Natron must be able to quit while the service hangs
    thread.start()


def refresh():
    # type: () -> bool
    """Ask the pool service for its pools; the list stays as it was when it cannot answer."""
    try:
        names = [pool["name"] for pool in afpools_client.list_pools(timeout=WAIT)]
    except Exception as error:  # a thread's exception would only print a traceback
        sentence = _sentence(error)
        with _lock:
            kept = "; the list is the last one it gave" if _cache["names"] is not None else ""
            _cache["error"] = sentence.rstrip(".") + kept + "."
        return False
    with _lock:
        _cache["names"] = names
        _cache["error"] = None
    return True


def on_project(app):
    # type: (Any) -> None
    """After a project is created or loaded: follow new nodes, dress the existing ones."""
    _guarded(None, _on_project, app)


def on_node_created(thisNode, app, userEdited):  # noqa: N803 - Natron passes by name
    # type: (Any, Any, bool) -> None
    if thisNode.getPluginID() == PLUGIN_ID:
        _guarded(thisNode, dress, thisNode)


def on_param_changed(thisParam, thisNode, thisGroup, app, userEdited):  # noqa: N803
    # type: (Any, Any, Any, Any, bool) -> None
    chained = thisNode.getParam(CHAINED)
    callback = None
    if chained is not None and chained.getValue():
        try:
            callback = _resolve(chained.getValue())
        except Exception as error:
            _status(thisNode, "afpools cannot call the node's own callback: %s" % _text(error))
    if callback is not None:  # CGRU's own errors stay CGRU's, as without afpools
        callback(thisParam, thisNode, thisGroup, app, userEdited)
    name = thisParam.getScriptName()
    if name == CHOICE and userEdited:
        _guarded(thisNode, _pick, thisNode)
    elif name == REFRESH:
        _guarded(thisNode, _refresh_node, thisNode)
    elif name == MASK:
        _guarded(thisNode, show, thisNode)


def dress(node):
    # type: (Any) -> None
    """Give an Afanasy node the Pool choice (once) and take over its param-changed callback."""
    if node.getParam(CHOICE) is None:
        choice = node.createChoiceParam(CHOICE, "Pool")
        choice.setHelp("Writes @pool into the hosts mask; afpools keeps the job in the pool.")
        choice.setAddNewLine(False)
        button = node.createButtonParam(REFRESH, "Refresh pools")
        status = node.createStringParam(STATUS, "")
        status.setType(NatronEngine.StringParam.TypeEnum.eStringTypeLabel)
        chained = node.createStringParam(CHAINED, "")
        chained.setVisible(False)
        page = node.getParam(PAGE)
        for param in (choice, button, status, chained):
            param.setEvaluateOnChange(False)
            param.setAnimationEnabled(False)
            if page is not None:
                page.addParam(param)
        node.refreshUserParamsGUI()
    callback = node.onParamChanged.get()
    if callback != ON_PARAM_CHANGED:
        node.getParam(CHAINED).setValue(callback)
        node.onParamChanged.set(ON_PARAM_CHANGED)
    show(node)


def show(node):
    # type: (Any) -> None
    """Set the choice's options and value from the node's mask, and its status line."""
    with _lock:
        names, error = _cache["names"], _cache["error"]
    mask = node.getParam(MASK).getValue()
    choice = afpools_client.pool_choice(names, mask)
    options = [NO_POOL] + [
        name + GONE if name in choice["missing"] else name for name in choice["pools"]
    ]
    param = node.getParam(CHOICE)
    param.setOptions([(_native(option), "") for option in options])
    current = choice["current"]
    param.setValue(choice["pools"].index(current) + 1 if current else 0)
    lines = ([error] if error else []) + choice["notes"]
    if names is None and not error:
        lines.append("Press Refresh pools to ask the pool service.")
    _status(node, " ".join(lines))


def _pick(node):
    # type: (Any) -> None
    param = node.getParam(CHOICE)
    label = _text(param.getOption(param.getValue()))
    pool = "" if label == NO_POOL else label[: -len(GONE)] if label.endswith(GONE) else label
    mask = node.getParam(MASK)
    mask.setValue(_native(afpools_client.mask_with_pool(mask.getValue(), pool)))
    show(node)


def _refresh_node(node):
    # type: (Any) -> None
    refresh()
    show(node)


def _on_project(app):
    # type: (Any) -> None
    _claim(app.getProjectParam("afterNodeCreated"), ON_NODE_CREATED, "this project's", "(...)")
    for node in _nodes(app):
        if node.getPluginID() == PLUGIN_ID:
            _guarded(node, dress, node)


def _nodes(parent):
    # type: (Any) -> List[Any]
    found = []  # type: List[Any]
    for node in parent.getChildren() or []:
        found.append(node)
        if hasattr(node, "getChildren"):
            found.extend(_nodes(node))
    return found


def _claim(param, callback, where, arguments):
    # type: (Any, str, str, str) -> None
    """Set a callback parameter to ours unless someone else's is there; then say how."""
    if param is None:
        return
    current = _text(param.getValue())
    if not current:
        param.setValue(callback)
    elif current != callback:
        print(
            "afpools: %s callback is %s; call %s%s from it to get the Pool choice."
            % (where, current, callback, arguments)
        )


def _resolve(name):
    # type: (Any) -> Any
    """The callback that Natron would call by this name (``module.function``, in __main__)."""
    parts = [str(part) for part in _text(name).split(".")]
    found = getattr(sys.modules.get("__main__"), parts[0], None) or sys.modules.get(parts[0])
    if found is None:
        found = __import__(parts[0])
    for part in parts[1:]:
        found = getattr(found, part)
    return found


def _guarded(node, action, *arguments):
    # type: (Any, Any, *Any) -> None
    """Run ``action``; a failure becomes the node's status line, never an exception."""
    try:
        action(*arguments)
    except Exception as error:
        sentence = _sentence(error)
        if node is not None and node.getParam(STATUS) is not None:
            _status(node, sentence)
        else:
            print(_native(sentence))


def _sentence(error):
    # type: (Exception) -> Any
    if isinstance(error, afpools_client.PoolServiceError):
        return _text(error)
    return "afpools: %s (%s)" % (_text(error), type(error).__name__)


def _status(node, text):
    # type: (Any, Any) -> None
    node.getParam(STATUS).setValue(_native(text))


def _text(value):
    # type: (Any) -> Any
    if _PY2 and isinstance(value, Exception):
        value = value.__unicode__() if hasattr(value, "__unicode__") else str(value)
    elif isinstance(value, Exception):
        value = str(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


def _native(text):
    # type: (Any) -> Any
    """What Natron's parameters take: UTF-8 bytes on Python 2.7, text on 3."""
    if _PY2 and not isinstance(text, bytes):
        return text.encode("utf-8")
    return text
