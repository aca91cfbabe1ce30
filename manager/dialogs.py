"""Small dialogs of the board: a pool's name, description and colour; hosts typed by name."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable

from PyQt5.QtGui import QColor
from PyQt5.QtWidgets import (
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from manager import theme
from pools.errors import InvalidNameError
from pools.hostnames import hostname_problem, hostname_remark
from pools.model import normalize_pool_name
from pools.tokens import untypeable_warning
from pools.wording import plural

FARM_ONLY = "(Farm column only, no pool)"


class PoolForm(QDialog):
    """New pool, or edit one: the name is checked as it is typed."""

    def __init__(
        self,
        title: str,
        taken: Iterable[str],
        *,
        name: str = "",
        description: str = "",
        color: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        self._taken = {t.casefold(): t for t in taken if t != name}
        self.name_edit = QLineEdit(name)
        self.name_edit.setPlaceholderText("lighting, gpu, comp-nodes…")
        self.description_edit = QLineEdit(description)
        self.description_edit.setPlaceholderText("optional: what the pool is for")
        self.color = color
        self.swatch = QLabel()  # the colour the pool will have, as every board shows it
        self.swatch.setFixedSize(28, 20)
        self.color_button = QPushButton("Choose…")
        self.color_button.clicked.connect(self._pick_color)
        self.clear_color = QPushButton("By name")
        self.clear_color.setToolTip("No colour of its own: one picked by the pool's name")
        self.clear_color.clicked.connect(lambda: self._set_color(""))
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #ff8a80;")
        self.note = QLabel()  # what will be stored, when it is not exactly what was typed
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #9aa5ad;")
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        color_row = QHBoxLayout()
        color_row.addWidget(self.swatch)
        color_row.addWidget(self.color_button)
        color_row.addWidget(self.clear_color)
        color_row.addStretch(1)
        form = QFormLayout()
        form.addRow("Name", self.name_edit)
        form.addRow("Description", self.description_edit)
        form.addRow("Colour", color_row)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.note)
        layout.addWidget(self.buttons)
        self.name_edit.textChanged.connect(self._validate)
        self.name_edit.textChanged.connect(self._show_color)
        self._set_color(color)
        self._validate()

    def _pick_color(self) -> None:
        chosen = QColorDialog.getColor(QColor(self.color or "#5c9ded"), self, "Pool colour")
        if chosen.isValid():
            self._set_color(chosen.name())

    def _set_color(self, color: str) -> None:
        self.color = color
        self.clear_color.setEnabled(bool(color))
        self._show_color()

    def _show_color(self) -> None:
        """Without a colour of its own a pool's colour follows its name: so does the swatch."""
        shown = theme.pool_color(self.name, self.color)
        self.swatch.setStyleSheet(
            f"background: {shown.name()}; border: 1px solid #15181b; border-radius: 3px;"
        )
        self.swatch.setToolTip(shown.name() if self.color else f"{shown.name()}, by name")

    def _validate(self) -> None:
        text = self.name_edit.text()
        sentence = note = ""
        if text.strip():
            try:
                name = normalize_pool_name(text)
                if name.casefold() in self._taken:
                    sentence = f"A pool named '{self._taken[name.casefold()]}' already exists."
                else:
                    trimmed = (
                        f"The spaces around it are left out: the pool is named '{name}'."
                        if name != text
                        else ""
                    )
                    note = " ".join(s for s in (trimmed, untypeable_warning(name)) if s)
            except InvalidNameError as error:
                sentence = str(error)
        self.problem.setText(sentence)
        self.note.setText(note)
        if self.note.isVisibleTo(self) != bool(note):
            self.note.setVisible(bool(note))
            self.adjustSize()  # room for the note's lines, or none without it
        self.buttons.button(QDialogButtonBox.Ok).setEnabled(bool(text.strip()) and not sentence)

    @property
    def name(self) -> str:
        return self.name_edit.text().strip()

    @property
    def description(self) -> str:
        return self.description_edit.text().strip()


