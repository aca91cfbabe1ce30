"""The /v1/native answer the keeper keeps: built once per change, kept through an outage."""

from __future__ import annotations

import json

from afserver.client import AfserverClient
from afserver.renders import hosts_from_renders
from poolserver.native_view import NativeBook
from tests.support.fake_afserver import FakeAfserver
from tests.support.fake_farm import FakeFarm


def test_the_answer_is_rebuilt_only_when_the_tree_changes() -> None:
    book = NativeBook()
    assert (book.view.answer, book.view.problem) == (None, "afserver has not been read yet.")
    with FakeAfserver(FakeFarm.recorded()) as afserver:
        client = AfserverClient("127.0.0.1", afserver.port, user_name="a", host_name="b")

        book.read(client, tuple(hosts_from_renders(client.renders())))
        first = book.view
        book.read(client, tuple(hosts_from_renders(client.renders())))
        assert book.view is first  # same bytes, same ETag: plugins get 304s

        afserver.farm.update_render("rnd-a01", pool="/gpu")
        book.read(client, tuple(hosts_from_renders(client.renders())))
        assert book.view.answer is not None and first.answer is not None
        assert book.view.answer.etag != first.answer.etag

    book.unreachable("afserver at x refused the connection.")
    assert book.view.answer is not None
    body = json.loads(book.view.answer.body)
    assert body["afserver"] == "unreachable"
    assert book.view.problem == "afserver at x refused the connection."
    assert [pool["path"] for pool in body["pools"]] == ["/", "/cpu", "/cpu/big", "/gpu"]


def test_an_outage_before_the_first_read_is_the_problem_told() -> None:
    book = NativeBook()
    book.unreachable("afserver at x refused the connection.")
    assert (book.view.answer, book.view.problem) == (None, "afserver at x refused the connection.")
