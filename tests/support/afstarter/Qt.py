"""Stand-in for CGRU's ``lib/python/Qt.py``: this machine has PyQt5 only, which is what the
real shim picks when PySide6, PyQt6 and PySide2 are missing."""

from PyQt5 import QtCore, QtGui, QtWidgets

__binding__ = "PyQt5"
__all__ = ["QtCore", "QtGui", "QtWidgets"]
