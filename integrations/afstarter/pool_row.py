"""The Pool combo that joins AfStarter's dialog, right after its hosts mask field.

The mask is the truth: the combo shows the pool that ``fields['hostsmask']`` names, follows
the field as the artist types or loads a preset, and a pick rewrites the field with
``client.mask_with_pool`` and lets AfStarter evaluate its command again. The pools are
fetched in a thread (the store or the service can take seconds) and collected by a timer on
the UI thread, so nothing here depends on the Qt binding beyond widgets, a timer and signals
that every binding has. The last pick is remembered between runs in a small JSON file.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from integrations import client

NO_POOL_LABEL = "No pool"
GONE = " (gone)"
COLLECT_MS = 50  # how often the UI thread looks whether the pools have arrived
PoolSource = Callable[[], list[str]]


class PoolMemory:
    """The last pick, kept between runs; a file that cannot be read counts as none."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> str | None:
        try:
            value = json.loads(self.path.read_text(encoding="utf-8")).get("pool")
        except (OSError, ValueError, AttributeError):
            return None
        return value if isinstance(value, str) else None

    def write(self, pool: str) -> str | None:
        """Remember ``pool`` ('' for none); a sentence when the file cannot be written."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_text(json.dumps({"pool": pool}), encoding="utf-8")
        except OSError as error:
            return f"The pick cannot be remembered in {self.path} ({error.strerror})."
        return None


def is_afstarter(widget: Any) -> bool:
    fields = getattr(widget, "fields", None)
    return isinstance(fields, dict) and "hostsmask" in fields


class PoolRow:
    def __init__(
        self, dialog: Any, qt_core: Any, qt_widgets: Any, pools: PoolSource, memory: PoolMemory
    ) -> None:
        self.dialog = dialog
        self.layout_class = qt_widgets.QLayout
        self.field = dialog.fields["hostsmask"]
        self.memory = memory
        self.names: list[str] | None = None
        self.error: str | None = None
        self.problem: str | None = None
        self.combo = qt_widgets.QComboBox(dialog)
        self.combo.setObjectName("afpools_pool")
        self.combo.setToolTip("The render pool: writes @pool into the hosts mask")
        policy = getattr(qt_widgets.QComboBox, "SizeAdjustPolicy", qt_widgets.QComboBox)
        self.combo.setSizeAdjustPolicy(policy.AdjustToContents)  # pools arrive after show
        self.note = qt_widgets.QLabel(dialog)
        self.note.setObjectName("afpools_note")
        self.note.setWordWrap(True)
        self._place(qt_widgets.QLabel("Pool:", dialog))
        self.combo.activated.connect(self._on_combo_activated)
        self.field.textChanged.connect(self._on_field_text_changed)
        self.field.textEdited.connect(self._on_field_text_edited)
        self._restore()
        self._show()
        self._answer: dict[str, Any] = {}
        worker = threading.Thread(target=self._fetch, args=(pools,), name="afpools-pools")
        worker.daemon = True  # the app may close while the store or the service hangs
        worker.start()
        self.timer = qt_core.QTimer(dialog)
        self.timer.setInterval(COLLECT_MS)
        self.timer.timeout.connect(self._on_timer_timeout)
        self.timer.start()

    # -- building ------------------------------------------------------------------------

    def _place(self, label: Any) -> None:
        """Label and combo right after the mask field; the note on a line under that row."""
        for layout in self.dialog.findChildren(self.layout_class):
            index = layout.indexOf(self.field)
            if index < 0:
                continue
            layout.insertWidget(index + 1, label)
            layout.insertWidget(index + 2, self.combo)
            for outer in self.dialog.findChildren(self.layout_class):
                for position in range(outer.count()):
                    if outer.itemAt(position).layout() is layout:
                        outer.insertWidget(position + 1, self.note)
                        return
            layout.addWidget(self.note)
            return
        raise RuntimeError("AfStarter's hosts mask field is in no layout")

    def _restore(self) -> None:
        """A mask without a token gets the pool picked last time (the field stays the truth)."""
        remembered = self.memory.read()
        if remembered and not client.mask_pools(self.field.text()):
            self._write(remembered)

    # -- what the artist does ------------------------------------------------------------

    def _on_combo_activated(self, index: int) -> None:
        pool = self.combo.itemData(index) or ""
        if self._write(str(pool)):
            self.problem = self.memory.write(str(pool))
        self._show()

    def _on_field_text_changed(self, _text: str) -> None:
        self._show()

    def _on_field_text_edited(self, text: str) -> None:
        pools = client.mask_pools(text)
        self.problem = self.memory.write(pools[0] if pools else "")
        self._show()

    def _write(self, pool: str) -> bool:
        try:
            mask = client.mask_with_pool(self.field.text(), pool)
        except client.PoolTokenError as error:
            self.problem = str(error)
            return False
        self.field.setText(mask)
        evaluate = getattr(self.dialog, "evaluate", None)
        if callable(evaluate):
            evaluate()  # AfStarter rebuilds its command on textEdited only
        return True

    # -- the pools -----------------------------------------------------------------------

    def _fetch(self, pools: PoolSource) -> None:
        try:
            self._answer["names"] = list(pools())
        except Exception as error:  # the store's or the service's sentence
            self._answer["error"] = str(error) or type(error).__name__

    def _on_timer_timeout(self) -> None:
        if not self._answer:
            return
        self.timer.stop()
        self.names = self._answer.get("names")
        self.error = self._answer.get("error")
        self._show()

    def _show(self) -> None:
        choice = client.pool_choice(self.names, self.field.text())
        self.combo.blockSignals(True)
        self.combo.clear()
        self.combo.addItem(NO_POOL_LABEL, "")
        for name in choice["pools"]:
            self.combo.addItem(name + GONE if name in choice["missing"] else name, name)
        current = choice["current"]
        self.combo.setCurrentIndex(choice["pools"].index(current) + 1 if current else 0)
        self.combo.blockSignals(False)
        lines = [self.problem] if self.problem else []
        if self.error:
            lines.append(self.error)
        elif self.names is None:
            lines.append("Asking for the pools...")
        lines += choice["notes"]
        self.note.setText(" ".join(line for line in lines if line))
        self.note.setVisible(bool(lines))
