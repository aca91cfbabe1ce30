"""A native pool's column model over a plain farm: rows follow where afserver puts each
render, and a drop shows the renders where they were dropped until afserver answers."""

from __future__ import annotations

import pytest
from PyQt5.QtCore import QModelIndex, Qt

from afserver.client import AfserverClient
from manager.afserver_worker import AfserverPoller, PollResult
from manager.evented_farm import EventedFarm
from manager.host_model import NOTE_ROLE, decode_hosts
from manager.native_model import NativeHostModel, decode_native_drag
from manager.native_session import NativeSession
from manager.native_worker import NativeWorker
from pools.native import NativePool
from pools.native_moves import MoveResult, MoveStatus, RenderOutcome
from tests.unit.manager.conftest import Watch
from tests.unit.manager.farm_data import BUSY, RowSignals, render


def on(pool: str, name: str, st: int = 1) -> object:
    return render(name, st, native_pool=pool, render_id=abs(hash(name)) % 10_000)


@pytest.fixture
def session(evented: EventedFarm) -> NativeSession:
    client = AfserverClient("127.0.0.1", 9, user_name="t", host_name="t")
    worker = NativeWorker(client)
    native = NativeSession(evented, AfserverPoller(client, 1.0), worker, evented)
    native.move_requested.disconnect(worker.move)  # no worker thread: the test answers
    native.setProperty("kept", [worker])  # type: ignore[call-overload]
    pools = tuple(NativePool(p) for p in ("/", "/gpu"))
    native._on_poller_polled(PollResult([], set(), 0, native=pools))
    return native


def test_rows_follow_where_afserver_puts_each_render(
    evented: EventedFarm, session: NativeSession, watch: Watch
) -> None:
    gpu = NativeHostModel(evented, session, "/gpu")
    root = NativeHostModel(evented, session, "/")
    watch(gpu)
    watch(root)

    evented.apply_renders([on("/", "a"), on("/gpu", "g1"), on("/", "b")])
    assert root.names() == ["a", "b"] and gpu.names() == ["g1"]

    evented.apply_renders([on("/gpu", "a")])  # moved by someone else, seen in a poll
    assert root.names() == ["b"] and gpu.names() == ["a", "g1"]

    evented.apply_renders([], ["g1"])
    assert gpu.names() == ["a"]


def test_a_drop_shows_at_once_and_a_refused_render_goes_back_with_its_note(
    evented: EventedFarm, session: NativeSession, watch: Watch
) -> None:
    gpu = NativeHostModel(evented, session, "/gpu")
    root = NativeHostModel(evented, session, "/")
    watch(gpu)
    watch(root)
    evented.apply_renders([on("/", "a"), on("/", "busy-1", BUSY), on("/gpu", "g1")])
    asked: list[tuple[str, list[str]]] = []
    session.move_requested.connect(lambda path, names: asked.append((path, names)))
    gpu.renders_dropped.connect(session.move)  # as the native view wires it
    signals = RowSignals().follow(root)

    data = root.mimeData([root.index(0), root.index(1)])
    assert decode_hosts(data) is None  # not our pools' drag: it cannot land on one of them
    assert decode_native_drag(data) == (["a", "busy-1"], "/")
    assert not root.canDropMimeData(data, Qt.MoveAction, -1, 0, QModelIndex())
    assert gpu.dropMimeData(data, Qt.MoveAction, -1, 0, QModelIndex())

    assert asked == [("/gpu", ["a", "busy-1"])]  # one request for the whole drop
    assert gpu.names() == ["a", "busy-1", "g1"] and root.names() == []
    assert signals.seen == [("removed", 0, 1)]

    reason = "Render 'busy-1' is busy, and afserver does not move a render while it runs a task."
    session._on_worker_moved(
        MoveResult(
            "/gpu",
            (
                RenderOutcome("a", MoveStatus.MOVED, came_from="/"),
                RenderOutcome("busy-1", MoveStatus.BUSY, reason, came_from="/"),
            ),
            actions=1,
        )
    )
    assert root.names() == ["busy-1"] and gpu.names() == ["a", "g1"]
    assert root.index(0).data(NOTE_ROLE) == (
        reason,  # the whole sentence, then fewer words for a narrow card
        "Not moved to '/gpu': busy.",
        "Not moved: busy.",
    )
    assert "Not moved" in root.index(0).data(Qt.ItemDataRole.ToolTipRole)

    evented.apply_renders([on("/gpu", "a")])  # the next poll agrees: nothing moves
    assert gpu.names() == ["a", "g1"]


def test_a_move_that_failed_puts_every_render_back(
    evented: EventedFarm, session: NativeSession, watch: Watch
) -> None:
    gpu = NativeHostModel(evented, session, "/gpu")
    watch(gpu)
    evented.apply_renders([on("/", "a"), on("/", "b")])
    session.move(["a", "b"], "/gpu")
    assert gpu.names() == ["a", "b"]

    session._on_worker_move_failed("/gpu", ["a", "b"], "There is no native pool '/gpu'.")

    assert gpu.names() == []
    assert session.members.members("/") == {"a", "b"}


def test_a_drop_on_a_pool_that_is_gone_moves_nothing(
    evented: EventedFarm, session: NativeSession
) -> None:
    evented.apply_renders([on("/", "a")])
    messages: list[tuple[str, str]] = []
    session.message.connect(lambda level, text: messages.append((level, text)))
    asked: list[object] = []
    session.move_requested.connect(lambda *args: asked.append(args))

    assert not session.move(["a"], "/gone")

    assert asked == [] and session.members.pool_of("a") == "/"
    gone = "The native pool '/gone' is no longer on afserver; nothing moved."
    assert messages == [("error", gone)]
