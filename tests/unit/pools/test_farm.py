"""The merged farm the board shows: one host per name, whatever told us about it."""

from __future__ import annotations

from pools.farm import Farm, HostFilter, diff_hosts, natural_key
from pools.model import Host, HostState, KnownHost, Pool, RenderFlags


def render(name: str, st: int = 1, **more: object) -> Host:
    flags = RenderFlags(st)
    return Host(
        name,
        state=HostState.from_flags(flags),
        flags=flags,
        sources=frozenset({"afserver"}),
        **more,
    )  # type: ignore[arg-type]


def test_a_render_also_seen_by_a_scan_is_one_host_with_both_sources() -> None:
    farm = Farm()
    farm.apply_renders([render("rnd-01", ip="10.0.0.1")])
    farm.apply_store(
        [], [KnownHost("rnd-01", ip="10.0.0.99", mac="02:00:00:00:00:01", sources=("arp",))]
    )

    host = farm.hosts["rnd-01"]

    assert host.state is HostState.ONLINE
    assert host.ip == "10.0.0.1"  # afserver's address wins
    assert host.mac == "02:00:00:00:00:01"
    assert host.sources == {"afserver", "arp"}


def test_machines_nobody_reports_are_still_on_the_board() -> None:
    farm = Farm()
    change = farm.apply_store(
        [Pool("night", ("ws-off",))], [KnownHost("ws-scan", ip="10.0.0.7", sources=("arp",))]
    )

    assert change.hosts_added == {"ws-off", "ws-scan"}
    assert change.pools_added == {"night"}
    assert farm.hosts["ws-off"].state is HostState.UNKNOWN
    assert farm.hosts["ws-off"].sources == {"pool"}
    assert farm.hosts["ws-scan"].ip == "10.0.0.7"


def test_a_render_that_leaves_afserver_stays_while_a_pool_holds_it() -> None:
    farm = Farm()
    farm.apply_store([Pool("gpu", ("gpu-01",))], [])
    farm.apply_renders([render("gpu-01"), render("rnd-01")])

    change = farm.apply_renders([], removed={"gpu-01", "rnd-01"})

    assert change.hosts_removed == {"rnd-01"}
    assert change.hosts_changed == {"gpu-01"}
    assert farm.hosts["gpu-01"].state is HostState.UNKNOWN


def test_the_filter_needs_every_word_and_matches_name_ip_state_and_pool() -> None:
    farm = Farm()
    farm.apply_store([Pool("lighting", ("rnd-01",))], [])
    farm.apply_renders([render("rnd-01", 9, ip="10.0.0.1"), render("rnd-02", ip="10.0.0.2")])

    def shown(text: str, state: str = "all") -> list[str]:
        farm.set_filter(HostFilter(text, state))
        return [n for n in sorted(farm.hosts) if farm.visible(n)]

    assert shown("") == ["rnd-01", "rnd-02"]
    assert shown("LIGHTING") == ["rnd-01"]
    assert shown("busy rnd") == ["rnd-01"]
    assert shown("10.0.0.2") == ["rnd-02"]
    assert shown("rnd", "offline") == []
    assert shown("", "busy") == ["rnd-01"]


def test_visibility_follows_a_state_change_under_an_active_filter() -> None:
    farm = Farm()
    farm.apply_renders([render("rnd-01")])
    farm.set_filter(HostFilter("", "busy"))
    assert not farm.visible("rnd-01")

    farm.apply_renders([render("rnd-01", 9)])

    assert farm.visible("rnd-01")


def test_hosts_sort_the_way_an_admin_counts() -> None:
    names = ["rnd-10", "rnd-2", "RND-3", "gpu-1"]

    assert sorted(names, key=natural_key) == ["gpu-1", "rnd-2", "RND-3", "rnd-10"]


