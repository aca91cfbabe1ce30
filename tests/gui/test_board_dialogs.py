"""Pool dialogs, hosts typed by name, and what the window remembers between runs."""

from __future__ import annotations

import pytest
from PyQt5.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from manager.column import mask_preview
from manager.dialogs import AddHostsDialog, PoolForm
from manager.host_card import detail_texts
from manager.window import MainWindow
from storage.store import PoolStore
from tests.gui.conftest import WAIT_MS, BoardFactory, answer_dialog, ok_button, shown, wait_members
from tests.support.label_fit import lines_fit

pytestmark = pytest.mark.gui


def test_new_pool_dialog_checks_the_name_as_it_is_typed(qtbot: QtBot, seeded: PoolStore) -> None:
    form = PoolForm("New pool", ["gpu", "lighting"])
    qtbot.addWidget(form)

    states = []
    for text in ("", "GPU", "x" * 65, "comp (A) [2]*"):
        form.name_edit.setText(text)
        states.append((ok_button(form).isEnabled(), form.problem.text()))

    assert states == [
        (False, ""),
        (False, "A pool named 'gpu' already exists."),  # the pool there, as it is named
        (False, f"A pool name can have at most 64 characters; '{'x' * 20}...' has 65."),
        (True, ""),
    ]


def test_the_pool_dialog_says_when_it_trims_the_name_or_no_token_can_name_it(
    qtbot: QtBot, seeded: PoolStore
) -> None:
    form = PoolForm("New pool", ["gpu"])
    qtbot.addWidget(form)

    form.name_edit.setText("  comp nodes ")

    assert ok_button(form).isEnabled()
    assert form.name == "comp nodes"
    no_token = (
        "Artists cannot type pool 'comp nodes' as a token in a hosts mask: its name holds a space."
    )
    assert form.note.text() == (
        f"The spaces around it are left out: the pool is named 'comp nodes'. {no_token}"
    )
    form.name_edit.setText("comp nodes")
    assert form.note.text() == no_token  # allowed, as 'main.py pools create' allows it
    assert ok_button(form).isEnabled()
    form.name_edit.setText("comp-nodes")
    assert form.note.text() == ""


def test_new_pool_from_the_menu_appears_as_a_column(
    qtbot: QtBot, seeded: PoolStore, board: MainWindow
) -> None:
    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, PoolForm)
        dialog.name_edit.setText("comp nodes")
        dialog.description_edit.setText("Nuke farm")
        dialog.accept()

    answer_dialog(fill)
    board.new_pool_action.trigger()

    qtbot.waitUntil(lambda: "comp nodes" in board.board.columns, timeout=WAIT_MS)
    assert seeded.pool("comp nodes").description == "Nuke farm"
    qtbot.waitUntil(
        lambda: board.board.columns["comp nodes"].description_label.text() == "Nuke farm",
        timeout=WAIT_MS,
    )


def test_rename_from_the_menu_keeps_the_members(
    qtbot: QtBot, seeded: PoolStore, board: MainWindow
) -> None:
    wait_members(qtbot, board, "gpu", ["gpu-01"])
    board.board.set_current_pool("gpu")

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, PoolForm)
        dialog.name_edit.setText("gpu-a100")
        dialog.accept()

    answer_dialog(fill)
    board.rename_action.trigger()

    wait_members(qtbot, board, "gpu-a100", ["gpu-01"])


def test_the_rename_dialog_shows_the_pools_description_and_colour(
    qtbot: QtBot, seeded: PoolStore, board: MainWindow
) -> None:
    wait_members(qtbot, board, "gpu", ["gpu-01"])
    seeded.set_description("gpu", "A100 render nodes")
    seeded.set_color("gpu", "#c27ad6")
    qtbot.waitUntil(
        lambda: board.board.columns["gpu"].description_label.text() == "A100 render nodes",
        timeout=WAIT_MS,
    )
    board.board.set_current_pool("gpu")
    seen: list[tuple[str, bool, str]] = []

    def look(dialog: QDialog) -> None:
        assert isinstance(dialog, PoolForm)
        edit = dialog.description_edit
        seen.append((edit.text(), edit.isEnabled(), dialog.swatch.toolTip()))
        dialog.reject()

    answer_dialog(look)
    board.rename_action.trigger()

    assert seen == [("A100 render nodes", False, "#c27ad6")]


