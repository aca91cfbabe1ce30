"""Scan network…: which interface and which ranges, checked by the scanner's own plan.

The choices are those of ``main.py scan --interface IF --cidr CIDR --wide``, and so are the
checks: the dialog asks ``scanner.targets`` what the scan would sweep, as the scan itself will,
and shows its sentence when a choice is refused. A range wider than a /22 needs a tick, the
board's ``--wide``.
"""

from __future__ import annotations

from PyQt5.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from scanner.errors import ScanError, TooWideError
from scanner.network import Interface, NetworkInfo
from scanner.targets import (
    NARROWEST_CONFIRMED,
    interface_ranges,
    plan_targets,
    scannable_interfaces,
    split_ranges,
    suggested_interface,
    total_addresses,
)


class ScanDialog(QDialog):
    """Interface and ranges, filled in with what was used last time or the scanner's defaults.

    ``info`` is None when this machine's interfaces could not be read; ``problem`` says why.
    """

    def __init__(
        self,
        info: NetworkInfo | None,
        remembered: tuple[str, str] = ("", ""),
        parent: QWidget | None = None,
        *,
        problem: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Scan network")
        self.setMinimumWidth(460)
        self._info = info
        self._interfaces = {i.name: i for i in scannable_interfaces(info)} if info else {}
        self._suggested: Interface | None = None  # None: there is nothing to scan
        if info is not None:
            try:
                self._suggested = suggested_interface(info)
            except ScanError as error:
                problem = str(error)
        self.interface_box = QComboBox()
        for interface in self._interfaces.values():
            self.interface_box.addItem(_described(interface), interface.name)
        self.range_edit = QLineEdit()
        self.range_edit.setPlaceholderText("the interface's whole network")
        self.range_edit.setToolTip(
            "Ranges inside the interface's network, e.g. 10.1.2.0/24; "
            "several separated by commas. Empty: the whole network."
        )
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("color: #9aa5ad;")
        self.wide_box = QCheckBox()
        self.wide_box.hide()
        self._wide = False  # the choice is wider than a /22: the box must be ticked
        self.problem = QLabel(problem)
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #ff8a80;")
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.button(QDialogButtonBox.Ok).setText("Scan")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow("Interface", self.interface_box)
        form.addRow("Range", self.range_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Machines on the LAN are found by ARP, zeroconf and DNS names."))
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.wide_box)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

        self._fill(*remembered)
        self.interface_box.currentIndexChanged.connect(self._on_interface_changed)
        self.range_edit.textChanged.connect(self._validate)
        self.wide_box.toggled.connect(self._validate)
        self._validate()

    def _fill(self, interface: str, ranges: str) -> None:
        """The remembered choice while its interface is still here, else the defaults."""
        if interface in self._interfaces:
            self.interface_box.setCurrentIndex(self.interface_box.findData(interface))
            self.range_edit.setText(ranges)
            return
        if self._suggested is not None:
            self.interface_box.setCurrentIndex(self.interface_box.findData(self._suggested.name))
            self.range_edit.setText(interface_ranges(self._suggested))

    def _on_interface_changed(self) -> None:
        chosen = self._interfaces.get(self.interface)
        if chosen is not None:
            self.range_edit.setText(interface_ranges(chosen))
        self._validate()

    def _validate(self) -> None:
        """What the scan would sweep, or the scanner's sentence for why it would not."""
        ok = self.buttons.button(QDialogButtonBox.Ok)
        if self._info is None or self._suggested is None:
            ok.setEnabled(False)  # the problem says why
            return
        try:
            targets = plan_targets(
                self._info, interfaces=[self.interface], cidrs=self.cidrs, allow_wide=True
            )
            plan_targets(self._info, interfaces=[self.interface], cidrs=self.cidrs)
            self._wide = False
        except TooWideError:
            self._wide = True
        except ScanError as error:
            self._wide = False
            self.summary.setText("")
            self.wide_box.hide()
            self.problem.setText(str(error))
            ok.setEnabled(False)
            return
        count = total_addresses(targets)
        self.problem.setText("")
        self.summary.setText(f"{count:,} addresses: {', '.join(t.describe() for t in targets)}.")
        self.wide_box.setText(
            f"Sweep all {count:,} addresses: more than a /{NARROWEST_CONFIRMED}, "
            "which takes a while"
        )
        self.wide_box.setVisible(self._wide)
        ok.setEnabled(not self._wide or self.wide_box.isChecked())

    @property
    def interface(self) -> str:
        return str(self.interface_box.currentData() or "")

    @property
    def range_text(self) -> str:
        return self.range_edit.text().strip()

    @property
    def cidrs(self) -> list[str]:
        return split_ranges(self.range_edit.text())

    @property
    def allow_wide(self) -> bool:
        return self._wide and self.wide_box.isChecked()


def _described(interface: Interface) -> str:
    return f"{interface.name}   {', '.join(str(a) for a in interface.addresses)}"
