"""Save a PNG of the board on a studio-like farm: ``python -m tests.support.screenshot OUT.png``.

Run in its own process so that the scale factor (``--scale 2`` for a 200 % screen) can be set
before Qt starts. Needs a MongoDB URI (``--mongodb-uri``); the afserver stand-in runs inside.
``--then edit undo redo`` makes those gestures first (a host moved between the first two
columns, then Undo, then Redo, each waited for), so the toolbar shows what an edit does to it.
The README's picture, resources/screenshot.png, is ``--size 1480x860 --then edit`` (every
column of the small farm in sight). ``--jobs`` submits artists' jobs with pool tokens, binds
them with one agent pass, then submits one more that no agent binds (the banner) and two
whose token names no pool; ``--current POOL`` makes a pool current, as a click on its column.
``--usage`` records a day of usage first (sparklines, a starved pool's banner, a scheduled
member) and ``--chart PNG`` saves the first pool's chart. The board remembers its column
order, folded columns and window size in a configuration folder made for the run
(``--config-home`` names one to keep), so that runs never share them, nor the user's board.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from storage.store import PoolStore
    from tests.support.fake_afserver import FakeAfserver


def gestures(
    window: Any, store: Any, steps: list[str], wait_until: Callable[[Callable[[], object]], bool]
) -> bool:
    """A host moved from the first column to the second, then Undo and Redo as asked, each
    waited for until the board shows it and nothing is still being saved."""
    board = window.board
    source, target = board.order()[:2]
    moved = next(n for n in board.columns[source].model.names() if n not in store.pool(target))
    for step in steps:
        if step == "edit":
            window.session.edits.drop([moved], source, target, False)
        else:
            action = window.undo_action if step == "undo" else window.redo_action
            wait_until(action.isEnabled)
            action.trigger()
        there = step != "undo"
        if not wait_until(lambda t=there: (moved in board.columns[target].model.names()) == t):
            print(f"{step}: {moved} did not follow")
            return False
        wait_until(lambda: not window.session.edits.pending)
    return True


def native_view(
    window: Any,
    server: Any,
    drop: bool,
    wait_until: Callable[[Callable[[], object]], bool],
    more: tuple[str, ...] = (),
) -> bool:
    """The Native pools tab with /cpu/small and the pools of ``more`` (parents first); ``drop``:
    two idle renders and a busy one dropped from the root on /gpu, the busy one back with
    afserver's reason."""
    from manager.native_face import NATIVE_TAB
    from tests.support.native_drop import drop as drop_on

    native = window.session.native
    if not wait_until(lambda: native.supported):
        print("afserver's native pools did not come")
        return False
    for path in ("/cpu/small", *more):
        server.farm.add_pool(path)
    wait_until(lambda: all(p in native.pools for p in ("/cpu/small", *more)))
    window.native.tabs.setCurrentIndex(NATIVE_TAB)
    view = window.native.view
    wait_until(lambda: len(view.columns) == len(native.pools))
    if drop:
        wanted = ("rnd-a01", "rnd-a03", "rnd-a04")  # two idle renders and a busy one
        names = [n for n in view.columns["/"].model.names() if n in wanted]
        if not drop_on(view, "/", names, "/gpu"):
            print("the drop was refused")
            return False
        if not wait_until(lambda: native.moves_under_way == 0 and native.notes):
            print("the drop was not answered")
            return False
    return True


JOBS = (  # name, user, hosts mask: what artists typed into their submitters
    ("sq040_sh010_lighting_v012", "anna", "@lighting"),
    ("sq040_sh020_lighting_v003", "anna", "@lighting rnd-b"),
    ("sq040_sh030_beauty", "bob", "@lighting @gpu"),
    ("ocean_sim_v7", "carl", "@gpu"),
    ("comp_sq040_final", "dana", "@comp-nodes"),
    ("lookdev_turntable", "erin", "@lookdev"),
    ("crowd_test_v2", "carl", "@crowds @gpu"),
)
LATE_JOB = ("sq050_sh010_lighting_v001", "anna", "@lighting")


def submit_jobs(server: Any, settings: Any) -> int:
    """The artists' jobs, bound by one pass of an agent, and one submitted after it; returns
    how many jobs hold tokens."""
    from agent.standalone import standalone_agent
    from tests.support.fake_jobs import token_job

    for name, user, mask in JOBS:
        server.farm.submit_job(token_job(name, mask, user=user))
    with standalone_agent(settings) as agent:
        agent.take_lease()
        agent.run_pass(write=True)
        agent.release_lease()
    name, user, mask = LATE_JOB
    server.farm.submit_job(token_job(name, mask, user=user))
    return len(JOBS) + 1


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--mongodb-uri", required=True)
    parser.add_argument("--hosts", type=int, default=0, help="0: the small recorded farm")
    parser.add_argument("--pools", type=int, default=12)
    parser.add_argument("--scale", default="1")
    parser.add_argument("--size", default="1440x860")
    parser.add_argument("--filter", default="")
    parser.add_argument(
        "--scroll-to", default="", help="a pool, or 'last': its column scrolled into view"
    )
    parser.add_argument("--then", nargs="*", default=[], choices=["edit", "undo", "redo"])
    parser.add_argument("--jobs", action="store_true", help="token jobs, bound and waiting")
    parser.add_argument("--current", default="", help="a pool made current, as by a click")
    parser.add_argument(
        "--usage", action="store_true", help="a day of usage recorded: sparklines, a banner"
    )
    parser.add_argument("--chart", type=Path, help="also this picture of the first pool's chart")
    parser.add_argument(
        "--config-home",
        type=Path,
        help="the XDG_CONFIG_HOME the board remembers its columns in (default: a fresh one)",
    )
    parser.add_argument(
        "--native",
        action="store_true",
        help="the Native pools tab; with --then edit, renders dropped on another native pool",
    )
    parser.add_argument(
        "--native-pool",
        action="append",
        default=[],
        help="with --native, one more native pool (parents first): --native-pool /cpu/big/x",
    )
    return parser.parse_args()


