"""The scan's place in the status bar: a progress bar, the count found, and Cancel."""

from __future__ import annotations

from PyQt5.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from manager.network_session import NetworkSession
from pools.wording import plural


class ScanStatus(QWidget):
    """Visible only while a scan runs."""

    def __init__(self, network: NetworkSession) -> None:
        super().__init__()
        self.network = network
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setFixedWidth(160)
        self.bar.setTextVisible(False)
        self.cancel = QPushButton("Cancel")
        self.cancel.setToolTip("Stop the scan; what was found so far is kept.")
        self.cancel.clicked.connect(self._on_cancel_clicked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel)
        network.scan_running.connect(self._on_network_scan_running)
        network.scan_progress.connect(self._on_network_scan_progress)
        self.hide()

    def _on_network_scan_running(self, running: bool) -> None:
        if running:
            self.bar.setRange(0, 0)  # busy until the first progress arrives
            self.label.setText("Scanning the network…")
            self.cancel.setEnabled(True)
        self.setVisible(running)

    def _on_network_scan_progress(self, found: int, probed: int, total: int) -> None:
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(min(probed, total))
        self.label.setText(f"Scanning… {plural(found, 'machine')} found")

    def _on_cancel_clicked(self) -> None:
        self.cancel.setEnabled(False)
        self.label.setText("Cancelling…")
        self.network.cancel_scan()