def test_hosts_typed_by_name_are_validated_and_join_the_pool(
    qtbot: QtBot, seeded: PoolStore, board: MainWindow
) -> None:
    wait_members(qtbot, board, "gpu", ["gpu-01"])
    seen: list[tuple[bool, str]] = []

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, AddHostsDialog)
        dialog.names_edit.setPlainText("gpu-02 gpu 03")
        seen.append((ok_button(dialog).isEnabled(), dialog.summary.text()))
        dialog.names_edit.setPlainText("gpu-02, gpu-03\ngpu-02")
        seen.append((ok_button(dialog).isEnabled(), dialog.summary.text()))
        dialog.pool_box.setCurrentText("gpu")
        dialog.accept()

    answer_dialog(fill)
    board.add_hosts_action.trigger()

    wait_members(qtbot, board, "gpu", ["gpu-01", "gpu-02", "gpu-03"])
    assert seen == [(True, "3 hosts"), (True, "2 hosts")]
    assert {h.name for h in seeded.known_hosts()} == {"gpu-02", "gpu-03"}
    assert "gpu-03" in shown(board, None)
    seeded.add_hosts("gpu", ["gpu-04"])  # what 'main.py pools add gpu gpu-04' does
    wait_members(qtbot, board, "gpu", ["gpu-01", "gpu-02", "gpu-03", "gpu-04"])
    hosts = board.session.farm.hosts
    assert detail_texts(hosts["gpu-03"]) == detail_texts(hosts["gpu-04"])
    assert detail_texts(hosts["gpu-04"])[0] == "added by name"


def test_a_name_with_a_control_character_is_refused_in_the_dialog(qtbot: QtBot) -> None:
    dialog = AddHostsDialog(["gpu"], None)
    qtbot.addWidget(dialog)

    dialog.names_edit.setPlainText("ok-01 bad\x07name")

    assert not ok_button(dialog).isEnabled()
    assert dialog.problem.text() == (
        "'bad\\x07name': '\\x07' cannot be in a host name (letters, digits, hyphens, dots)."
    )


def test_names_no_machine_can_have_are_refused_with_the_reason(qtbot: QtBot) -> None:
    """The names a new admin typed and the dialog once accepted silently."""
    dialog = AddHostsDialog(["gpu"], None)
    qtbot.addWidget(dialog)

    dialog.names_edit.setPlainText("host$1 a.b*c -lead (x)")

    assert not ok_button(dialog).isEnabled()
    assert dialog.problem.text().splitlines() == [
        "'host$1': '$' cannot be in a host name (letters, digits, hyphens, dots).",
        "'a.b*c': '*' cannot be in a host name (letters, digits, hyphens, dots).",
        "'-lead': a host name never starts or ends a part with a hyphen.",
        "'(x)': '(', ')' cannot be in a host name (letters, digits, hyphens, dots).",
    ]


def test_every_reason_shows_whole_however_long_the_names(qtbot: QtBot) -> None:
    """A 70-letter name ran the last reason off the dialog's edge, and lines below its
    bottom; the name is shortened in the sentence (whole in the box) and the dialog grows."""
    dialog = AddHostsDialog(["gpu"], None)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)

    dialog.names_edit.setPlainText("RND_07 host.studio.local -lead trail- a..b " + "x" * 70)

    assert "…" in dialog.problem.text().splitlines()[-1]
    assert "at most 63 characters" in dialog.problem.text()
    qtbot.waitUntil(lambda: lines_fit(dialog.problem) and lines_fit(dialog.remark))
    assert dialog.remark.geometry().bottom() < dialog.buttons.geometry().top()


def test_unusual_names_get_a_remark_and_are_allowed(qtbot: QtBot) -> None:
    dialog = AddHostsDialog(["gpu"], None)
    qtbot.addWidget(dialog)

    dialog.names_edit.setPlainText("ws_anna rnd-01.studio.lan")

    assert ok_button(dialog).isEnabled()
    assert dialog.problem.text() == ""
    assert dialog.remark.text().splitlines() == [
        "ws_anna has an underscore, which DNS host names do not allow.",
        "rnd-01.studio.lan is a full domain name; afserver usually names renders by the short"
        " name.",
    ]


def test_a_name_the_farm_already_knows_is_taken_as_it_is(qtbot: QtBot) -> None:
    """afserver reports renders under whatever name their machine has."""
    dialog = AddHostsDialog(["gpu"], None, known={"render(1)"})
    qtbot.addWidget(dialog)

    dialog.names_edit.setPlainText("render(1)")

    assert ok_button(dialog).isEnabled()
    assert dialog.hostnames == ["render(1)"]


