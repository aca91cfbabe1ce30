"""The pool service's set-up dialog: the same checks and settings file as serve --configure."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PyQt5.QtCore import Qt
from PyQt5.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from manager.service_dialog import ServiceDialog
from pools.settings import load_settings, settings_file_path

pytestmark = pytest.mark.gui


@pytest.fixture
def dialog(qtbot: QtBot) -> ServiceDialog:
    shown = ServiceDialog(load_settings())
    qtbot.addWidget(shown)
    shown.show()
    return shown


def save_button(dialog: ServiceDialog) -> QDialogButtonBox:
    button = dialog.buttons.button(QDialogButtonBox.Save)
    assert button is not None
    return button


def test_it_opens_on_the_current_settings_ready_to_save(dialog: ServiceDialog) -> None:
    assert dialog.host_edit.text() == "0.0.0.0"
    assert dialog.port_spin.value() == 51080
    assert dialog.legacy_check.isChecked()
    assert dialog.legacy_spin.value() == 9999
    assert not dialog.tls_group.isChecked()
    assert save_button(dialog).isEnabled()
    assert dialog.problem_label.text() == ""


def test_a_problem_is_explained_and_blocks_saving(dialog: ServiceDialog) -> None:
    dialog.legacy_spin.setValue(51080)
    assert dialog.problem_label.text() == "The HTTP port and the 2019 protocol port must differ."
    assert not save_button(dialog).isEnabled()
    dialog.legacy_check.setChecked(False)
    assert save_button(dialog).isEnabled()


def test_writes_need_a_token_which_generate_provides(dialog: ServiceDialog, qtbot: QtBot) -> None:
    dialog.writes_group.setChecked(True)
    assert "token" in dialog.problem_label.text()
    assert not save_button(dialog).isEnabled()
    qtbot.mouseClick(dialog.generate_button, Qt.LeftButton)
    assert len(dialog.token_edit.text()) >= 40
    assert save_button(dialog).isEnabled()


def test_tls_with_a_new_self_signed_certificate_is_saved_to_the_settings_file(
    dialog: ServiceDialog, qtbot: QtBot
) -> None:
    dialog.tls_group.setChecked(True)
    assert "certificate" in dialog.problem_label.text()
    dialog.cert_names_edit.setText("localhost, 127.0.0.1")
    qtbot.mouseClick(dialog.create_cert_button, Qt.LeftButton)
    assert Path(dialog.cert_edit.text()).is_file()
    assert dialog.problem_label.text() == ""
    with qtbot.waitSignal(dialog.settings_saved, timeout=5000) as saved:
        qtbot.mouseClick(save_button(dialog), Qt.LeftButton)
    assert saved.args == [str(settings_file_path())]
    written = json.loads(settings_file_path().read_text(encoding="utf-8"))
    assert written["service_tls_cert"] == dialog.cert_edit.text()
    assert written["service_tls_key"] == dialog.key_edit.text()
    assert load_settings().service_tls_cert == dialog.cert_edit.text()


def test_cancel_writes_nothing(dialog: ServiceDialog, qtbot: QtBot) -> None:
    dialog.port_spin.setValue(52000)
    cancel = dialog.buttons.button(QDialogButtonBox.Cancel)
    assert cancel is not None
    qtbot.mouseClick(cancel, Qt.LeftButton)
    assert not settings_file_path().exists()
    assert dialog.saved_path is None
