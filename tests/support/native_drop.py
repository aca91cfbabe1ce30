"""A drop on a native pool's column as a mouse drag makes it, through the models' own
``mimeData``/``dropMimeData``: for the tests of the Native pools tab and the screenshots."""

from __future__ import annotations

from PyQt5.QtCore import QModelIndex, Qt

from manager.native_view import NativeBoard


def drop(view: NativeBoard, source: str, names: list[str], target: str) -> bool:
    """``names`` dragged from ``source``'s column onto ``target``'s; False if refused there."""
    from_model = view.columns[source].model
    rows = [from_model.row_of(name) for name in names]
    assert None not in rows, f"not all of {names} are shown in {source}"
    data = from_model.mimeData([from_model.index(row) for row in rows if row is not None])
    to_model = view.columns[target].model
    if not to_model.canDropMimeData(data, Qt.MoveAction, -1, 0, QModelIndex()):
        return False
    return to_model.dropMimeData(data, Qt.MoveAction, -1, 0, QModelIndex())
