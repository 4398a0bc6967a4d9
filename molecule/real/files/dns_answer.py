#!/usr/bin/env python3
"""Ask a DNS server one A question over UDP; print the answer as JSON.

    dns_answer.py SERVER NAME  ->  {"rcode": 0, "addresses": ["192.168.49.2"]}

The real scenario asks the front door's DNS server on the node's port 53,
as the host's resolver does once the dns stage points it there.
"""

from __future__ import annotations

import json
import random
import socket
import struct
import sys


def question(name, ident):
    labels = b"".join(bytes([len(part)]) + part.encode("ascii") for part in name.rstrip(".").split("."))
    # One question, recursion desired; type A, class IN.
    return struct.pack(">HHHHHH", ident, 0x0100, 1, 0, 0, 0) + labels + b"\0" + struct.pack(">HH", 1, 1)


def skip_name(data, offset):
    while True:
        length = data[offset]
        if length & 0xC0 == 0xC0:
            return offset + 2
        offset += 1 + length
        if length == 0:
            return offset


def addresses(data):
    count = struct.unpack(">H", data[6:8])[0]
    offset = skip_name(data, 12) + 4
    found = []
    for _ in range(count):
        offset = skip_name(data, offset)
        kind, _klass, _ttl, size = struct.unpack(">HHIH", data[offset : offset + 10])
        offset += 10
        if kind == 1 and size == 4:
            found.append(socket.inet_ntoa(data[offset : offset + 4]))
        offset += size
    return found


def main(server, name):
    ident = random.randrange(1 << 16)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(5)
        sock.sendto(question(name, ident), (server, 53))
        data = sock.recv(4096)
    if struct.unpack(">H", data[:2])[0] != ident:
        raise SystemExit("the answer is not to our question")
    print(json.dumps({"rcode": data[3] & 0x0F, "addresses": addresses(data)}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
