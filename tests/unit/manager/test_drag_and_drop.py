"""Drags carry hostnames under our own MIME type; a drop asks the edit session for the edit
the drop rules name, and the rows change only when the store's new state comes back."""

from __future__ import annotations

import pytest
from PyQt5.QtCore import QMimeData, QModelIndex, QObject, Qt, pyqtSignal

from manager.edit_session import EditSession
from manager.evented_farm import EventedFarm
from manager.host_model import MIME_TYPE, HostListModel, decode_hosts
from manager.store_worker import StepRequest
from pools.edits import Edit
from pools.model import Pool
from tests.unit.manager.conftest import Watch
from tests.unit.manager.farm_data import render, rows

HOSTS = ("rnd-a01", "rnd-a02", "rnd-a03", "gpu-01")


class FakeStoreWorker(QObject):
    """The store worker's signals and slots, with nothing behind them: requests are kept."""

    connected = pyqtSignal(str)
    loaded = pyqtSignal(object)
    unreachable = pyqtSignal(str)
    step_applied = pyqtSignal(object, object)
    step_failed = pyqtSignal(object, str, object)

    def __init__(self) -> None:
        super().__init__()
        self.description = "test store"
        self.requests: list[StepRequest] = []

    def apply(self, request: StepRequest) -> None:
        self.requests.append(request)

    def reload(self) -> None:
        pass


@pytest.fixture
def columns(evented: EventedFarm, watch: Watch) -> dict[str | None, HostListModel]:
    evented.apply_renders([render(n) for n in HOSTS])
    evented.apply_store([Pool("lighting", ("rnd-a01", "rnd-a02")), Pool("gpu", ("gpu-01",))], [])
    models = {pool: HostListModel(evented, pool) for pool in (None, "lighting", "gpu")}
    for model in models.values():
        watch(model)
    return models


def drag(
    source: HostListModel, hosts: list[str], target: HostListModel, action: Qt.DropAction
) -> bool:
    """What a view does with a drag: the source's mimeData, the target's dropMimeData."""
    indexes = [source.index(source.row_of(h) or 0) for h in hosts]
    data = source.mimeData(indexes)
    if not target.canDropMimeData(data, action, -1, 0, QModelIndex()):
        return False
    return target.dropMimeData(data, action, -1, 0, QModelIndex())


def test_a_drag_carries_the_names_and_the_pool_they_come_from(
    columns: dict[str | None, HostListModel],
) -> None:
    lighting = columns["lighting"]

    data = lighting.mimeData([lighting.index(1), lighting.index(0)])

    assert data.formats()[0] == MIME_TYPE
    assert decode_hosts(data) == (["rnd-a01", "rnd-a02"], "lighting")
    assert data.text() == "rnd-a01\nrnd-a02"  # other programs get the names as text


@pytest.mark.parametrize(
    ("source", "target", "action", "asked"),
    [
        (None, "gpu", Qt.MoveAction, (None, "gpu", False)),
        ("lighting", "gpu", Qt.MoveAction, ("lighting", "gpu", False)),
        ("lighting", "gpu", Qt.CopyAction, ("lighting", "gpu", True)),
        ("lighting", None, Qt.MoveAction, ("lighting", None, False)),
    ],
    ids=["farm-to-pool", "pool-to-pool", "ctrl-copy", "pool-to-farm"],
)
def test_a_drop_asks_for_the_edit_and_returns(
    qtbot: object,
    columns: dict[str | None, HostListModel],
    source: str | None,
    target: str | None,
    action: Qt.DropAction,
    asked: tuple[str | None, str | None, bool],
) -> None:
    requests: list[tuple[object, ...]] = []
    columns[target].drop_requested.connect(lambda *args: requests.append(args))
    hosts = ["rnd-a01"] if source is not None else ["rnd-a03"]

    accepted = drag(columns[source], hosts, columns[target], action)

    assert accepted is True
    assert requests == [(hosts, *asked)]
    assert rows(columns["gpu"]) == ["gpu-01"]  # nothing moves before the store says so


def test_a_drop_on_its_own_column_or_of_foreign_data_is_refused(
    columns: dict[str | None, HostListModel],
) -> None:
    gpu = columns["gpu"]
    requests: list[tuple[object, ...]] = []
    gpu.drop_requested.connect(lambda *args: requests.append(args))
    text = QMimeData()
    text.setText("gpu-02")

    own = drag(gpu, ["gpu-01"], gpu, Qt.MoveAction)
    foreign = gpu.dropMimeData(text, Qt.CopyAction, -1, 0, QModelIndex())
    linked = gpu.dropMimeData(
        columns["lighting"].mimeData([columns["lighting"].index(0)]),
        Qt.LinkAction,
        -1,
        0,
        QModelIndex(),
    )

    assert (own, foreign, linked) == (False, False, False)
    assert requests == []


def test_a_drop_between_pools_becomes_a_move_for_the_store_and_the_rows_follow_its_answer(
    evented: EventedFarm, columns: dict[str | None, HostListModel]
) -> None:
    store = FakeStoreWorker()
    edits = EditSession(store)  # type: ignore[arg-type]
    for model in columns.values():
        model.drop_requested.connect(edits.drop)

    assert drag(columns["lighting"], ["rnd-a02"], columns["gpu"], Qt.MoveAction)

    assert [(r.label, r.edits) for r in store.requests] == [
        (
            "move rnd-a02 from lighting to gpu",
            (Edit("add", "gpu", ("rnd-a02",)), Edit("remove", "lighting", ("rnd-a02",))),
        )
    ]
    assert edits.pending == 1
    evented.apply_store(  # the store's new state, as its worker would load it
        [Pool("lighting", ("rnd-a01",)), Pool("gpu", ("gpu-01", "rnd-a02"))], []
    )
    assert rows(columns["lighting"]) == ["rnd-a01"]
    assert rows(columns["gpu"]) == ["gpu-01", "rnd-a02"]
