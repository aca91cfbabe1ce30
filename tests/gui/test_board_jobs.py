"""The board's jobs: the current pool's bound jobs, the jobs waiting for a pool, the banner
while no agent holds the lease, the jobs named when a pool is deleted, the pool's token."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from agent.loop import Agent
from agent.standalone import standalone_agent
from manager.job_model import JobTableModel
from manager.window import MainWindow
from storage.store import PoolStore
from tests.gui.conftest import WAIT_MS, BoardFactory, focus
from tests.support.agent_farm import agent_settings
from tests.support.fake_afserver import FakeAfserver
from tests.support.fake_jobs import token_job

QUICK = {"board_jobs_interval": 0.1}


@pytest.fixture
def agent(
    nx_server: str, database_name: str, afserver: FakeAfserver, seeded: PoolStore
) -> Iterator[Agent]:
    """An agent on the board's database and afserver, made to act by the test."""
    with standalone_agent(agent_settings(nx_server, database_name, afserver)) as made:
        try:
            yield made
        finally:
            made.release_lease()


def bind_once(agent: Agent) -> None:
    """One pass of an agent that holds the lease: the token jobs get their pools' masks."""
    agent.take_lease()
    assert agent.active
    agent.run_pass(write=True)


def open_board(qtbot: QtBot, make_board: BoardFactory, pools: int = 2) -> MainWindow:
    """A board reading afserver's jobs often, once its pool columns are there."""
    board = make_board(**QUICK)
    qtbot.waitUntil(lambda: len(board.board.columns) == pools, timeout=WAIT_MS)
    return board


def names(model: JobTableModel) -> list[str]:
    return [d.job.name for d in model.jobs()]


def column_texts(model: JobTableModel, row: int) -> dict[str, Any]:
    return {column.title: model.data(model.index(row, i)) for i, column in enumerate(model.columns)}


def test_the_panel_lists_the_current_pool_s_bound_jobs_and_follows_it(
    qtbot: QtBot, make_board: BoardFactory, afserver: FakeAfserver, agent: Agent
) -> None:
    shot = afserver.farm.submit_job(token_job("shot", "@lighting", user="anna"))[0]
    afserver.farm.submit_job(token_job("render", "@gpu", user="bob"))
    bind_once(agent)
    board = open_board(qtbot, make_board)
    panel = board.jobs_dock.panel
    qtbot.waitUntil(lambda: names(panel.bound_model) == ["shot", "render"], timeout=WAIT_MS)

    focus(board, "lighting")

    assert names(panel.bound_model) == ["shot"]
    assert column_texts(panel.bound_model, 0) == {
        "Job": str(shot),
        "Name": "shot",
        "User": "anna",
        "State": "RDY",
        "Running": "0",
        "Pools": "lighting",
        "Status": "bound",
    }
    assert panel.bound_title.text() == "Jobs bound to lighting (1)"
    focus(board, "gpu")
    assert names(panel.bound_model) == ["render"]


def test_the_panel_follows_afserver_a_new_job_appears_and_a_deleted_one_goes(
    qtbot: QtBot, make_board: BoardFactory, afserver: FakeAfserver, seeded: PoolStore
) -> None:
    board = open_board(qtbot, make_board)
    panel = board.jobs_dock.panel
    focus(board, "lighting")
    qtbot.waitUntil(lambda: board.session.jobs.last is not None, timeout=WAIT_MS)
    assert panel.bound_view.empty_text == (
        "No job is bound to lighting. Artists type @lighting into a job's hosts mask."
    )

    shot = afserver.farm.submit_job(token_job("shot", "@lighting"))[0]
    qtbot.waitUntil(lambda: names(panel.bound_model) == ["shot"], timeout=WAIT_MS)
    assert column_texts(panel.bound_model, 0)["Status"] == "bound, masks pending"
    afserver.farm.delete_job(shot)

    qtbot.waitUntil(lambda: names(panel.bound_model) == [], timeout=WAIT_MS)


def test_the_waiting_list_shows_a_job_whose_token_names_no_pool(
    qtbot: QtBot, make_board: BoardFactory, afserver: FakeAfserver, seeded: PoolStore
) -> None:
    waits = afserver.farm.submit_job(token_job("waits", "@nope rnd-b", user="carl"))[0]
    afserver.farm.submit_job(token_job("shot", "@lighting"))
    board = open_board(qtbot, make_board)
    panel = board.jobs_dock.panel

    qtbot.waitUntil(lambda: names(panel.waiting_model) == ["waits"], timeout=WAIT_MS)

    assert column_texts(panel.waiting_model, 0) == {
        "Job": str(waits),
        "Name": "waits",
        "User": "carl",
        "Waits for": "@nope",
    }
    assert names(panel.bound_model) == ["shot"]  # the Farm is current: every bound job
    assert panel.waiting_title.text() == "Waiting for a pool (1)"


