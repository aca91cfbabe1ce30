"""The pool service's set-up dialog: the same checks and settings file as serve --configure."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PyQt5.QtCore import Qt
from PyQt5.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from config.service import ServiceDraft, create_self_signed, default_tls_folder
from config.settings import load_settings, settings_file_path
from manager.service_dialog import ServiceDialog

pytestmark = pytest.mark.gui
ROOT = Path(__file__).resolve().parents[2]


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


def test_a_name_that_cannot_go_into_a_certificate_is_explained(
    dialog: ServiceDialog, qtbot: QtBot
) -> None:
    dialog.tls_group.setChecked(True)
    dialog.cert_names_edit.setText("rendü-01")
    qtbot.mouseClick(dialog.create_cert_button, Qt.LeftButton)
    assert dialog.problem_label.text() == (
        "The host name 'rendü-01' cannot go into a certificate: write it as xn--rend-01-q2a."
    )
    assert dialog.cert_edit.text() == ""
    assert not default_tls_folder().exists()


def test_a_tls_folder_that_cannot_be_written_is_explained(
    dialog: ServiceDialog, qtbot: QtBot
) -> None:
    default_tls_folder().parent.mkdir(parents=True)
    default_tls_folder().write_text("a file where the folder should be", encoding="utf-8")
    dialog.tls_group.setChecked(True)
    dialog.cert_names_edit.setText("localhost")
    qtbot.mouseClick(dialog.create_cert_button, Qt.LeftButton)
    assert dialog.problem_label.text().startswith("The certificate cannot be written to ")
    assert dialog.cert_edit.text() == ""


def test_a_new_certificate_then_cancel_leaves_the_trusted_one_alone(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """Plugins pinned to the service's certificate must still trust it after a restart."""
    made = create_self_signed(tmp_path, ["localhost"])
    trusted = default_tls_folder() / "service-cert.pem", default_tls_folder() / "service-key.pem"
    default_tls_folder().mkdir(parents=True)
    for source, target in zip(made, trusted, strict=True):
        target.write_bytes(source.read_bytes())
    ServiceDraft(
        host="0.0.0.0", port=51080, legacy_port=0, tls_cert=str(trusted[0]), tls_key=str(trusted[1])
    ).save()
    settings_before = settings_file_path().read_bytes()
    shown = ServiceDialog(load_settings())
    qtbot.addWidget(shown)
    shown.cert_names_edit.setText("localhost")
    qtbot.mouseClick(shown.create_cert_button, Qt.LeftButton)
    assert Path(shown.cert_edit.text()).is_file()
    cancel = shown.buttons.button(QDialogButtonBox.Cancel)
    assert cancel is not None
    qtbot.mouseClick(cancel, Qt.LeftButton)
    assert [path.read_bytes() for path in trusted] == [path.read_bytes() for path in made]
    assert settings_file_path().read_bytes() == settings_before


def test_typed_relative_paths_are_saved_absolute(
    dialog: ServiceDialog, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    cert, key = create_self_signed(Path("tls"), ["localhost"])
    dialog.tls_group.setChecked(True)
    dialog.cert_edit.setText(str(cert))
    dialog.key_edit.setText(str(key))
    with qtbot.waitSignal(dialog.settings_saved, timeout=5000):
        qtbot.mouseClick(save_button(dialog), Qt.LeftButton)
    settings = load_settings()
    assert settings.service_tls_cert == str(tmp_path / cert)
    assert settings.service_tls_key == str(tmp_path / key)


def test_an_address_that_cannot_be_resolved_is_explained_on_save(
    dialog: ServiceDialog, qtbot: QtBot
) -> None:
    dialog.host_edit.setText("no such host")  # refused by glibc itself: no DNS query
    assert save_button(dialog).isEnabled()  # no lookup on every keystroke
    qtbot.mouseClick(save_button(dialog), Qt.LeftButton)
    assert "'no such host' cannot be resolved" in dialog.problem_label.text()
    assert not settings_file_path().exists()


DIALOG_WITH_A_BROKEN_SLOT = """
import sys
from PyQt5.QtCore import QTimer
from manager import service_dialog
from config.settings import load_settings

def broken(self):
    raise RuntimeError("a bug in a slot")

def exec_(self):
    self.writes_group.setChecked(True)
    QTimer.singleShot(0, self.generate_button.click)
    QTimer.singleShot(0, self.reject)
    return service_dialog.QDialog.exec_(self)

service_dialog.ServiceDialog._on_generate_clicked = broken
service_dialog.ServiceDialog.exec_ = exec_
sys.exit(service_dialog.run_dialog(load_settings()))
"""


def test_an_error_in_the_standalone_dialog_is_logged_and_does_not_abort(
    fresh_environment: Path,
) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", DIALOG_WITH_A_BROKEN_SLOT],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env=env,
        check=False,
    )
    assert done.returncode == 1, done.stderr  # cancelled, not killed by SIGABRT
    assert "RuntimeError: a bug in a slot" in done.stderr
