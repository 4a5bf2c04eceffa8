#!/usr/bin/env python3
"""Prints the table of Redis commands in commands.cpp from a running redis-server.

Usage: gen_redis_commands.py [PORT]  (default 6379). It asks the server for
COMMAND and prints every command and subcommand with its arity, sorted, as
C++ initialisers; paste them into commands.cpp.
"""

import socket
import sys


def read_reply(stream):
    line = stream.readline()[:-2]
    kind, rest = line[:1], line[1:]
    if kind in (b"*", b"~"):
        count = int(rest)
        return None if count < 0 else [read_reply(stream) for _ in range(count)]
    if kind == b"%":
        return {read_reply(stream): read_reply(stream) for _ in range(int(rest))}
    if kind == b"$":
        size = int(rest)
        return None if size < 0 else stream.read(size + 2)[:-2].decode()
    if kind == b":":
        return int(rest)
    if kind == b"+":
        return rest.decode()
    raise ValueError(f"unexpected reply {line!r}")


def commands(port):
    with socket.create_connection(("127.0.0.1", port)) as connection:
        connection.sendall(b"*1\r\n$7\r\nCOMMAND\r\n")
        reply = read_reply(connection.makefile("rb"))
    table = []

    def add(entry):
        table.append((entry[0], entry[1]))
        for sub in entry[9]:
            add(sub)

    for entry in reply:
        add(entry)
    return sorted(table)


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 6379
    items = [f'{{"{name}", {arity}}}' for name, arity in commands(port)]
    line = "   "
    for item in items:
        if len(line) + len(item) + 2 > 100:
            print(line)
            line = "   "
        line += f" {item},"
    print(line)


if __name__ == "__main__":
    main()