def split_names(text: str) -> list[str]:
    """Names separated by spaces, commas, semicolons or new lines."""
    return [part for part in re.split(r"[\s,;]+", text) if part]


class AddHostsDialog(QDialog):
    """Machines that are switched off can join pools by name; each name is checked.

    A name the farm already knows (afserver reports it, a scan found it) is taken as it is;
    a new name must be one a machine can have, and an unusual one gets a remark.
    """

    def __init__(
        self,
        pools: list[str],
        current: str | None,
        parent: QWidget | None = None,
        *,
        known: Collection[str] = (),
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add hosts by name")
        self.setMinimumSize(460, 320)
        self._known = known
        self._known_by_case = {name.casefold(): name for name in known}
        self.names_edit = QPlainTextEdit()
        self.names_edit.setPlaceholderText("rnd-0101\nrnd-0102, rnd-0103\n…")
        self.pool_box = QComboBox()
        self.pool_box.addItems([FARM_ONLY, *pools])
        if current in pools:
            self.pool_box.setCurrentText(current)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #ff8a80;")
        self.remark = QLabel()
        self.remark.setWordWrap(True)
        self.remark.setStyleSheet("color: #e0c080;")
        self.summary = QLabel()
        self.summary.setStyleSheet("color: #9aa5ad;")
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.button(QDialogButtonBox.Ok).setText("Add")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Host names, one per line or separated by spaces or commas:"))
        layout.addWidget(self.names_edit, 1)
        form = QFormLayout()
        form.addRow("Add to", self.pool_box)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.problem)
        layout.addWidget(self.remark)
        layout.addWidget(self.buttons)
        self.names_edit.textChanged.connect(self._validate)
        self._validate()

    def _validate(self) -> None:
        names = list(dict.fromkeys(split_names(self.names_edit.toPlainText())))
        new = [name for name in names if name not in self._known]
        bad = [problem for name in new if (problem := hostname_problem(name))]
        remarks = [
            remark for name in new if not hostname_problem(name) and (remark := self._remark(name))
        ]
        self.problem.setText(_first_few(bad))
        self.remark.setText(_first_few(remarks))
        self.summary.setText(plural(len(names), "host") if names else "")
        self.buttons.button(QDialogButtonBox.Ok).setEnabled(bool(names) and not bad)
        grow_to_fit(self)

    def _remark(self, name: str) -> str:
        """A known machine's name typed in other letters is another machine to afpools and
        afserver alike (names are matched exactly): said, and allowed."""
        known = self._known_by_case.get(name.casefold())
        if known is not None:
            return f"{name} is not {known}, which the farm knows: names are matched exactly."
        return hostname_remark(name)

    @property
    def hostnames(self) -> list[str]:
        return list(dict.fromkeys(split_names(self.names_edit.toPlainText())))

    @property
    def pool(self) -> str | None:
        text = self.pool_box.currentText()
        return None if text == FARM_ONLY else text


def grow_to_fit(dialog: QDialog) -> None:
    """As tall as its lines need at its width, after a sentence came or grew (a layout does
    not ask wrapped labels on its own); never smaller than the user made it."""
    layout = dialog.layout()
    if layout is None:
        return
    needed = layout.totalHeightForWidth(dialog.width())
    if needed < 0:  # nothing in it wraps
        needed = layout.totalSizeHint().height()
    if needed > dialog.height():
        dialog.resize(dialog.width(), needed)


def _first_few(sentences: list[str], shown: int = 4) -> str:
    """One sentence a line; past ``shown``, how many more. A word too long to wrap (a
    70-letter name) is shortened in its middle: it is whole in the box above."""
    more = len(sentences) - shown
    lines = [" ".join(map(_wrappable, s.split(" "))) for s in sentences[:shown]]
    return "\n".join(lines) + (f"\n…and {more} more." if more > 0 else "")


def _wrappable(word: str, longest: int = 36) -> str:
    if len(word) <= longest:
        return word
    keep = (longest - 1) // 2
    return word[:keep] + "…" + word[-keep:]
