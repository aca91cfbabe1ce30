"""afpools: render pools for CGRU's Afanasy. The one entry point of every part.

``python main.py`` opens the pool board; ``python main.py COMMAND --help`` explains a command.
"""

from __future__ import annotations

import sys


def run() -> int:
    from cli.app import main

    return main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(run())
