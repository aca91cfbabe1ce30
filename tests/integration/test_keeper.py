"""``install-keeper``, read back the way CGRU's Keeper reads its menus (tests/support/keeper.py):
the studio's menus stay, the user's config is not harmed, and no false success."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pytest

from cli import keeper_cmd
from cli.app import main
from cli.keeper_cmd import describe
from keeper_menu.installer import install
from pools.errors import AfpoolsError
from tests.support.keeper import keeper_tray
from tests.support.keeper_setup import make_cgru, make_project, make_studio, write_json

OURS = ["Render Pools...", "Pool Service Settings...", "AfStarter with pools..."]

USER_CONFIG = """{"cgru_config":{
"":"Created by CGRU Keeper at Sat Nov 28 10:00:00 2026",
"":"",
"af_servername":"farm-server",
"smtp_password":"hunter2",
"editor":"gvim \\"%s\\""
}}
"""


@pytest.fixture
def env(tmp_path: Path, fresh_environment: Path) -> dict[str, str]:
    """Keeper's environment: CGRU installed with a studio config, a user with a home."""
    cgru = make_cgru(tmp_path)
    make_studio(tmp_path, cgru)
    return {"CGRU_LOCATION": str(cgru), "HOME": str(fresh_environment)}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path)


def user_config(env: dict[str, str]) -> Path:
    return Path(env["HOME"], ".cgru", "config.json")


def test_the_studios_menu_stays_and_ours_joins_afanasy(
    env: dict[str, str], project: Path, tmp_path: Path
) -> None:
    user_config(env).parent.mkdir()
    user_config(env).write_text(USER_CONFIG)
    before = keeper_tray(env)

    result = install(project, sys.executable, env=env, as_root=False)
    after = keeper_tray(env)

    assert before.menus == ["Studio", "AFANASY"]
    assert after.menus == ["Studio", "AFANASY"]
    assert after.labels("Studio") == ["Publish..."]
    assert after.labels("AFANASY") == [*OURS, "Start Watch..."]
    icons = {item.label: item.icon for item in after.items}
    assert icons["Publish..."] == tmp_path / "studio" / "icons" / "publish.png"
    assert icons["Render Pools..."] == project / "resources" / "icons" / "afpools.png"
    assert icons["AfStarter with pools..."] == project / "resources" / "icons" / "afpools.png"
    assert icons["Start Watch..."] == tmp_path / "cgru" / "icons" / "afwatch.png"
    studio_config = str(tmp_path / "cgru" / "config.json")
    assert f"  menu_path: added {tmp_path / 'studio' / 'menu'} (from {studio_config})" in (
        describe(result)
    )
    assert describe(result)[-1].endswith(
        "Restart Keeper to see 'Render Pools...' and 'AfStarter with pools...'."
    )


def test_installing_twice_changes_nothing_the_second_time(
    env: dict[str, str], project: Path
) -> None:
    first = install(project, sys.executable, env=env, as_root=False)
    text = user_config(env).read_bytes()

    second = install(project, sys.executable, env=env, as_root=False)

    assert first.changed and not second.changed
    assert user_config(env).read_bytes() == text
    assert keeper_tray(env).labels("AFANASY") == [*OURS, "Start Watch..."]
    assert describe(second)[0].endswith("already had afpools; nothing changed in it.")
    assert list(user_config(env).parent.iterdir()) == [user_config(env)]  # no second backup


def test_every_other_setting_and_comment_is_kept(env: dict[str, str], project: Path) -> None:
    user_config(env).parent.mkdir()
    user_config(env).write_text(USER_CONFIG)

    install(project, sys.executable, env=env, as_root=False)
    text = user_config(env).read_text()

    assert text.count('"":') == 2
    assert '"editor":"gvim \\"%s\\""' in text
    assert json.loads(text)["cgru_config"]["smtp_password"] == "hunter2"


