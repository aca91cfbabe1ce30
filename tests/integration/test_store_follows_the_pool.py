"""A concurrent rename does not turn a success into a failure: a write follows its pool by
``_id``, in the CLI, the board's edits and the service's HTTP writes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pymongo import MongoClient
from pymongo.collection import Collection

from pools.edits import Edit, apply_step
from poolserver.service import BackgroundService
from storage.store import PoolStore
from tests.support.cli import Run
from tests.support.poolservice import call, service_settings

pytestmark = pytest.mark.integration

Document = dict[str, Any]
TOKEN = "token-for-the-rename-race"


@pytest.fixture
def renamed_right_after_the_add(
    monkeypatch: pytest.MonkeyPatch, mongo: MongoClient[Document], database_name: str
) -> Iterator[Callable[[str, str], None]]:
    """Arrange for another admin to rename a pool right after the next membership update."""
    real = Collection.find_one_and_update
    plan: list[tuple[str, str]] = []

    def then_rename(self: Collection[Document], filter: Any, update: Any, *a: Any, **k: Any) -> Any:
        result = real(self, filter, update, *a, **k)
        touches = {**update.get("$set", {}), **update.get("$addToSet", {})}
        if plan and self.name == "pools" and "clients" in touches:
            old, new = plan.pop()
            mongo[database_name].pools.update_one({"name": old}, {"$set": {"name": new}})
        return result

    monkeypatch.setattr(Collection, "find_one_and_update", then_rename)
    yield lambda old, new: plan.append((old, new))


def test_the_cli_reports_the_add_that_was_made(
    cli: Run, store: PoolStore, renamed_right_after_the_add: Callable[[str, str], None]
) -> None:
    store.create("ren4")
    renamed_right_after_the_add("ren4", "ren5")

    assert cli("pools", "add", "ren4", "x-01") == (0, "Added x-01 to pool 'ren4'.\n", "")
    assert store.pool("ren5").hostnames == ("x-01",)


def test_a_board_edit_is_saved_as_a_step(
    store: PoolStore, renamed_right_after_the_add: Callable[[str, str], None]
) -> None:
    store.create("lighting")
    renamed_right_after_the_add("lighting", "lights")

    step = apply_step(store, "Add rnd-01 to lighting", [Edit("add", "lighting", ("rnd-01",))])

    assert step is not None
    assert step.applied == (Edit("add", "lighting", ("rnd-01",)),)
    assert store.pool("lights").hostnames == ("rnd-01",)


def test_an_http_write_answers_200_with_the_pool(
    store: PoolStore,
    nx_server: str,
    database_name: str,
    renamed_right_after_the_add: Callable[[str, str], None],
) -> None:
    store.create("gpu", hosts=["gpu-01"])
    settings = service_settings(
        nx_server, database_name, service_writes=True, service_write_token=TOKEN
    )
    running = BackgroundService(settings).start()
    try:
        renamed_right_after_the_add("gpu", "gpus")
        reply = call(
            running.http_port,
            "/v1/pools/gpu/hosts",
            method="POST",
            body={"hosts": ["gpu-02"]},
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
    finally:
        running.stop()

    assert reply.status == 200
    assert reply.json()["changed"] == ["gpu-02"]
    assert store.pool("gpus").hostnames == ("gpu-01", "gpu-02")