def fill_store(store: PoolStore, args: argparse.Namespace) -> FakeAfserver:
    """The pools and the afserver stand-in the picture shows: a studio farm or the small one."""
    from tests.support.fake_afserver import FakeAfserver
    from tests.support.studio_farm import studio_farm

    if args.hosts:
        studio = studio_farm(args.hosts, args.pools)
        server = FakeAfserver(studio.farm)
        for name, members in studio.pools.items():
            store.create(
                name, hosts=members + ([f"{name}-spare-01"] if name.startswith("a") else [])
            )
        store.record_host("ws-night-0042", source="arp", ip="10.9.0.42", mac="aa:bb:cc:00:00:42")
    else:
        server = FakeAfserver()
        store.create("lighting", description="Lighting renders for sequence 040")
        store.add_hosts("lighting", ["rnd-a01", "rnd-a02", "rnd-a03", "rnd-old-07"])
        store.create("gpu", color="#c27ad6")
        store.add_hosts("gpu", ["gpu-01", "ws-anna"])
        store.create("comp-nodes")
        store.add_hosts("comp-nodes", ["rnd-b01", "rnd-b02", "rnd-a01"])
        store.record_host("ws-night-03", source="arp", ip="10.0.3.17", mac="aa:bb:cc:dd:ee:03")
    if args.usage:
        from tests.support import usage_data

        seed = usage_data.seed_big_farm if args.hosts else usage_data.seed_small_farm
        seed(store, time.time())
    return server


def main() -> int:
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="afpools-shot-") as fresh:
        os.environ["XDG_CONFIG_HOME"] = str(args.config_home or fresh)
        return shoot(args)


def shoot(args: argparse.Namespace) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["QT_SCALE_FACTOR"] = args.scale

    from PyQt5.QtCore import QThread
    from PyQt5.QtWidgets import QApplication

    from config.settings import load_settings
    from manager.theme import apply_theme, enable_high_dpi
    from manager.window import MainWindow
    from storage.connection import mongo_client
    from storage.store import PoolStore

    database = f"shot_{uuid.uuid4().hex[:8]}"
    client = mongo_client(args.mongodb_uri, 10)
    store = PoolStore(client[database], user="admin")
    store.ensure_schema()
    server = fill_store(store, args)
    server.start()
    settings = load_settings(
        overrides={
            "mongodb_uri": args.mongodb_uri,
            "mongodb_database": database,
            "afserver_port": server.port,
        }
    )
    jobs = submit_jobs(server, settings) if args.jobs else 0
    enable_high_dpi()
    app = QApplication(sys.argv[:1])
    apply_theme(app)
    window = MainWindow(settings)
    width, height = (int(v) for v in args.size.split("x"))
    window.resize(width, height)
    window.show()
    window.session.start()
    expected_pools = len(store.pools())

    def wait_until(condition: Callable[[], object], ms: int = 30_000) -> bool:
        while ms > 0 and not condition():
            app.processEvents()
            QThread.msleep(20)
            ms -= 20
        return bool(condition())

    wait_until(
        lambda: (
            window.session.farm_session.afserver_ok and len(window.board.columns) == expected_pools
        )
    )
    if args.usage and not wait_until(lambda: window.session.usage.latest is not None):
        print("the usage was not read")
        return 1
    if args.native:
        more = tuple(args.native_pool)
        if not native_view(window, server, "edit" in args.then, wait_until, more):
            return 1
    elif args.then and not gestures(window, store, args.then, wait_until):
        return 1
    if jobs and not wait_until(lambda: len(window.session.jobs.decisions()) == jobs):
        print("the jobs panel did not list the jobs")
        return 1
    if args.current:
        window.board.set_current_pool(args.current)
    window.filter_edit.setText(args.filter)
    for _ in range(5):  # queued layout work (scroll bars appear one event loop turn later)
        app.processEvents()
    if args.scroll_to:  # a column out of sight until now: it must catch up as it comes
        view = window.native.view if args.native else window.board
        view.scroll_to(view.order()[-1] if args.scroll_to == "last" else args.scroll_to)
        for _ in range(5):
            app.processEvents()
    if args.jobs:  # what the window cannot be narrower than, for a person to check
        print(f"jobs panel at least {window.jobs_dock.minimumSizeHint().width()} px wide")
    window.grab().save(str(args.out))
    if args.chart:
        from tests.support.usage_data import grab_chart

        if not grab_chart(window, window.board.order()[0], args.chart, wait_until):
            print("the usage chart was not drawn")
            return 1
    columns = len(window.board.columns)
    window.close()
    server.stop()
    client.drop_database(database)
    client.close()
    print(f"{args.out} {columns} pool columns")
    return 0 if columns == expected_pools else 1


if __name__ == "__main__":
    sys.exit(main())
