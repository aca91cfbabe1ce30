"""One column's model over the farm, watched by the model tester through every change."""

from __future__ import annotations

from manager.evented_farm import EventedFarm
from manager.host_model import HOST_ROLE, RESET_ABOVE, STALE_ROLE, WAKING_ROLE, HostListModel
from pools.farm import HostFilter
from pools.model import HostState, Pool
from tests.unit.manager.conftest import Watch
from tests.unit.manager.farm_data import BUSY, ONLINE, RowSignals, names, render, rows


def test_the_farm_column_follows_renders_as_they_come_change_and_go(
    evented: EventedFarm, watch: Watch
) -> None:
    model = HostListModel(evented, None)
    watch(model)
    signals = RowSignals().follow(model)

    evented.apply_renders([render("rnd-10"), render("rnd-2"), render("gpu-01")])
    assert rows(model) == ["gpu-01", "rnd-2", "rnd-10"]  # as an admin counts
    signals.clear()

    evented.apply_renders([render("rnd-2", BUSY)])
    assert signals.seen == [("changed", 1, 1)]
    assert model.data(model.index(1), HOST_ROLE).state is HostState.BUSY
    signals.clear()

    evented.apply_renders([render("rnd-05")])
    assert signals.seen == [("inserted", 2, 2)]  # rnd-2, rnd-05, rnd-10
    signals.clear()

    evented.apply_renders([], removed={"rnd-2"})
    assert signals.seen == [("removed", 1, 1)]
    assert rows(model) == ["gpu-01", "rnd-05", "rnd-10"]


def test_a_pool_column_follows_its_pool_and_nothing_else(
    evented: EventedFarm, watch: Watch
) -> None:
    evented.apply_renders([render(n) for n in ("rnd-01", "rnd-02", "gpu-01")])
    lighting = HostListModel(evented, "lighting")
    gpu = HostListModel(evented, "gpu")
    for model in (lighting, gpu):
        watch(model)
    lighting_signals = RowSignals().follow(lighting)

    evented.apply_store([Pool("lighting", ("rnd-01", "rnd-02")), Pool("gpu", ("gpu-01",))], [])
    assert rows(lighting) == ["rnd-01", "rnd-02"]
    assert rows(gpu) == ["gpu-01"]
    lighting_signals.clear()

    evented.apply_renders([render("gpu-01", BUSY)])  # not a member: not a signal
    assert lighting_signals.seen == []

    evented.apply_store([Pool("lighting", ("rnd-01",)), Pool("gpu", ("gpu-01", "rnd-02"))], [])
    assert rows(lighting) == ["rnd-01"]
    assert rows(gpu) == ["gpu-01", "rnd-02"]
    assert ("reset",) not in lighting_signals.seen


def test_a_renamed_pool_keeps_its_model_and_rows(evented: EventedFarm, watch: Watch) -> None:
    evented.apply_store([Pool("gpu", ("gpu-01", "gpu-02"), description="GPUs")], [])
    model = HostListModel(evented, "gpu")
    watch(model)
    signals = RowSignals().follow(model)

    evented.apply_store([Pool("gpu-a100", ("gpu-01", "gpu-02"), description="GPUs")], [])

    assert model.pool == "gpu-a100"
    assert rows(model) == ["gpu-01", "gpu-02"]
    assert {"inserted", "removed", "reset"}.isdisjoint(signals.kinds())


def test_a_column_made_after_the_farm_filled_starts_with_what_is_there(
    evented: EventedFarm, watch: Watch
) -> None:
    evented.apply_renders([render("rnd-01"), render("rnd-02")])
    evented.apply_store([Pool("gpu", ("gpu-01",))], [])
    evented.set_filter(HostFilter("rnd"))
    evented.set_stale(True)

    farm_column, gpu = HostListModel(evented, None), HostListModel(evented, "gpu")
    watch(farm_column)
    watch(gpu)

    assert rows(farm_column) == ["rnd-01", "rnd-02"]
    assert gpu.member_count() == 1
    assert rows(gpu) == []  # gpu-01 does not match "rnd"
    assert farm_column.data(farm_column.index(0), STALE_ROLE) is True


def test_a_filter_hides_and_shows_rows_one_range_at_a_time(
    evented: EventedFarm, watch: Watch
) -> None:
    evented.apply_renders([render(n) for n in names("rnd", 6) + names("gpu", 3)])
    model = HostListModel(evented, None)
    watch(model)
    signals = RowSignals().follow(model)

    evented.set_filter(HostFilter("gpu"))
    assert rows(model) == names("gpu", 3)
    assert signals.seen == [("removed", 3, 8)]  # the rnd hosts, sorted after the gpu ones
    signals.clear()

    evented.set_filter(HostFilter(""))
    assert rows(model) == names("gpu", 3) + names("rnd", 6)
    assert signals.kinds() == {"inserted"}


def test_a_filter_that_scatters_more_ranges_than_reset_above_resets_once(
    evented: EventedFarm, watch: Watch
) -> None:
    hosts = names("rnd", 2 * (RESET_ABOVE + 2))
    evented.apply_renders([render(n, BUSY if i % 2 else ONLINE) for i, n in enumerate(hosts)])
    model = HostListModel(evented, None)
    watch(model)
    signals = RowSignals().follow(model)

    evented.set_filter(HostFilter("", "busy"))  # every other row goes
    assert signals.seen == [("reset",)]
    assert rows(model) == hosts[1::2]
    signals.clear()

    evented.set_filter(HostFilter("", "all"))  # and comes back between the others
    assert signals.seen == [("reset",)]
    assert rows(model) == hosts


