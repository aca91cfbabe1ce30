"""Where each render shows among native pools: afserver's word, and drops under way."""

from __future__ import annotations

from pools.model import Host
from pools.native import settings_lines
from pools.native_members import NativeMembers


def render(name: str, pool: str) -> Host:
    return Host(name, native_pool=pool, render_id=1)


def test_renders_follow_afserver_and_drops_show_until_settled() -> None:
    members = NativeMembers()
    hosts = {"a": render("a", "/"), "b": render("b", "/gpu"), "scanned": Host("scanned")}
    assert members.update(hosts, hosts) == {"/", "/gpu"}
    assert members.members("/") == {"a"} and members.pool_of("scanned") == ""

    assert members.expect(["a", "nobody"], "/gpu") == {"/", "/gpu"}
    assert members.members("/gpu") == {"a", "b"}
    hosts["a"] = Host("a", native_pool="/", render_id=1, tasks=1)  # a poll before the answer
    assert members.update(hosts, ["a"]) == set()  # still shown where it was dropped
    assert members.agreeing(hosts) == []

    assert members.settle(hosts, ["a"]) == {"/", "/gpu"}  # refused: back where afserver says
    assert members.members("/") == {"a"}

    del hosts["b"]
    assert members.update(hosts, ["b"]) == {"/gpu"}
    assert members.members("/gpu") == set()


def test_settings_lines_show_the_usual_ones_first_and_keep_the_rest() -> None:
    lines = settings_lines(
        {"zeta": 1, "max_tasks_host": 4, "priority": 99, "services": ["blender", "nuke"]}
        | {"running_services": {"generic": 1}, "new_nimby": True}
    )
    assert lines == [
        "priority: 99",
        "max tasks per host: 4",
        "services: blender, nuke",
        "new renders start in NIMBY: yes",
        "zeta: 1",
    ]
    assert settings_lines({}) == []