def test_new_pools_get_the_colour_the_dialog_shows_and_differ_from_each_other(
    qtbot: QtBot, seeded: PoolStore, board: MainWindow
) -> None:
    shown_colours: list[str] = []

    def create(name: str) -> None:
        def fill(dialog: QDialog) -> None:
            assert isinstance(dialog, PoolForm)
            dialog.name_edit.setText(name)
            shown_colours.append(dialog.swatch.toolTip())
            dialog.accept()

        answer_dialog(fill)
        board.new_pool_action.trigger()
        qtbot.waitUntil(lambda: name in board.board.columns, timeout=WAIT_MS)

    create("comp")
    create("fx")

    stored = [seeded.pool("comp").color, seeded.pool("fx").color]
    columns = [board.board.pool_color(name).name() for name in ("comp", "fx")]
    others = {board.board.pool_color(name).name() for name in ("gpu", "lighting")}
    assert shown_colours == stored == columns
    assert len({*stored, *others}) == 4


def test_column_order_collapse_and_geometry_are_remembered(
    qtbot: QtBot, seeded: PoolStore, make_board: BoardFactory
) -> None:
    first = make_board()
    wait_members(qtbot, first, "gpu", ["gpu-01"])
    first.board.move_column("lighting", -1)
    first.board.columns["gpu"].set_collapsed(True)
    first.resize(777, 543)  # inside the 800x600 offscreen screen
    first.close()

    second = make_board()
    wait_members(qtbot, second, "lighting", ["rnd-a01", "rnd-a02"])

    assert second.board.order() == ["lighting", "gpu"]
    assert second.board.columns["gpu"].collapsed
    assert second.board.columns["gpu"].model.member_count() == 1  # what its strip says
    assert (second.width(), second.height()) == (777, 543)


def test_columns_open_in_the_order_the_pools_were_created(
    qtbot: QtBot, store: PoolStore, make_board: BoardFactory
) -> None:
    for name in ("lighting", "gpu", "comp-nodes"):
        store.create(name)
    first = make_board()
    qtbot.waitUntil(lambda: len(first.board.columns) == 3, timeout=WAIT_MS)
    assert first.board.order() == ["lighting", "gpu", "comp-nodes"]
    first.close()
    store.create("b-roll")  # by another board or the command line, while this one was closed

    second = make_board()
    qtbot.waitUntil(lambda: len(second.board.columns) == 4, timeout=WAIT_MS)

    assert second.board.order() == ["lighting", "gpu", "comp-nodes", "b-roll"]


def test_a_first_start_explains_what_to_do(qtbot: QtBot, make_board: BoardFactory) -> None:
    window = make_board(afserver_port=9)  # nothing answers there: an empty farm

    assert window.board.no_pools.isVisible()
    assert "New pool… (Ctrl+N)" in window.board.no_pools.text()
    assert window.board.farm_column.view.empty_hint().startswith("No machines yet.")


def test_the_pool_service_settings_open_from_the_file_menu(qtbot: QtBot, board: MainWindow) -> None:
    seen: list[str] = []

    def close(dialog: QDialog) -> None:
        seen.append(type(dialog).__name__)
        dialog.reject()

    answer_dialog(close)
    board.service_action.trigger()

    assert seen == ["ServiceDialog"]


def test_hovering_a_pool_header_previews_its_mask(
    qtbot: QtBot, seeded: PoolStore, board: MainWindow
) -> None:
    wait_members(qtbot, board, "lighting", ["rnd-a01", "rnd-a02"])

    tip = mask_preview(board.session.farm, "lighting")

    assert "2 hosts" in tip
    assert "<code>rnd-a0[12]</code>" in tip


def test_a_known_name_in_other_letters_gets_a_remark(qtbot: QtBot) -> None:
    """RND-A01 next to the farm's rnd-a01 went in silently, as a second machine."""
    dialog = AddHostsDialog(["gpu"], None, known={"rnd-a01"})
    qtbot.addWidget(dialog)

    dialog.names_edit.setPlainText("RND-A01 rnd-a01")

    assert ok_button(dialog).isEnabled()  # allowed: it may be another machine
    assert dialog.remark.text() == (
        "RND-A01 is not rnd-a01, which the farm knows: names are matched exactly."
    )
