"""What keeps the board cheap on a big farm gives the same answers as counting afresh."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pools.farm import ONLINE_STATES, Farm, HostCounts, HostFilter
from pools.model import Host, HostState, KnownHost, Pool, RenderFlags

NAMES = [f"rnd-{i:02d}" for i in range(8)] + ["gpu-01", "GPU-02", "gpu-02"]
ST = (0, 1, 3, 9, 257, 513)  # off, online, nimby, busy, paused, sick


def render(name: str, st: int) -> Host:
    flags = RenderFlags(st)
    state = HostState.from_flags(flags)
    return Host(name, state=state, flags=flags, sources=frozenset({"afserver"}))


def counted_afresh(farm: Farm, pool: str | None) -> HostCounts:
    names = farm.members(pool) if pool is not None else tuple(farm.hosts)
    states = [farm.hosts[n].state for n in names if n in farm.hosts]
    return HostCounts(
        total=len(names),
        online=sum(state in ONLINE_STATES for state in states),
        busy=sum(state is HostState.BUSY for state in states),
    )


polls = st.lists(st.tuples(st.sampled_from(NAMES), st.sampled_from(ST)), max_size=8)
stores = st.lists(
    st.tuples(st.sampled_from(["a", "b", "c", "d"]), st.sets(st.sampled_from(NAMES))),
    max_size=3,
    unique_by=lambda pool: pool[0],
)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("poll"), polls, st.sets(st.sampled_from(NAMES))),
        st.tuples(st.just("store"), stores, st.sets(st.sampled_from(NAMES))),
    ),
    max_size=8,
)


@settings(max_examples=150, deadline=None)
@given(steps)
def test_column_counts_kept_as_hosts_change_equal_counting_afresh(
    history: list[tuple[str, list[tuple[str, object]], set[str]]],
) -> None:
    farm = Farm()
    for kind, items, others in history:
        if kind == "poll":
            farm.apply_renders([render(n, st) for n, st in items], removed=others)  # type: ignore[arg-type]
        else:
            pools = [Pool(name, tuple(sorted(members))) for name, members in items]  # type: ignore[arg-type]
            farm.apply_store(pools, [KnownHost(n, sources=("arp",)) for n in sorted(others)])
        for column in [None, *farm.pools]:
            assert farm.counts(column) == counted_afresh(farm, column)


filters = st.tuples(
    st.lists(st.sampled_from(["r", "rnd", "rnd-0", "gpu", "1", "busy", "on", "a"]), max_size=2),
    st.sampled_from(["all", "online", "busy", "offline"]),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(NAMES), st.sampled_from(ST))), st.lists(filters))
def test_a_filter_typed_further_shows_what_a_fresh_farm_would(
    renders: list[tuple[str, int]], typed: list[tuple[list[str], str]]
) -> None:
    farm = Farm()
    farm.apply_store([Pool("anim", ("rnd-01", "gpu-01"))], [])
    farm.apply_renders([render(n, st) for n, st in renders])
    for words, state in typed:
        spec = HostFilter(" ".join(words), state)
        farm.set_filter(spec)
        fresh = Farm()
        fresh.apply_store([Pool("anim", ("rnd-01", "gpu-01"))], [])
        fresh.apply_renders([render(n, st) for n, st in renders])
        fresh.set_filter(spec)
        assert {n for n in farm.hosts if farm.visible(n)} == {
            n for n in fresh.hosts if fresh.visible(n)
        }


def test_typing_further_narrows_and_deleting_widens_again() -> None:
    farm = Farm()
    farm.apply_renders([render("rnd-01", 1), render("rnd-02", 9), render("gpu-01", 9)])

    def shown(text: str, state: str = "all") -> list[str]:
        farm.set_filter(HostFilter(text, state))
        return sorted(n for n in farm.hosts if farm.visible(n))

    assert shown("r", "busy") == ["rnd-02"]
    assert shown("rnd-0", "busy") == ["rnd-02"]
    assert shown("rnd-01", "busy") == []
    assert shown("rnd", "busy") == ["rnd-02"]  # a word made shorter: looked at afresh
    assert shown("", "busy") == ["gpu-01", "rnd-02"]
    assert shown("gpu busy") == ["gpu-01"]
    assert shown("gpu") == ["gpu-01"]


def test_names_sort_as_an_admin_counts_and_machines_known_by_address_come_last() -> None:
    farm = Farm()
    names = ["rnd-10", "10.0.0.7", "RND-3", "rnd-3", "rnd-2", "9.0.0.1", "gpu-1"]

    assert farm.sorted_names(names) == [
        "gpu-1",
        "rnd-2",
        "RND-3",
        "rnd-3",
        "rnd-10",
        "9.0.0.1",
        "10.0.0.7",
    ]
