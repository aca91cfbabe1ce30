"""The embedded server's process: nx-27017's protocol handler behind a listener of our own.

nx-27017 can only listen on TCP, where every local user may connect, and has no
authentication. This program builds nx-27017's handler as nx-27017's ``main()`` does (one
SQLite file per database in ``--data-dir``, WAL journal) and serves nx-27017's connection
handler with asyncio on a Unix socket in the user's private folder, or on a loopback port
where asyncio has no Unix sockets (Windows). ``umask 077`` keeps every file it and SQLite
create (databases, -wal/-shm, log, pid file, socket) to this user.

Of afpools it imports only the small modules that watch its users, so it starts quickly;
``storage.embedded_process.nx_command`` runs it. SIGTERM stops it, and so does the last user's
end, however that user ended (``--watch-users``, see ``storage.embedded_watchdog``). Either
way SQLite is closed before the process ends.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path

from nx_27017.handler import NeoSQLiteHandler  # type: ignore[import-untyped]
from nx_27017.server import handle_client  # type: ignore[import-untyped]

from storage.embedded_watchdog import CHECK_SECONDS, LastUserWatch

HANG_UP_SECONDS = 5.0  # a request under way when the server stops may take this long


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--socket", type=Path, help="Unix socket to listen on")
    where.add_argument("--port", type=int, help="loopback TCP port to listen on")
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--log-file", type=Path, required=True)
    parser.add_argument("--pid-file", type=Path, required=True)
    parser.add_argument(
        "--watch-users", type=Path, help="stop when no user of this data folder is left"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    if hasattr(os, "umask"):
        os.umask(0o077)
    logging.basicConfig(
        filename=args.log_file,
        level=logging.INFO,
        format="%(asctime)s - %(name)s - %(levelname)s - [%(process)d] - %(message)s",
    )
    watch = LastUserWatch(args.watch_users) if args.watch_users is not None else None
    handler = NeoSQLiteHandler(str(args.data_dir), journal_mode="WAL", data_dir=str(args.data_dir))
    args.pid_file.write_text(str(os.getpid()), encoding="utf-8")
    try:
        with asyncio.Runner(loop_factory=_loop_factory()) as runner:
            runner.run(_serve(handler, args.socket, args.port, watch))
    finally:
        handler.close_all()  # SQLite folds its journal back into the database files
        with contextlib.suppress(OSError):
            if args.pid_file.read_text(encoding="utf-8").strip() == str(os.getpid()):
                args.pid_file.unlink()
        if watch is not None:
            watch.leave()  # a copy waiting for the lock finds nothing of this server
    return 0


async def _serve(
    handler: object, socket_path: Path | None, port: int | None, watch: LastUserWatch | None
) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)

    clients: dict[asyncio.StreamWriter, asyncio.Future[None]] = {}

    async def connected(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        clients[writer] = asyncio.ensure_future(handle_client(reader, writer, handler))
        try:
            await clients[writer]
        finally:
            del clients[writer]

    if socket_path is not None:
        # A socket left by a killed server is replaced; the caller holds the folder's lock.
        server = await asyncio.start_unix_server(connected, path=str(socket_path))
        socket_path.chmod(0o600)  # connecting needs write access: this user's alone
        bound = socket_path.stat().st_ino
        logging.getLogger("nx_27017").info("Listening on %s", socket_path)
    else:
        server = await asyncio.start_server(connected, "127.0.0.1", port)
        logging.getLogger("nx_27017").info("Listening on 127.0.0.1:%s", port)
    watching = asyncio.create_task(_stop_without_users(watch, stop)) if watch is not None else None
    try:
        await stop.wait()
    finally:
        if watching is not None:
            watching.cancel()
        server.close()
        # Clients still connected (a board that leaves as Qt ends it) are hung up on, and their
        # requests finish before SQLite is closed, instead of being cancelled halfway.
        for writer in clients:
            writer.close()
        if clients:
            await asyncio.wait(list(clients.values()), timeout=HANG_UP_SECONDS)
        if socket_path is not None:
            with contextlib.suppress(OSError):
                if socket_path.stat().st_ino == bound:  # not a successor's socket
                    socket_path.unlink()


async def _stop_without_users(watch: LastUserWatch, stop: asyncio.Event) -> None:
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), CHECK_SECONDS)
            return
        try:
            gone = watch.nobody_left()
        except OSError as error:  # a passing trouble with the folder: look again next time
            logging.getLogger("nx_27017").warning("Cannot look at the users: %s", error)
            continue
        if gone:
            stop.set()


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop]:
    """uvloop where it is installed (as nx-27017 itself uses it), else asyncio's own."""
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop
    return uvloop.new_event_loop


if __name__ == "__main__":
    sys.exit(main())