@pytest.mark.parametrize("mode", [0o600, 0o640])
def test_a_linked_private_config_stays_a_link_keeps_its_mode_and_gets_a_backup(
    env: dict[str, str], project: Path, tmp_path: Path, mode: int
) -> None:
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    target = dotfiles / "cgru.json"
    target.write_text(USER_CONFIG)
    target.chmod(mode)
    user_config(env).parent.mkdir()
    user_config(env).symlink_to(target)

    result = install(project, sys.executable, env=env, as_root=False)

    assert user_config(env).is_symlink()
    assert user_config(env).resolve() == target
    assert stat.S_IMODE(target.stat().st_mode) == mode
    assert json.loads(target.read_text())["cgru_config"]["smtp_password"] == "hunter2"
    assert keeper_tray(env).labels("AFANASY") == [*OURS, "Start Watch..."]
    assert result.written is not None and result.written.target == target
    backup = result.written.backup
    assert backup is not None and backup.parent == dotfiles
    assert backup.name.startswith("cgru.json.afpools-backup-")
    assert backup.read_text() == USER_CONFIG
    assert stat.S_IMODE(backup.stat().st_mode) == mode
    assert sorted(p.name for p in dotfiles.iterdir()) == ["cgru.json", backup.name]
    assert f"(through the link, in {target})" in describe(result)[0]


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root")
def test_the_config_keeps_its_owner(env: dict[str, str], project: Path) -> None:
    user_config(env).parent.mkdir()
    user_config(env).write_text(USER_CONFIG)
    os.chown(user_config(env), 4321, 4321)

    install(project, sys.executable, env=env, as_root=False)

    assert (user_config(env).stat().st_uid, user_config(env).stat().st_gid) == (4321, 4321)


def test_a_link_into_a_missing_folder_is_refused(
    env: dict[str, str], project: Path, tmp_path: Path
) -> None:
    user_config(env).parent.mkdir()
    user_config(env).symlink_to(tmp_path / "gone" / "cgru.json")

    with pytest.raises(AfpoolsError, match="whose folder does not exist"):
        install(project, sys.executable, env=env, as_root=False)

    assert user_config(env).is_symlink()
    assert not (tmp_path / "gone").exists()


def test_the_registered_folder_holds_entries_only_even_with_a_pycache(
    env: dict[str, str], project: Path
) -> None:
    install(project, sys.executable, env=env, as_root=False)

    assert (project / "keeper_menu" / "__pycache__").is_dir()
    assert keeper_tray(env).menus == ["Studio", "AFANASY"]


def test_the_folder_an_older_install_registered_is_replaced(
    env: dict[str, str], project: Path
) -> None:
    write_json(user_config(env), {"cgru_config": {"menu_path": str(project / "keeper_menu")}})

    result = install(project, sys.executable, env=env, as_root=False)
    tray = keeper_tray(env)

    assert tray.menus == ["Studio", "AFANASY"]
    assert tray.labels("AFANASY") == [*OURS, "Start Watch..."]
    assert [change.path for change in result.removed] == [str(project / "keeper_menu")]


def test_as_root_it_says_keeper_would_ignore_the_config(env: dict[str, str], project: Path) -> None:
    with pytest.raises(AfpoolsError) as raised:
        install(project, sys.executable, env=env, as_root=True)

    assert str(raised.value).startswith(
        "Keeper ignores the user's CGRU config when it runs as root"
    )
    assert not user_config(env).exists()


@pytest.mark.skipif(os.geteuid() != 0, reason="needs to run as root")
def test_the_command_run_as_root_fails_with_one_sentence(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)

    code = main(["install-keeper"])

    assert code == 1
    assert capsys.readouterr().err.startswith("Keeper ignores the user's CGRU config")
    assert not user_config(env).exists()


def test_a_checkout_under_a_hidden_folder_is_refused(env: dict[str, str], tmp_path: Path) -> None:
    project = make_project(tmp_path / ".local")

    with pytest.raises(AfpoolsError, match=r"Keeper skips every folder whose path contains '/\.'"):
        install(project, sys.executable, env=env, as_root=False)

    assert not user_config(env).exists()


def test_an_include_that_would_override_ours_is_refused(env: dict[str, str], project: Path) -> None:
    write_json(user_config(env), {"cgru_config": {"include": ["mine.json"]}})
    write_json(user_config(env).with_name("mine.json"), {"cgru_config": {"menu_path": "/mine"}})
    text = user_config(env).read_text()

    with pytest.raises(AfpoolsError, match=r"mine\.json is read after .* and sets menu_path"):
        install(project, sys.executable, env=env, as_root=False)

    assert user_config(env).read_text() == text


