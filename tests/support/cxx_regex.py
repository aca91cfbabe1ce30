"""Run host masks through the real std::regex (libstdc++), the engine inside afserver.

Python's ``re`` only approximates ECMAScript; this builds ``ecmascript_match.cpp`` once per
source version (cached under the system temp directory, keyed by a hash of the source and
the compiler command) and talks to it over its hex-framed stdin protocol.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

SOURCE = Path(__file__).with_name("ecmascript_match.cpp")
CXX_FLAGS = ("-O2", "-std=c++17", "-pthread")
DEFAULT_STACK_KB = 8192  # what a Linux thread gets by default (glibc uses RLIMIT_STACK)


class CxxHarnessError(RuntimeError):
    """The harness could not give an answer."""


class CompilerMissingError(CxxHarnessError):
    """No C++ compiler to build the harness with."""


class RegexCrashError(CxxHarnessError):
    """The harness died while matching, typically std::regex overflowing the stack."""


class CompileError(CxxHarnessError):
    """std::regex refused the mask (afserver would silently keep the job off every host)."""

    def __init__(self, mask: str, code: str, message: str) -> None:
        super().__init__(f"std::regex rejects {mask[:80]!r}: {code}: {message}")
        self.mask = mask
        self.code = code
        self.message = message


def _compiler() -> str:
    wanted = os.environ.get("CXX") or "g++"
    compiler = shutil.which(wanted)
    if not compiler:
        raise CompilerMissingError(
            f"{wanted} is not installed, so the std::regex harness cannot be built;"
            " `make test` (or apt-get install g++) installs it"
        )
    return compiler


def build_harness() -> Path:
    """The compiled harness, built on first use; parallel builders never see a half file."""
    compiler = _compiler()
    source = SOURCE.read_bytes()
    digest = hashlib.sha256(source + " ".join((compiler, *CXX_FLAGS)).encode()).hexdigest()
    cache = Path(tempfile.gettempdir()) / "afpools-cxx-harness"
    executable = cache / f"ecmascript_match-{digest[:16]}"
    if executable.exists():
        return executable
    cache.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(dir=cache, prefix=".building-")
    os.close(handle)
    try:
        result = subprocess.run(
            [compiler, *CXX_FLAGS, "-o", partial, str(SOURCE)],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise CxxHarnessError(f"g++ could not build the harness:\n{result.stderr}")
        Path(partial).chmod(0o755)
        Path(partial).replace(executable)  # atomic: a racing build just replaces it
    finally:
        Path(partial).unlink(missing_ok=True)
    return executable


def _hex(text: str) -> str:
    return text.encode("utf-8").hex()


class CxxRegex:
    """Answers from std::regex_match with default (ECMAScript) flags, as afserver uses it."""

    def __init__(self, stack_kb: int = DEFAULT_STACK_KB) -> None:
        self.executable = build_harness()
        self.stack_kb = stack_kb

    def _run(self, commands: Sequence[str], stack_kb: int | None = None) -> list[str]:
        stack = str(stack_kb or self.stack_kb)
        result = subprocess.run(
            [str(self.executable), "--stack-kb", stack],
            input="\n".join(commands) + "\n",
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode < 0:
            name = signal.Signals(-result.returncode).name
            raise RegexCrashError(f"std::regex crashed with {name} on a {stack} KiB stack")
        if result.returncode != 0:
            raise CxxHarnessError(f"harness failed ({result.returncode}): {result.stderr}")
        return result.stdout.splitlines()

    def compile_error(self, mask: str) -> CompileError | None:
        """Why std::regex refuses the mask, or None when it compiles."""
        (reply,) = self._run([f"mask {_hex(mask)}"])
        return _compile_reply(mask, reply)

    def compiles(self, mask: str) -> bool:
        return self.compile_error(mask) is None

    def match_many(self, mask: str, names: Sequence[str]) -> list[bool]:
        """``regex_match(name, regex(mask))`` for every name, in one process."""
        return self.match_batches([(mask, names)])[0]

    def match_batches(
        self, cases: Sequence[tuple[str, Sequence[str]]], stack_kb: int | None = None
    ) -> list[list[bool]]:
        """Several masks with their names in one process (one spawn, many checks)."""
        commands: list[str] = []
        for mask, names in cases:
            commands.append(f"mask {_hex(mask)}")
            commands.extend(f"match {_hex(name)}" for name in names)
        replies = iter(self._run(commands, stack_kb))
        results: list[list[bool]] = []
        for mask, names in cases:
            error = _compile_reply(mask, next(replies))
            if error is not None:
                raise error
            results.append([next(replies) == "1" for _ in names])
        return results

    def survives(self, mask: str, names: Sequence[str], stack_kb: int) -> bool:
        """True if matching every name fits in a thread stack of ``stack_kb`` KiB."""
        try:
            self.match_batches([(mask, names)], stack_kb)
        except RegexCrashError:
            return False
        return True

    def time_match(self, mask: str, names: Sequence[str], rounds: int = 5) -> float:
        """Microseconds per name for ``regex_match`` (compile excluded; best of ``rounds``)."""
        return self.timed_match(mask, names, rounds)[0]

    def timed_match(self, mask: str, names: Sequence[str], rounds: int = 5) -> tuple[float, int]:
        """Microseconds per name and how many names matched, to check what was timed."""
        commands = [f"mask {_hex(mask)}", *(f"add {_hex(name)}" for name in names)]
        replies = self._run([*commands, f"time {rounds}"])
        error = _compile_reply(mask, replies[0])
        if error is not None:
            raise error
        _, total_us, matched = replies[1].split()
        return float(total_us) / max(len(names), 1), int(matched)


def _compile_reply(mask: str, reply: str) -> CompileError | None:
    if reply == "ok":
        return None
    parts = reply.split(" ")
    if len(parts) == 3 and parts[0] == "error":
        return CompileError(mask, parts[1], bytes.fromhex(parts[2]).decode(errors="replace"))
    raise CxxHarnessError(f"unexpected harness reply {reply!r}")
