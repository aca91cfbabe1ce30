"""What another local user can do to a database server and its files; prints one JSON line.

Standard library only: the tests run it as another user (``setpriv --reuid``) under the
system's Python, since that user cannot read the project's virtual environment.

    read PATH                  {"ok": true} when a byte of the file could be read
    list PATH                  {"ok": true, "names": [...]} when the folder could be listed
    connect ADDRESS            {"ok": true} when a connection is accepted
    databases ADDRESS [NAME]   {"ok": true, "seen": bool} when listDatabases was answered,
                               ``seen`` telling whether NAME is in the answer

ADDRESS is a Unix socket (a path) or a TCP port on 127.0.0.1.
"""

import json
import socket
import struct
import sys
from pathlib import Path

OP_MSG = 2013


def _connect(address):
    if address.startswith("/"):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        target = address
    else:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        target = ("127.0.0.1", int(address))
    sock.settimeout(10)
    try:
        sock.connect(target)
    except OSError:
        sock.close()
        raise
    return sock


def _bson(pairs):
    """A BSON document of int32 and string values (all listDatabases needs)."""
    body = b""
    for key, value in pairs:
        name = key.encode() + b"\0"
        if isinstance(value, int):
            body += b"\x10" + name + struct.pack("<i", value)
        else:
            text = value.encode() + b"\0"
            body += b"\x02" + name + struct.pack("<i", len(text)) + text
    return struct.pack("<i", len(body) + 5) + body + b"\0"


def _exact(sock, size):
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise OSError("the server closed the connection")
        data += chunk
    return data


def _list_databases(address):
    section = b"\0" + _bson([("listDatabases", 1), ("$db", "admin")])
    payload = struct.pack("<I", 0) + section
    header = struct.pack("<iiii", 16 + len(payload), 1, 0, OP_MSG)
    sock = _connect(address)
    try:
        sock.sendall(header + payload)
        length = struct.unpack("<i", _exact(sock, 16)[:4])[0]
        return _exact(sock, length - 16)
    finally:
        sock.close()


def main(args):
    action, target = args[0], args[1]
    try:
        if action == "read":
            with Path(target).open("rb") as handle:
                handle.read(1)
            return {"ok": True}
        if action == "list":
            return {"ok": True, "names": sorted(p.name for p in Path(target).iterdir())}
        if action == "connect":
            _connect(target).close()
            return {"ok": True}
        if action == "databases":
            reply = _list_databases(target)
            wanted = args[2].encode() if len(args) > 2 else b""
            return {"ok": True, "seen": bool(wanted) and wanted in reply}
    except OSError as error:
        return {"ok": False, "error": f"{type(error).__name__}: {error}"}
    return {"ok": False, "error": "unknown action " + action}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1:])))
