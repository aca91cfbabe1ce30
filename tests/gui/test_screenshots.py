"""Screenshots of the board for a person to look at: build/screenshots/*.png.

Each is taken in its own process (the 200 % one needs its scale set before Qt starts); the
test checks that every pool got its column and that the picture has the window's size.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PyQt5.QtGui import QImage

pytestmark = [pytest.mark.gui, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "build" / "screenshots"


@pytest.mark.parametrize(
    ("name", "options", "size"),
    [
        ("board-small.png", [], (1440, 860)),
        ("board-500-hosts-12-pools.png", ["--hosts", "500", "--pools", "12"], (1440, 860)),
        (
            "board-500-hosts-200-percent.png",
            ["--hosts", "500", "--pools", "12", "--scale", "2", "--size", "1200x720"],
            (2400, 1440),
        ),
        ("board-1024-after-edit.png", ["--size", "1024x768", "--then", "edit"], (1024, 768)),
        (
            "board-1280-after-undo-redo.png",
            ["--size", "1280x800", "--then", "edit", "undo", "redo"],
            (1280, 800),
        ),
        (
            "board-1920-after-undo.png",
            ["--size", "1920x1080", "--then", "edit", "undo"],
            (1920, 1080),
        ),
        (
            "board-filtered-busy.png",
            ["--hosts", "500", "--pools", "12", "--filter", "busy"],
            (1440, 860),
        ),
        (  # the last column was out of sight when the filter changed: it catches up
            "board-filtered-scrolled-to-the-end.png",
            ["--hosts", "500", "--pools", "12", "--filter", "busy", "--scroll-to", "last"],
            (1440, 860),
        ),
        (  # 20,000 hosts: the Farm column's counts are read whole
            "board-1024-20000-hosts.png",
            ["--hosts", "20000", "--pools", "200", "--size", "1024x768"],
            (1024, 768),
        ),
        (
            "board-1920-20000-hosts.png",
            ["--hosts", "20000", "--pools", "200", "--size", "1920x1080"],
            (1920, 1080),
        ),
        (  # the jobs panel: lighting's jobs beside those waiting for a pool, and the banner
            "board-1024-jobs.png",
            ["--size", "1024x768", "--jobs", "--current", "lighting"],
            (1024, 768),
        ),
        ("board-1280-jobs-every-pool.png", ["--size", "1280x800", "--jobs"], (1280, 800)),
        ("native-1024.png", ["--size", "1024x768", "--native"], (1024, 768)),
        (
            "native-1920-after-drop.png",
            ["--size", "1920x1080", "--native", "--then", "edit"],
            (1920, 1080),
        ),
        (
            "native-1280-after-drop.png",
            ["--size", "1280x800", "--native", "--then", "edit"],
            (1280, 800),
        ),
        (  # a deep tree: the last columns' headers keep their own names whole
            "native-1024-deep-tree.png",
            [
                *(
                    "--size",
                    "1024x768",
                    "--native",
                    "--scroll-to",
                    "/cpu/big/x/lighting_nodes_040/y",
                ),
                *("--native-pool", "/cpu/big/x", "--native-pool", "/cpu/big/x/lighting_nodes_040"),
                *("--native-pool", "/cpu/big/x/lighting_nodes_040/y"),
            ],
            (1024, 768),
        ),
        (
            "board-1920-jobs.png",
            ["--size", "1920x1080", "--jobs", "--current", "lighting"],
            (1920, 1080),
        ),
    ],
)
def test_screenshot(nx_server: str, name: str, options: list[str], size: tuple[int, int]) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    out = SHOTS / name
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.support.screenshot",
            str(out),
            "--mongodb-uri",
            nx_server,
            *options,
        ],
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert done.returncode == 0, done.stdout + done.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == size
    # The board remembered its columns in a folder of the run's own, not in the user's.
    assert not (Path(os.environ["XDG_CONFIG_HOME"]) / "afpools" / "board.ini").exists()
