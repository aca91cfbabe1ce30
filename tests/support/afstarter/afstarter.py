"""Stand-in for CGRU's AfStarter (utilities/afstarter/afstarter.py of CGRU 3.4.1), written for
the tests with the same shape: importing it runs the app; its dialog keeps its widgets in
``fields``, the hosts mask ``fields['hostsmask']`` a QLineEdit in a row with "Exclude";
``textEdited`` re-evaluates the command; the mask it loaded last comes back
(``STANDIN_LAST_MASK`` here); Start runs the command with ``QProcess.startCommand``, which only
Qt 6 has. With ``AFSTARTER_PROBE`` set, that file drives the dialog once the loop runs."""

import os
import sys
from pathlib import Path

from Qt import QtCore, QtWidgets


class Dialog(QtWidgets.QWidget):
    def __init__(self):
        QtWidgets.QWidget.__init__(self)
        self.fields = {}
        self.output = ""
        self.exit_code = None
        top = QtWidgets.QVBoxLayout(self)
        job = QtWidgets.QVBoxLayout()
        top.addLayout(job)
        masks = QtWidgets.QHBoxLayout()
        job.addLayout(masks)
        masks.addWidget(QtWidgets.QLabel("Hosts Mask:", self))
        self.fields["hostsmask"] = QtWidgets.QLineEdit(self)
        masks.addWidget(self.fields["hostsmask"])
        self.fields["hostsmask"].textEdited.connect(self.evaluate)
        masks.addWidget(QtWidgets.QLabel("Exclude:", self))
        self.fields["hostsexclude"] = QtWidgets.QLineEdit(self)
        masks.addWidget(self.fields["hostsexclude"])
        self.teCmd = QtWidgets.QTextEdit(self)
        top.addWidget(self.teCmd)
        self.bStart = QtWidgets.QPushButton("&Start", self)
        top.addWidget(self.bStart)
        self.bStart.pressed.connect(self.start)
        self.fields["hostsmask"].setText(os.environ.get("STANDIN_LAST_MASK", ""))
        self.evaluate()

    def evaluate(self):
        afjob = Path(os.environ["AF_ROOT"], "python", "afjob.py")
        cmd = '"{}" "{}" "scene.blend" 1 10'.format(os.getenv("CGRU_PYTHONEXE", "python"), afjob)
        if self.fields["hostsmask"].text():
            cmd += ' -hostsmask "{}"'.format(self.fields["hostsmask"].text())
        self.teCmd.setText(cmd)

    def start(self):
        self.process = QtCore.QProcess(self)
        self.process.setProcessChannelMode(QtCore.QProcess.ProcessChannelMode.MergedChannels)
        self.process.finished.connect(self.processfinished)
        self.process.readyRead.connect(self.processoutput)
        self.process.startCommand(self.teCmd.toPlainText())

    def processoutput(self):
        self.output += bytes(self.process.readAll()).decode("utf-8")

    def processfinished(self, exit_code, _status=None):
        self.exit_code = exit_code


app = QtWidgets.QApplication(sys.argv)
dialog = Dialog()
dialog.show()
if os.environ.get("AFSTARTER_PROBE"):
    probe = Path(os.environ["AFSTARTER_PROBE"])
    names = {"__name__": "afstarter_probe"}
    exec(compile(probe.read_text(encoding="utf-8"), str(probe), "exec"), names)
    names["start"](app, dialog, QtCore, QtWidgets)
app.exec()
