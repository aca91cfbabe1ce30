"""``QProcess.startCommand`` for Qt 5, where AfStarter's Start would abort the app.

AfStarter (CGRU 3.4.1) starts ``afjob.py`` with ``QProcess.startCommand(command)``, which
Qt 6 has and Qt 5 lacks: under PyQt5 the missing method ends the app. This gives the class
what it lacks, with Qt 6's documented splitting rules (our own code): arguments are separated
by white space, double quotes group one with its spaces, and three double quotes in a row
stand for one literal quote.
"""

from __future__ import annotations

from typing import Any

QUOTE = '"'


def split_command(command: str) -> list[str]:
    """The program and its arguments, as Qt 6's ``QProcess.splitCommand`` reads a command."""
    arguments: list[str] = []
    current = ""
    quoted = False
    index = 0
    while index < len(command):
        if command[index] == QUOTE:
            run = len(command[index:]) - len(command[index:].lstrip(QUOTE))
            current += QUOTE * (run // 3)
            quoted ^= run % 3 == 1
            index += run
            continue
        if command[index].isspace() and not quoted:
            if current:
                arguments.append(current)
            current = ""
        else:
            current += command[index]
        index += 1
    if current:
        arguments.append(current)
    return arguments


def give_start_command(qt_core: Any) -> bool:
    """Add ``startCommand`` to the binding's QProcess when it lacks it; True when added."""
    process_class = qt_core.QProcess
    if hasattr(process_class, "startCommand"):
        return False
    read_write = qt_core.QIODevice.ReadWrite

    def start_command(process: Any, command: str, mode: Any = read_write) -> None:
        words = split_command(str(command))
        process.start(words[0] if words else "", words[1:], mode)

    process_class.startCommand = start_command
    return True
