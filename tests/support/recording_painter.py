"""A painter that notes the texts drawn with it: what a card says, for the tests."""

from __future__ import annotations

from PyQt5.QtGui import QImage, QPainter


class RecordingPainter(QPainter):
    """Notes each text drawn (a card delegate calls drawText from Python), and draws it."""

    def __init__(self, image: QImage) -> None:
        super().__init__(image)
        self.texts: list[str] = []

    def drawText(self, *args: object) -> None:  # noqa: N802 (Qt's name)
        self.texts.append(str(args[-1]))
        super().drawText(*args)  # type: ignore[call-overload]
