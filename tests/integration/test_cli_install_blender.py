"""``main.py install-blender`` as an artist runs it: every Blender version of the user, or
the folder given, the client inside, where it went and how to enable it, and one sentence
when it cannot be done."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.support.cli import Run, runner

ADDON_FILES = ["__init__.py", "blender_ui.py", "client.py", "pool_list.py"]
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    return runner(capsys)


def test_every_blender_version_of_the_user_gets_the_addon(
    run: Run, fresh_environment: Path
) -> None:
    config = fresh_environment / ".config" / "blender"
    for version in ("4.5", "4.2", "3.6"):
        (config / version).mkdir(parents=True)
    (config / "not-a-version").mkdir()

    code, out, err = run("install-blender")

    assert code == 0, err
    lines = out.splitlines()
    folders = [config / v / "scripts" / "addons" / "afpools_blender" for v in ("3.6", "4.2", "4.5")]
    assert lines[:4] == ["Installed the Blender add-on afpools_blender into:"] + [
        f"  {folder}" for folder in folders
    ]
    assert "Edit > Preferences > Add-ons, search for 'afpools' and tick it" in lines[4]
    assert "addon_enable(module='afpools_blender')" in lines[4]
    for folder in folders:
        assert sorted(p.name for p in folder.iterdir()) == ADDON_FILES
        assert (folder / "client.py").read_bytes() == (REPO / "integrations/client.py").read_bytes()
    assert not (config / "not-a-version" / "scripts").exists()


def test_blender_user_scripts_is_where_blender_looks_then(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BLENDER_USER_SCRIPTS", str(tmp_path / "studio-scripts"))
    code, out, _err = run("install-blender", "--json")
    assert code == 0
    assert json.loads(out) == {
        "installed": [str(tmp_path / "studio-scripts" / "addons" / "afpools_blender")],
        "module": "afpools_blender",
    }


def test_without_any_blender_folder_it_says_what_to_do(run: Run, fresh_environment: Path) -> None:
    code, out, err = run("install-blender")
    assert (code, out) == (1, "")
    assert err == (
        f"No Blender version has a folder in {fresh_environment / '.config' / 'blender'} yet "
        "(Blender makes it when it first starts): start Blender once, or name the add-ons "
        "folder with --addons-dir DIR.\n"
    )


def test_an_addons_folder_that_cannot_be_written_is_one_sentence(run: Run, tmp_path: Path) -> None:
    if os.geteuid() == 0:  # root writes anywhere a mode allows nothing: use sysfs, read-only
        folder = Path("/sys/afpools-addons")
        reason = "Operation not permitted"
    else:
        folder = tmp_path / "locked"
        folder.mkdir(mode=0o555)
        reason = "Permission denied"

    code, out, err = run("install-blender", "--addons-dir", str(folder))

    assert (code, out) == (1, "")
    assert err == (
        f"The add-on folder {folder / 'afpools_blender'} cannot be written ({reason}): give a "
        "folder you may write to, or run the command as a user who may.\n"
    )
    assert not (folder / "afpools_blender").exists()
