"""The Windows side of the Keeper entries, checked without Windows: the bytes of ``_env.cmd``
as cmd.exe reads them, and what the ``.cmd`` entries start and show."""

from __future__ import annotations

from pathlib import Path

import pytest

from keeper_menu.env_files import env_cmd, windowless_python, write_env
from keeper_menu.installer import ENTRIES, ROOT

VENV = r"C:\Users\anna\afpools\.venv\Scripts"
CMD_ENTRIES = sorted((ROOT / ENTRIES).rglob("*.cmd"))


@pytest.mark.parametrize(
    ("python", "windowless"),
    [
        (rf"{VENV}\python.exe", rf"{VENV}\pythonw.exe"),
        (r"C:\Python311\Python.exe", r"C:\Python311\Pythonw.exe"),
        ("C:/tools/python.exe", "C:/tools/pythonw.exe"),
        (r"C:\conda\envs\afpools\pythonw.exe", r"C:\conda\envs\afpools\pythonw.exe"),
        (r"C:\tools\py.exe", r"C:\tools\py.exe"),
    ],
)
def test_the_board_is_started_by_the_interpreter_without_a_console(
    python: str, windowless: str
) -> None:
    assert windowless_python(python) == windowless


def test_an_ascii_path_makes_an_ascii_env_cmd_in_any_code_page() -> None:
    data = env_cmd(rf"{VENV}\python.exe")

    assert data.isascii()
    assert data.split(b"\r\n") == [
        b'rem Written by "main.py install-keeper".',
        rf'set "AFPOOLS_PYTHON={VENV}\python.exe"'.encode(),
        rf'set "AFPOOLS_PYTHONW={VENV}\pythonw.exe"'.encode(),
        b"",
    ]


def test_other_characters_switch_cmd_to_utf8_first() -> None:
    python = r"C:\Users\Jürgen Ødegård\afpools 100%\.venv\Scripts\python.exe"

    data = env_cmd(python)

    assert data.startswith(b"@chcp 65001 >nul\r\n")  # read as ASCII, before anything else
    assert not data.startswith(b"\xef\xbb\xbf")  # a BOM would be run as a command
    expected = python.replace("%", "%%").encode("utf-8")
    assert b'set "AFPOOLS_PYTHON=' + expected + b'"\r\n' in data
    assert b"\n" not in data.replace(b"\r\n", b"")


def test_each_platform_gets_its_own_env_file_only(tmp_path: Path) -> None:
    entries = tmp_path / "entries"
    entries.mkdir()

    write_env(entries, rf"{VENV}\python.exe", windows=True)

    assert [p.name for p in entries.iterdir()] == ["_env.cmd"]


def test_the_cmd_entries_are_ascii_with_crlf_line_ends() -> None:
    assert len(CMD_ENTRIES) == 3
    for entry in CMD_ENTRIES:
        data = entry.read_bytes()
        assert data.isascii(), entry
        assert data.count(b"\n") == data.count(b"\r\n"), entry  # cmd misreads labels with LF


def test_the_board_entry_starts_pythonw_and_clears_cgrus_python_settings() -> None:
    lines = (ROOT / ENTRIES / "AFANASY" / "40.render_pools.cmd").read_text().splitlines()

    starts = [line for line in lines if line.startswith("start ")]
    assert starts == ['start "Render Pools" "%AFPOOLS_PYTHONW%" "%root%\\main.py" %*']
    for name in ("PYTHONHOME", "PYTHONPATH", "QT_QPA_PLATFORM_PLUGIN_PATH"):
        clear = lines.index(f'set "{name}="')
        assert clear < lines.index(starts[0])


def test_errors_are_shown_without_msg_which_windows_home_lacks() -> None:
    lines = (ROOT / ENTRIES / "AFANASY" / "40.render_pools.cmd").read_text().splitlines()

    commands = [line.split()[0].lower() for line in lines if line.strip()]
    assert "msg" not in commands
    shows = [line for line in lines if line.startswith("powershell ")]
    assert len(shows) == 1 and "MessageBox]::Show(" in shows[0]
    assert any("keeper-menu.log" in line for line in lines)  # when PowerShell cannot


def test_the_afstarter_entry_starts_main_py_afstarter_through_the_board_entry() -> None:
    lines = (ROOT / ENTRIES / "AFANASY" / "42.afstarter_pools.cmd").read_text().splitlines()

    assert 'set "AFPOOLS_WHAT=AfStarter with pools"' in lines
    assert lines[-1] == 'call "%~dp040.render_pools.cmd" afstarter %*'


def test_a_failing_entry_names_what_it_could_not_start() -> None:
    text = (ROOT / ENTRIES / "AFANASY" / "40.render_pools.cmd").read_text()

    assert "the board:" not in text  # every message says %AFPOOLS_WHAT%
    assert 'if not defined AFPOOLS_WHAT set "AFPOOLS_WHAT=the board"' in text.splitlines()
    assert text.count("afpools cannot start %AFPOOLS_WHAT%:") == 2
    assert "'afpools cannot start ' + $env:AFPOOLS_WHAT + ':'" in text