def test_the_menu_path_read_last_on_this_platform_is_the_one_changed(
    env: dict[str, str], project: Path
) -> None:
    write_json(
        user_config(env),
        {"cgru_config": {"menu_path": "/all", "OS_linux": {"menu_path": "/mine"}}},
    )

    install(project, sys.executable, env=env, as_root=False)
    section = json.loads(user_config(env).read_text())["cgru_config"]

    assert keeper_tray(env).labels("AFANASY") == [*OURS, "Start Watch..."]
    assert section["menu_path"] == "/all"  # for the other platforms


def test_a_cgru_menu_path_variable_gets_a_warning(env: dict[str, str], project: Path) -> None:
    result = install(
        project, sys.executable, env={**env, "CGRU_MENU_PATH": "/elsewhere"}, as_root=False
    )

    assert result.warnings == [
        "CGRU_MENU_PATH is set here; a Keeper started with it ignores menu_path in every "
        f"config file: add {project / 'keeper_menu' / 'entries'} to it."
    ]


def test_entries_that_lost_their_x_bit_get_it_back(env: dict[str, str], project: Path) -> None:
    entry = project / "keeper_menu" / "entries" / "AFANASY" / "40.render_pools.sh"
    entry.chmod(0o644)

    install(project, sys.executable, env=env, as_root=False)

    assert stat.S_IMODE(entry.stat().st_mode) == 0o755


def test_a_broken_user_config_is_left_alone_with_one_sentence(
    env: dict[str, str], project: Path
) -> None:
    user_config(env).parent.mkdir()
    user_config(env).write_text('{"cgru_config": {')

    with pytest.raises(AfpoolsError) as raised:
        install(project, sys.executable, env=env, as_root=False)

    assert str(raised.value).startswith(f"CGRU's config {user_config(env)} cannot be read (")
    assert user_config(env).read_text() == '{"cgru_config": {'


def test_on_windows_it_writes_the_config_cgru_reads_there(
    env: dict[str, str], project: Path, tmp_path: Path
) -> None:
    windows_env = {**env, "APPDATA": str(tmp_path / "Roaming")}

    result = install(project, sys.executable, env=windows_env, platform="win32", as_root=False)

    assert result.config == tmp_path / "Roaming" / "cgru" / "config.json"
    assert not user_config(env).exists()
    tray = keeper_tray(windows_env, windows=True)
    assert tray.labels("AFANASY") == OURS
    assert (project / "keeper_menu" / "entries" / "_env.cmd").is_file()


def test_on_windows_the_config_reads_the_same_in_any_code_page(
    env: dict[str, str], tmp_path: Path
) -> None:
    project = make_project(tmp_path / "Jürgen")
    windows_env = {**env, "APPDATA": str(tmp_path / "Roaming")}

    result = install(project, sys.executable, env=windows_env, platform="win32", as_root=False)
    data = result.config.read_bytes()

    assert data.isascii()  # CGRU 3.4.1 reads it in the locale's code page, cp1252 say
    section = json.loads(data.decode("cp1252"))["cgru_config"]
    assert str(project / "keeper_menu" / "entries") in section["menu_path"].split(";")


def test_the_command_prints_what_it_changed_as_json(
    env: dict[str, str],
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(keeper_cmd, "running_as_root", lambda: False)  # the tests run as root
    monkeypatch.setattr(keeper_cmd, "ROOT", project)
    for name, value in env.items():
        monkeypatch.setenv(name, value)

    code = main(["install-keeper", "--json"])
    printed = json.loads(capsys.readouterr().out)

    assert code == 0
    assert printed["written"] == str(user_config(env))
    assert printed["menu_path"] == [
        str(Path(env["CGRU_LOCATION"]).parent / "studio" / "menu"),
        str(project / "keeper_menu" / "entries"),
    ]
    assert [c["source"] for c in printed["added"] if c["key"] == "menu_path"] == [
        str(Path(env["CGRU_LOCATION"]) / "config.json"),
        "afpools",
    ]