def test_a_poll_reports_the_hosts_that_changed_or_came_and_the_names_that_went() -> None:
    before = {name: Host(name, state=HostState.ONLINE) for name in ("rnd-01", "rnd-02", "rnd-03")}

    changed, removed = diff_hosts(
        before,
        [
            Host("rnd-01", state=HostState.ONLINE),  # a new object, equal: no change
            before["rnd-02"],
            Host("rnd-03", state=HostState.BUSY),
            Host("rnd-04"),
        ],
    )

    assert [(h.name, h.state) for h in changed] == [
        ("rnd-03", HostState.BUSY),
        ("rnd-04", HostState.UNKNOWN),
    ]
    assert removed == set()
    assert diff_hosts(before, [before["rnd-01"]]) == ([], {"rnd-02", "rnd-03"})


def test_a_scan_spelling_the_name_in_lower_case_joins_the_render() -> None:
    farm = Farm()
    farm.apply_renders([render("RENDER-01", ip="10.0.0.1")])

    farm.apply_store([], [KnownHost("render-01", mac="02:00:00:00:00:01", sources=("arp",))])

    assert list(farm.hosts) == ["RENDER-01"]
    assert farm.hosts["RENDER-01"].mac == "02:00:00:00:00:01"


def test_the_scanned_spelling_comes_back_when_the_render_leaves() -> None:
    farm = Farm()
    farm.apply_renders([render("RENDER-01")])
    farm.apply_store([], [KnownHost("render-01", ip="10.0.0.1", sources=("arp",))])

    change = farm.apply_renders([], removed={"RENDER-01"})

    assert change.hosts_removed == {"RENDER-01"}
    assert change.hosts_added == {"render-01"}
    assert farm.hosts["render-01"].state is HostState.UNKNOWN


def test_a_scan_fills_in_the_address_a_render_lacks_whatever_the_case() -> None:
    farm = Farm()
    farm.apply_renders([render("RENDER-01"), render("rnd-02", ip="10.0.0.2")])

    farm.apply_store(
        [],
        [
            KnownHost("render-01", ip="10.0.0.1", mac="02:00:00:00:00:01", sources=("arp",)),
            KnownHost("rnd-02", ip="10.9.9.9", sources=("dns",)),
        ],
    )

    assert sorted(farm.hosts) == ["RENDER-01", "rnd-02"]
    joined = farm.hosts["RENDER-01"]
    assert (joined.ip, joined.mac, joined.sources) == (
        "10.0.0.1",
        "02:00:00:00:00:01",
        {"afserver", "arp"},
    )
    assert farm.hosts["rnd-02"].ip == "10.0.0.2"  # the render's own address wins


def test_a_paused_sick_or_nimby_render_is_not_counted_online() -> None:
    farm = Farm()
    farm.apply_store([Pool("night", ("on", "busy", "paused", "sick", "nimby", "off"))], [])
    farm.apply_renders(
        [
            render("on"),
            render("busy", 1 | 8),
            render("paused", 1 | 256),
            render("sick", 1 | 512),
            render("nimby", 1 | 2),
            render("off", 0),
        ]
    )

    counts = farm.counts("night")

    assert (counts.total, counts.online, counts.busy) == (6, 2, 1)
    assert farm.counts() == counts  # the Farm column counts every machine the same way
    farm.set_filter(HostFilter("", "online"))
    assert sorted(n for n in farm.hosts if farm.visible(n)) == ["busy", "on"]


def test_a_pool_that_reappears_alike_under_another_name_is_a_rename() -> None:
    farm = Farm()
    farm.apply_store([Pool("gpu", ("gpu-01",), description="GPUs"), Pool("comp", ("rnd-01",))], [])

    change = farm.apply_store(
        [Pool("gpu-a100", ("gpu-01",), description="GPUs"), Pool("comp", ())], []
    )

    assert change.pools_renamed == {"gpu": "gpu-a100"}
    assert change.pools_added == set()
    assert change.pools_removed == set()
    assert change.pools_changed == {"gpu-a100", "comp"}


def test_two_pools_alike_are_no_rename_but_one_leaves_and_two_come() -> None:
    farm = Farm()
    farm.apply_store([Pool("gpu", ("gpu-01",))], [])

    change = farm.apply_store([Pool("gpu-a", ("gpu-01",)), Pool("gpu-b", ("gpu-01",))], [])

    assert change.pools_renamed == {}
    assert change.pools_removed == {"gpu"}
    assert change.pools_added == {"gpu-a", "gpu-b"}