def test_a_banner_says_so_while_token_jobs_wait_and_no_agent_holds_the_lease(
    qtbot: QtBot, make_board: BoardFactory, afserver: FakeAfserver, agent: Agent
) -> None:
    afserver.farm.submit_job(token_job("shot", "@lighting"))
    board = open_board(qtbot, make_board)

    qtbot.waitUntil(board.jobs_banner.isVisible, timeout=WAIT_MS)
    assert board.jobs_banner.text() == (
        "1 job holds pool tokens that no agent makes exact: no agent holds the lease; "
        "run 'main.py agent' or 'main.py serve' without --no-agent."
    )

    agent.take_lease()

    qtbot.waitUntil(lambda: not board.jobs_banner.isVisible(), timeout=WAIT_MS)


def test_deleting_a_pool_names_the_jobs_bound_to_it_in_the_question(
    qtbot: QtBot, make_board: BoardFactory, afserver: FakeAfserver, agent: Agent
) -> None:
    shot = afserver.farm.submit_job(token_job("shot", "@lighting"))[0]
    comp = afserver.farm.submit_job(token_job("comp", "@lighting @gpu"))[0]
    afserver.farm.submit_job(token_job("render", "@gpu"))
    bind_once(agent)
    board = open_board(qtbot, make_board)
    asked: list[str] = []
    board.gestures.confirm = lambda _title, question: asked.append(question) is None and False
    qtbot.waitUntil(lambda: len(board.session.jobs.decisions()) == 3, timeout=WAIT_MS)
    focus(board, "lighting")

    board.delete_pool_action.trigger()

    assert asked == [
        "Delete pool 'lighting' with its 2 hosts?\n\n"
        "2 jobs bound to pool 'lighting' get none of its hosts from now on (the agent "
        f"rewrites them): {shot} (shot), {comp} (comp). Undo brings the pool back, and these "
        "jobs with it."
    ]
    assert "lighting" in board.board.columns  # the answer was no


def test_deleting_a_pool_no_job_is_bound_to_says_so(
    qtbot: QtBot, make_board: BoardFactory, seeded: PoolStore
) -> None:
    board = open_board(qtbot, make_board)
    asked: list[str] = []
    board.gestures.confirm = lambda _title, question: asked.append(question) is None and False
    qtbot.waitUntil(lambda: board.session.jobs.last is not None, timeout=WAIT_MS)
    focus(board, "gpu")

    board.delete_pool_action.trigger()

    assert asked == [
        "Delete pool 'gpu' with its 1 host?\n\nNo job is bound to it. Undo brings the pool back."
    ]


def test_each_pool_header_shows_its_token_and_no_token_for_a_name_with_a_space(
    qtbot: QtBot, make_board: BoardFactory, store: PoolStore
) -> None:
    store.create("lighting", hosts=["rnd-a01"])
    store.create("night farm", hosts=["ws-anna"])
    board = open_board(qtbot, make_board)

    assert board.board.columns["lighting"].token_label.text() == "@lighting"
    assert board.board.columns["night farm"].token_label.text() == "no token"
    focus(board, "night farm")
    qtbot.waitUntil(lambda: board.session.jobs.last is not None, timeout=WAIT_MS)
    assert board.jobs_dock.panel.bound_view.empty_text.startswith(
        "No job is bound to night farm. Its name cannot be typed as a token (its name holds "
        "a space)"
    )


def test_the_panel_hides_and_a_new_board_remembers_it_hidden(
    qtbot: QtBot, make_board: BoardFactory, seeded: PoolStore
) -> None:
    board = open_board(qtbot, make_board)
    assert board.jobs_dock.isVisible()

    board.jobs_dock.panel.hide_button.click()
    assert not board.jobs_dock.isVisible()
    board.close()
    again = open_board(qtbot, make_board)
    assert not again.jobs_dock.isVisible()

    again.jobs_dock.toggleViewAction().trigger()  # Ctrl+J, View ▸ Jobs panel
    assert again.jobs_dock.isVisible()
    again.close()
    assert open_board(qtbot, make_board).jobs_dock.isVisible()


def test_a_failed_read_keeps_the_last_lists_and_says_why(
    qtbot: QtBot, make_board: BoardFactory, afserver: FakeAfserver, seeded: PoolStore
) -> None:
    afserver.farm.submit_job(token_job("shot", "@lighting"))
    board = open_board(qtbot, make_board)
    panel = board.jobs_dock.panel
    qtbot.waitUntil(lambda: names(panel.bound_model) == ["shot"], timeout=WAIT_MS)

    afserver.stop()

    qtbot.waitUntil(panel.state_label.isVisible, timeout=WAIT_MS)
    assert "refused the connection" in panel.state_label.text()
    assert "The lists are as of" in panel.state_label.text()
    assert names(panel.bound_model) == ["shot"]
