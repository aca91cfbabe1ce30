"""A tiny reverse-DNS server for the namespace LAN: answers PTR queries for a fixed map.

Usage (inside a namespace): ``ptr_responder.py LISTEN_IP IP=NAME ...``. Prints ``ready`` once
listening; every other question gets NXDOMAIN, as a real server answers for unnamed hosts.
Stops when its stdin closes or on SIGTERM.
"""

from __future__ import annotations

import selectors
import signal
import socket
import sys

import dns.flags
import dns.message
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.reversename
import dns.rrset


def answer(query: dns.message.Message, names: dict[str, str]) -> dns.message.Message:
    reply = dns.message.make_response(query)
    reply.flags |= dns.flags.AA
    question = query.question[0]
    host = names.get(str(question.name)) if question.rdtype == dns.rdatatype.PTR else None
    if host is None:
        reply.set_rcode(dns.rcode.NXDOMAIN)
    else:
        reply.answer.append(
            dns.rrset.from_text(question.name, 60, dns.rdataclass.IN, dns.rdatatype.PTR, host)
        )
    return reply


def main(argv: list[str]) -> int:
    listen, pairs = argv[0], argv[1:]
    names = {
        str(dns.reversename.from_address(ip)): f"{name}.lan.studio."
        for ip, name in (pair.split("=", 1) for pair in pairs)
    }
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.bind((listen, 53))
    selector = selectors.DefaultSelector()
    selector.register(server, selectors.EVENT_READ)
    selector.register(sys.stdin, selectors.EVENT_READ)
    print("ready", flush=True)
    while True:
        for key, _ in selector.select():
            if key.fileobj is sys.stdin:
                if not sys.stdin.readline():
                    return 0
                continue
            data, peer = server.recvfrom(4096)
            try:
                query = dns.message.from_wire(data)
            except dns.exception.DNSException:
                continue
            server.sendto(answer(query, names).to_wire(), peer)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
