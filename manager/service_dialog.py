"""The pool service's set-up as a dialog: the same draft, checks and file as ``serve --configure``.

Every field edits a ``ServiceDraft``; the draft's own sentences explain what is wrong, and
Save stays off until there is nothing. Opened from the board's menu, from a Keeper entry
(``main.py serve --configure --gui``), or by ``run_dialog``.
"""

from __future__ import annotations

import socket
import sys
from pathlib import Path

from PyQt5.QtCore import pyqtSignal
from PyQt5.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from config.service import (
    DEFAULT_LEGACY_PORT,
    ServiceDraft,
    create_self_signed,
    default_tls_folder,
    new_token,
)
from config.settings import Settings, settings_file_path
from manager.process import install_excepthook
from pools.errors import AfpoolsError

PEM_FILTER = "PEM files (*.pem *.crt *.cer *.key);;All files (*)"


class ServiceDialog(QDialog):
    """Address, ports, TLS files, the 2019 listener and the write token of ``main.py serve``."""

    settings_saved = pyqtSignal(str)  # the settings file that was written

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Pool service set-up")
        self.setMinimumWidth(640)
        draft = ServiceDraft.from_settings(settings)
        self.host_edit = QLineEdit(draft.host)
        self.port_spin = _port_spin(draft.port)
        self.legacy_check = QCheckBox("Answer the 2019 protocol on port")
        self.legacy_check.setChecked(draft.legacy_port > 0)
        self.legacy_spin = _port_spin(draft.legacy_port or DEFAULT_LEGACY_PORT)
        self.tls_group = QGroupBox("TLS on both ports")
        self.tls_group.setCheckable(True)
        self.tls_group.setChecked(draft.tls)
        self.cert_edit = QLineEdit(draft.tls_cert)
        self.key_edit = QLineEdit(draft.tls_key)
        self.client_ca_edit = QLineEdit(draft.tls_client_ca)
        self.client_ca_edit.setPlaceholderText("empty: clients need no certificate")
        self.cert_names_edit = QLineEdit(socket.getfqdn() or "localhost")
        self.create_cert_button = QPushButton("Create self-signed certificate")
        self.writes_group = QGroupBox("Let farm scripts create, delete and edit pools")
        self.writes_group.setCheckable(True)
        self.writes_group.setChecked(draft.writes)
        self.token_edit = QLineEdit(draft.write_token)
        self.token_edit.setPlaceholderText("the bearer token scripts must send")
        self.generate_button = QPushButton("Generate")
        self.problem_label = QLabel()
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet("color: #ff8a80;")
        self.buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel)
        self.saved_path: Path | None = None
        self._lay_out()
        self._connect()
        self._on_field_changed()

    # -- building ------------------------------------------------------------------------

    def _lay_out(self) -> None:
        form = QFormLayout()
        form.addRow("Listen on", self.host_edit)
        form.addRow("HTTP port", self.port_spin)
        legacy_row = QHBoxLayout()
        legacy_row.addWidget(self.legacy_check)
        legacy_row.addWidget(self.legacy_spin)
        legacy_row.addStretch(1)
        form.addRow("Old plugins", legacy_row)
        tls_form = QFormLayout(self.tls_group)
        tls_form.addRow("Certificate", _with_browse(self.cert_edit, self))
        tls_form.addRow("Key", _with_browse(self.key_edit, self))
        tls_form.addRow("Client CA", _with_browse(self.client_ca_edit, self))
        create_row = QHBoxLayout()
        create_row.addWidget(self.cert_names_edit, 1)
        create_row.addWidget(self.create_cert_button)
        tls_form.addRow("New for", create_row)
        writes_form = QFormLayout(self.writes_group)
        token_row = QHBoxLayout()
        token_row.addWidget(self.token_edit, 1)
        token_row.addWidget(self.generate_button)
        writes_form.addRow("Token", token_row)
        hint = QLabel(
            f"Save writes {settings_file_path()}; restart the pool service to use the new set-up."
        )
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.tls_group)
        layout.addWidget(self.writes_group)
        layout.addWidget(self.problem_label)
        layout.addWidget(hint)
        layout.addWidget(self.buttons)

    def _connect(self) -> None:
        for edit in (self.host_edit, self.cert_edit, self.key_edit, self.client_ca_edit):
            edit.textChanged.connect(self._on_field_changed)
        self.token_edit.textChanged.connect(self._on_field_changed)
        self.port_spin.valueChanged.connect(self._on_field_changed)
        self.legacy_spin.valueChanged.connect(self._on_field_changed)
        self.legacy_check.toggled.connect(self._on_field_changed)
        self.tls_group.toggled.connect(self._on_field_changed)
        self.writes_group.toggled.connect(self._on_field_changed)
        self.create_cert_button.clicked.connect(self._on_create_cert_clicked)
        self.generate_button.clicked.connect(self._on_generate_clicked)
        self.buttons.accepted.connect(self._on_save_clicked)
        self.buttons.rejected.connect(self.reject)

    # -- the draft -----------------------------------------------------------------------

    def draft(self) -> ServiceDraft:
        tls = self.tls_group.isChecked()
        return ServiceDraft(
            host=self.host_edit.text().strip(),
            port=self.port_spin.value(),
            legacy_port=self.legacy_spin.value() if self.legacy_check.isChecked() else 0,
            tls_cert=self.cert_edit.text().strip() if tls else "",
            tls_key=self.key_edit.text().strip() if tls else "",
            tls_client_ca=self.client_ca_edit.text().strip() if tls else "",
            writes=self.writes_group.isChecked(),
            write_token=self.token_edit.text().strip(),
        )

    def problems(self, *, resolve: bool = True) -> list[str]:
        draft = self.draft()
        found = draft.problems(resolve=resolve)
        if self.tls_group.isChecked() and not draft.tls:
            found.insert(0, "Choose a certificate and its key, or create a self-signed one.")
        return found

    def _on_field_changed(self) -> None:
        self.legacy_spin.setEnabled(self.legacy_check.isChecked())
        found = self.problems(resolve=False)  # on every keystroke: no DNS until Save
        self.problem_label.setText(found[0] if found else "")
        save = self.buttons.button(QDialogButtonBox.Save)
        if save is not None:
            save.setEnabled(not found)

    def _on_create_cert_clicked(self) -> None:
        names = [n.strip() for n in self.cert_names_edit.text().split(",") if n.strip()]
        try:
            cert, key = create_self_signed(default_tls_folder(), names)
        except AfpoolsError as error:
            self.problem_label.setText(str(error))
            return
        self.cert_edit.setText(str(cert))
        self.key_edit.setText(str(key))

    def _on_generate_clicked(self) -> None:
        self.token_edit.setText(new_token())

    def _on_save_clicked(self) -> None:
        try:
            self.saved_path = self.draft().save()
        except AfpoolsError as error:
            self.problem_label.setText(str(error))
            return
        self.settings_saved.emit(str(self.saved_path))
        self.accept()


def _port_spin(value: int) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(1, 65535)
    spin.setValue(value if 0 < value < 65536 else 1)
    return spin


def _with_browse(edit: QLineEdit, parent: QWidget) -> QHBoxLayout:
    row = QHBoxLayout()
    button = QPushButton("Browse…")

    def browse() -> None:
        chosen, _filter = QFileDialog.getOpenFileName(parent, "Choose a PEM file", "", PEM_FILTER)
        if chosen:
            edit.setText(chosen)

    button.clicked.connect(browse)
    row.addWidget(edit, 1)
    row.addWidget(button)
    return row


def run_dialog(settings: Settings) -> int:
    """Show the dialog on its own (the Keeper entry); 0 when saved, 1 when cancelled."""
    install_excepthook()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    dialog = ServiceDialog(settings)
    dialog.exec_()
    del app
    return 0 if dialog.saved_path is not None else 1