def test_removals_below_reset_above_are_row_signals_and_above_one_reset(
    evented: EventedFarm, watch: Watch
) -> None:
    hosts = names("rnd", 4 * (RESET_ABOVE + 2))
    evented.apply_renders([render(n) for n in hosts])
    model = HostListModel(evented, None)
    watch(model)
    signals = RowSignals().follow(model)

    few = hosts[0:RESET_ABOVE:2]  # RESET_ABOVE / 2 separate rows
    evented.apply_renders([], removed=set(few))
    assert signals.kinds() == {"removed"}
    assert len(signals.seen) == len(few)
    signals.clear()

    left = rows(model)
    many = left[0 : 2 * (RESET_ABOVE + 1) : 2]  # RESET_ABOVE + 1 separate rows
    evented.apply_renders([], removed=set(many))
    assert signals.seen == [("reset",)]
    assert rows(model) == [n for n in left if n not in many]


def test_a_filtered_column_follows_state_changes(evented: EventedFarm, watch: Watch) -> None:
    evented.apply_renders([render("rnd-01"), render("rnd-02"), render("rnd-03", BUSY)])
    evented.apply_store([Pool("lighting", ("rnd-01", "rnd-02"))], [])
    evented.set_filter(HostFilter("", "busy"))
    model = HostListModel(evented, "lighting")
    watch(model)
    assert rows(model) == []

    evented.apply_renders([render("rnd-02", BUSY)])
    assert rows(model) == ["rnd-02"]

    evented.apply_renders([render("rnd-02", ONLINE), render("rnd-01", BUSY)])
    assert rows(model) == ["rnd-01"]


def test_stale_and_waking_repaint_the_rows_they_concern(evented: EventedFarm, watch: Watch) -> None:
    evented.apply_renders([render("rnd-01"), render("rnd-02", 0, mac="02:00:00:00:00:02")])
    model = HostListModel(evented, None)
    watch(model)
    signals = RowSignals().follow(model)

    evented.set_stale(True)
    assert signals.seen == [("changed", 0, 1)]
    assert model.data(model.index(0), STALE_ROLE) is True
    signals.clear()

    evented.set_waking("rnd-02", True)
    assert signals.seen == [("changed", 1, 1)]
    assert model.data(model.index(1), WAKING_ROLE) is True
    assert model.data(model.index(0), WAKING_ROLE) is False
    signals.clear()

    evented.set_waking("rnd-02", False)
    assert signals.seen == [("changed", 1, 1)]
    assert model.data(model.index(1), WAKING_ROLE) is False


def test_a_pool_column_recounts_when_its_members_change_and_only_then(
    evented: EventedFarm,
) -> None:
    evented.apply_renders([render("rnd-01"), render("gpu-01")])
    evented.apply_store([Pool("gpu", ("gpu-01",))], [])
    evented.set_filter(HostFilter("nothing-matches"))
    model = HostListModel(evented, "gpu")
    recounts: list[None] = []
    model.counts_changed.connect(lambda: recounts.append(None))

    evented.apply_renders([render("rnd-01", BUSY)])
    assert recounts == []

    evented.apply_renders([render("gpu-01", BUSY)])  # hidden by the filter, counted all the same
    assert len(recounts) == 1


def test_a_column_out_of_sight_waits_and_catches_up_when_it_comes_into_sight(
    evented: EventedFarm, watch: Watch
) -> None:
    evented.apply_renders([render(n) for n in names("rnd", 4)])
    evented.apply_store([Pool("lighting", ("rnd-001", "rnd-002"))], [])
    model = HostListModel(evented, "lighting")
    watch(model)
    model.set_in_sight(False)
    signals = RowSignals().follow(model)

    evented.apply_store([Pool("lighting", ("rnd-001", "rnd-002", "rnd-003", "rnd-004"))], [])
    evented.apply_renders([render("rnd-003", BUSY), render("rnd-004", BUSY)])
    evented.set_filter(HostFilter("", "busy"))
    evented.set_stale(True)
    assert signals.seen == []  # nothing on screen to keep up to date
    assert rows(model) == ["rnd-001", "rnd-002"]
    assert model.member_count() == 4  # what a collapsed column's strip shows

    model.set_in_sight(True)

    assert rows(model) == ["rnd-003", "rnd-004"]
    assert model.data(model.index(0), HOST_ROLE).state is HostState.BUSY
    assert model.data(model.index(0), STALE_ROLE) is True


def test_a_column_out_of_sight_still_says_when_its_members_change(
    evented: EventedFarm,
) -> None:
    evented.apply_store([Pool("gpu", ("gpu-01",))], [])
    model = HostListModel(evented, "gpu", in_sight=False)
    recounts: list[None] = []
    model.counts_changed.connect(lambda: recounts.append(None))

    evented.apply_renders([render("gpu-01", BUSY)])  # a state: counted when it shows again
    assert recounts == []

    evented.apply_store([Pool("gpu", ("gpu-01", "gpu-02"))], [])
    assert len(recounts) == 1
    assert rows(model) == []  # never in sight yet: it has not sorted a single host


def test_a_state_change_under_a_filter_moves_only_the_rows_it_concerns(
    evented: EventedFarm, watch: Watch
) -> None:
    hosts = names("rnd", 2 * RESET_ABOVE)
    evented.apply_renders([render(n, BUSY) for n in hosts])
    evented.set_filter(HostFilter("", "busy"))
    model = HostListModel(evented, None)
    watch(model)
    signals = RowSignals().follow(model)

    evented.apply_renders([render("rnd-002", ONLINE), render("rnd-009", ONLINE)])
    assert signals.seen == [("removed", 8, 8), ("removed", 1, 1)]
    signals.clear()

    evented.apply_renders([render("rnd-009", BUSY)])
    assert signals.seen == [("inserted", 7, 7), ("changed", 7, 7)]
    assert rows(model) == [n for n in hosts if n != "rnd-002"]
