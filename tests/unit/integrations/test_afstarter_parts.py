"""AfStarter's parts that need no window: the command split that Qt 6's startCommand does,
the QProcess that gets it only when it lacks it, and the memory of the last pick."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from integrations.afstarter.pool_row import PoolMemory
from integrations.afstarter.qprocess_shim import give_start_command, split_command


@pytest.mark.parametrize(
    ("command", "words"),
    [
        ("a b  c", ["a", "b", "c"]),
        (
            '"/opt/cgru/python/bin/python3" "/opt/cgru/afanasy/python/afjob.py" "my scene.blend" '
            '1 10 -hostsmask "@lighting rnd-b"',
            [
                "/opt/cgru/python/bin/python3",
                "/opt/cgru/afanasy/python/afjob.py",
                "my scene.blend",
                "1",
                "10",
                "-hostsmask",
                "@lighting rnd-b",
            ],
        ),
        ('say """hi"""', ["say", '"hi"']),
        ('x "" y', ["x", "y"]),
        (
            r'"C:\cgru\python\python.exe" "C:\cgru\afjob.py"',
            [r"C:\cgru\python\python.exe", r"C:\cgru\afjob.py"],
        ),
    ],
)
def test_a_command_is_split_as_qt6_splits_it(command: str, words: list[str]) -> None:
    assert split_command(command) == words


class Started:
    def __init__(self) -> None:
        self.calls: list[tuple[str, list[str], str]] = []

    def start(self, program: str, arguments: list[str], mode: str) -> None:
        self.calls.append((program, arguments, mode))


def test_a_qprocess_without_start_command_gets_one_that_starts_the_split_command() -> None:
    qt_core = SimpleNamespace(QProcess=Started, QIODevice=SimpleNamespace(ReadWrite="rw"))
    assert give_start_command(qt_core) is True
    process = Started()
    process.startCommand('"/usr/bin/python 3" afjob.py -hostsmask "@gpu"')  # type: ignore[attr-defined]
    assert process.calls == [("/usr/bin/python 3", ["afjob.py", "-hostsmask", "@gpu"], "rw")]


def test_a_qt6_qprocess_keeps_its_own_start_command() -> None:
    class Qt6Process:
        def startCommand(self, command: str) -> str:  # noqa: N802 - Qt's name
            return "Qt's own"

    qt_core = SimpleNamespace(QProcess=Qt6Process, QIODevice=SimpleNamespace(ReadWrite="rw"))
    assert give_start_command(qt_core) is False
    assert Qt6Process().startCommand("x") == "Qt's own"


def test_the_memory_of_the_last_pick_survives_a_broken_file(tmp_path: Path) -> None:
    memory = PoolMemory(tmp_path / "afpools" / "afstarter.json")
    assert memory.read() is None
    assert memory.write("gpu") is None
    assert PoolMemory(memory.path).read() == "gpu"
    memory.path.write_text("{not json")
    assert memory.read() is None


def test_a_memory_that_cannot_be_written_is_one_sentence(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    memory = PoolMemory(blocker / "afstarter.json")
    assert memory.write("gpu") == (
        f"The pick cannot be remembered in {blocker / 'afstarter.json'} (File exists)."
    )
