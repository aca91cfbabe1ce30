"""Drives the AfStarter stand-in as an artist would, once its event loop runs: the stand-in
calls ``start(app, dialog, QtCore, QtWidgets)``. ``AFSTARTER_STEPS`` lists what to do,
comma-separated: ``pick:NAME``, ``type:TEXT``, ``start``; what the artist saw is written as
JSON to ``AFSTARTER_RESULT`` and the app quits."""

import json
import os
import time
import traceback
from pathlib import Path

from PyQt5.QtTest import QTest


def start(app, dialog, QtCore, QtWidgets):  # noqa: N803 - Qt's module names
    seen_by_step = {}

    def wait_for(condition, what, timeout=30.0):
        """Let the app run until ``condition`` holds (a deadline, not a pause)."""
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError("timed out waiting for " + what)
            app.processEvents(QtCore.QEventLoop.AllEvents, 20)
            QtCore.QThread.msleep(5)

    def row_of(field):
        for layout in dialog.findChildren(QtWidgets.QHBoxLayout):
            if layout.indexOf(field) >= 0:
                widgets = [layout.itemAt(i).widget() for i in range(layout.count())]
                return [
                    w.text()
                    if isinstance(w, QtWidgets.QLabel)
                    else w.objectName() or type(w).__name__
                    for w in widgets
                ]
        return []

    def seen(combo, note, field):
        return {
            "items": [combo.itemText(i) for i in range(combo.count())],
            "current": combo.currentText(),
            "mask": field.text(),
            "note": note.text() if note.isVisible() else "",
            "command": dialog.teCmd.toPlainText(),
        }

    def run():
        try:
            combo = dialog.findChild(QtWidgets.QComboBox, "afpools_pool")
            note = dialog.findChild(QtWidgets.QLabel, "afpools_note")
            field = dialog.fields["hostsmask"]
            seen_by_step["row"] = row_of(field)
            seen_by_step["first"] = seen(combo, note, field)
            wait_for(lambda: "Asking" not in note.text(), "the pools")
            seen_by_step["loaded"] = seen(combo, note, field)
            for step in filter(None, os.environ.get("AFSTARTER_STEPS", "").split(",")):
                verb, _, value = step.partition(":")
                if verb == "pick":
                    combo.activated.emit(combo.findData(value))  # what a pick in the list emits
                elif verb == "type":
                    field.selectAll()
                    QTest.keyClicks(field, value)
                elif verb == "start":
                    dialog.bStart.click()
                    wait_for(lambda: dialog.exit_code is not None, "afjob.py to finish")
                    seen_by_step["afjob"] = [dialog.exit_code, dialog.output.strip()]
                seen_by_step[step] = seen(combo, note, field)
        except BaseException:
            seen_by_step["traceback"] = traceback.format_exc()
        finally:
            result = Path(os.environ["AFSTARTER_RESULT"])
            result.write_text(json.dumps(seen_by_step), encoding="utf-8")
            app.quit()

    QtCore.QTimer.singleShot(0, run)
