"""One merge for every face: the board's incremental Farm and a whole-snapshot merge agree."""

from __future__ import annotations

from random import Random

from hypothesis import given, settings
from hypothesis import strategies as st

from pools.farm import Farm
from pools.host_merge import merge_hosts
from pools.model import Host, HostState, KnownHost, Pool, RenderFlags

# Few stems in several spellings: the same machine seen by afserver and by a scan.
names = st.sampled_from(["rnd-01", "RND-01", "Rnd-01", "gpu-02", "GPU-02", "ws-anna", "pc"])
addresses = st.sampled_from(["", "10.0.0.1", "10.0.0.2"])
macs = st.sampled_from(["", "02:00:00:00:00:01", "02:00:00:00:00:02"])
renders = st.lists(
    st.builds(
        lambda name, st_, ip: Host(
            name,
            state=HostState.from_flags(RenderFlags(st_)),
            flags=RenderFlags(st_),
            ip=ip,
            sources=frozenset({"afserver"}),
        ),
        names,
        st.sampled_from([0, 1, 9, 257]),
        addresses,
    ),
    max_size=5,
    unique_by=lambda host: host.name,
)
known = st.lists(
    st.builds(
        KnownHost,
        names,
        addresses,
        macs,
        st.lists(st.sampled_from(["arp", "dns", "manual"]), min_size=1, max_size=2).map(tuple),
    ),
    max_size=5,
    unique_by=lambda host: host.name,
)
pools = st.lists(
    st.builds(Pool, st.sampled_from(["a", "b"]), st.lists(names, max_size=3).map(tuple)),
    max_size=2,
    unique_by=lambda pool: pool.name,
)


@settings(max_examples=300, deadline=None)
@given(renders, known, pools, renders, known, pools, st.randoms(use_true_random=False))
def test_the_farm_fed_step_by_step_ends_where_one_whole_merge_does(
    renders_before: list[Host],
    known_before: list[KnownHost],
    pools_before: list[Pool],
    renders_now: list[Host],
    known_now: list[KnownHost],
    pools_now: list[Pool],
    rng: Random,
) -> None:
    farm = Farm()
    steps = [
        lambda: farm.replace_renders(renders_before),
        lambda: farm.apply_store(pools_before, known_before),
    ]
    rng.shuffle(steps)
    later = [
        lambda: farm.replace_renders(renders_now),
        lambda: farm.apply_store(pools_now, known_now),
    ]
    rng.shuffle(later)
    for step in steps + later:
        step()

    assert farm.hosts == merge_hosts(renders_now, known_now, pools_now)


def test_a_scan_sighting_joins_its_render_whatever_the_case() -> None:
    render = Host("RENDER-01", state=HostState.ONLINE, sources=frozenset({"afserver"}))
    seen = KnownHost("render-01", ip="10.0.0.1", mac="02:00:00:00:00:01", sources=("arp",))

    merged = merge_hosts([render], [seen], [])

    assert list(merged) == ["RENDER-01"]
    assert merged["RENDER-01"].ip == "10.0.0.1"
    assert merged["RENDER-01"].mac == "02:00:00:00:00:01"
    assert merged["RENDER-01"].sources == {"afserver", "arp"}


def test_a_pool_that_holds_the_other_spelling_keeps_it_in_view() -> None:
    render = Host("RENDER-01", ip="10.0.0.5", sources=frozenset({"afserver"}))
    seen = KnownHost("render-01", ip="10.0.0.1", sources=("arp",))

    merged = merge_hosts([render], [seen], [Pool("night", ("render-01", "ws-off"))])

    assert sorted(merged) == ["RENDER-01", "render-01", "ws-off"]
    assert merged["RENDER-01"].ip == "10.0.0.5"  # the render's own address wins
    assert merged["render-01"].sources == {"arp"}
    assert merged["ws-off"].sources == {"pool"}
