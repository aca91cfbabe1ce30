"""``main.py install-pymongo --python PATH`` into throwaway interpreters: pip from ensurepip,
the pinned pymongo (or the newest an older Python can run), ``import pymongo`` working there
afterwards, and one sentence for a PATH that is no Python interpreter."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cli.pymongo_cmd import pinned_version
from tests.support.cli import Run, runner

pytestmark = pytest.mark.slow  # pip downloads pymongo from the registry

_PYENV = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv")
PYTHON37 = next(iter(sorted(_PYENV.glob("versions/3.7*/bin/python3.7"))), None)


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    return runner(capsys)


def bare_venv(base: str, folder: Path) -> Path:
    subprocess.run([base, "-m", "venv", "--without-pip", str(folder)], check=True, timeout=120)
    python = folder / "bin" / "python"
    pip = subprocess.run([python, "-m", "pip", "--version"], capture_output=True, check=False)
    assert pip.returncode != 0  # no pip in it, as in CGRU's bundled Python
    return python


def imported(python: Path) -> str:
    done = subprocess.run(
        [python, "-c", "import pymongo; print(pymongo.version)"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout.strip()


def test_a_python_without_pip_gets_pip_then_the_pinned_pymongo(run: Run, tmp_path: Path) -> None:
    python = bare_venv(sys.executable, tmp_path / "cgru-python")
    pin = pinned_version()

    code, out, err = run("install-pymongo", "--python", str(python))

    assert code == 0, err
    version = ".".join(map(str, sys.version_info[:3]))
    assert out.splitlines() == [
        f"{python} had no pip: ensurepip installed it.",
        f"Installed pymongo {pin} into {python} (Python {version}).",
    ]
    assert imported(python) == pin


@pytest.mark.skipif(
    PYTHON37 is None, reason="no Python 3.7 on this machine (pyenv's is looked for)"
)
def test_an_older_python_gets_the_newest_pymongo_it_can_run(run: Run, tmp_path: Path) -> None:
    python = bare_venv(str(PYTHON37), tmp_path / "old-python")

    code, out, err = run("install-pymongo", "--python", str(python), "--json")

    assert code == 0, err
    printed = json.loads(out)
    assert printed["pinned"] == pinned_version()
    assert printed["pymongo"] != printed["pinned"]
    assert printed["pymongo"].startswith("4.")
    assert printed["pip_from_ensurepip"] is True
    assert imported(python) == printed["pymongo"]


@pytest.mark.parametrize(
    ("make", "sentence"),
    [
        (lambda d: d / "gone" / "python", "{p} is not a Python interpreter: it does not exist."),
        (lambda d: d, "{p} is not a Python interpreter but a folder."),
        (
            lambda d: Path("/bin/ls"),
            "{p} is not a Python interpreter: it does not run Python code.",
        ),
        (
            lambda d: _script(d / "python", "#!/bin/sh\necho hello\n"),
            "{p} is not a Python interpreter: it does not run Python code.",
        ),
        (
            lambda d: _script(d / "notes.txt", "just text\n", mode=0o644),
            "{p} is not a Python interpreter: it does not run Python code.",
        ),
    ],
)
def test_a_path_that_is_no_python_is_refused_in_one_sentence(
    run: Run, tmp_path: Path, make: object, sentence: str
) -> None:
    path = make(tmp_path)  # type: ignore[operator]
    code, out, err = run("install-pymongo", "--python", str(path))
    assert (code, out) == (1, "")
    assert err == sentence.format(p=path) + "\n"


def _script(path: Path, text: str, mode: int = 0o755) -> Path:
    path.write_text(text)
    path.chmod(mode)
    return path
