#!/usr/bin/env python3
"""Counts the locked (atomic read-modify-write) instructions a program executed.

Reads a callgrind profile made with --dump-instr=yes, finds in each object's
disassembly (objdump -d) the instructions with a lock prefix and the xchg
instructions with a memory operand, which lock implicitly, and prints those
executed at least OPERATIONS / 100 times, with where they are, then their
total per operation. callgrind counts instructions, not their cost, and a
locked one costs tens of cycles: this says how many of them an operation
pays, which instruction counts alone do not.

    valgrind --tool=callgrind --dump-instr=yes --callgrind-out-file=FILE \\
        build/release/bench/asio_signals_instructions send 1 100000
    scripts/locked_instructions.py FILE 100000
"""

import collections
import os
import re
import subprocess
import sys


def executed(path):
    """{object path: {address: times executed}} from a callgrind profile."""
    counts = collections.defaultdict(collections.Counter)
    names = {}
    obj = None
    address = 0
    positions = 1
    # The line after a calls= line is the call's inclusive cost, and the
    # line after a jump= or jcnd= line is the jump's source: neither counts
    # the instruction's own executions.
    skip_next = False
    with open(path) as profile:
        for line in profile:
            if line.startswith("positions:"):
                kinds = line.split()[1:]
                if kinds[0] != "instr":
                    sys.exit(f"{path}: no instruction addresses; profile with --dump-instr=yes")
                positions = len(kinds)
                continue
            named = re.match(r"(c?ob)=(?:\((\d+)\))? ?(.*)", line)
            if named:
                kind, number, name = named.groups()
                name = name.strip()
                if number is None:
                    number = name
                if name:
                    names[number] = name
                if kind == "ob":
                    obj = names.get(number)
                continue
            if line.startswith(("calls=", "jump=", "jcnd=")):
                skip_next = True
                continue
            if not line[:1] or line[0] not in "0123456789+-*":
                continue
            fields = line.split()
            position = fields[0]
            if position.startswith("0x"):
                address = int(position, 16)
            elif position[0] in "+-":
                step = int(position[1:], 0)
                address += step if position[0] == "+" else -step
            if skip_next:
                skip_next = False
                continue
            # The first event after the positions; callgrind leaves out
            # trailing zeros.
            if len(fields) > positions:
                counts[obj][address] += int(fields[positions])
    return counts


def locked(obj):
    """{address: (instruction, function)} of the locked instructions in `obj`."""
    listing = subprocess.run(["objdump", "-d", "-C", "--no-show-raw-insn", obj],
                             capture_output=True, text=True, check=True).stdout
    found = {}
    function = "?"
    for line in listing.splitlines():
        label = re.match(r"[0-9a-f]+ <(.*)>:$", line)
        if label:
            function = label.group(1)
            continue
        instruction = re.match(r"\s*([0-9a-f]+):\s+(.*)", line)
        if not instruction:
            continue
        text = instruction.group(2).strip()
        if text.startswith("lock") or (text.startswith("xchg") and "(" in text):
            found[int(instruction.group(1), 16)] = (text, function)
    return found


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: locked_instructions.py CALLGRIND_FILE OPERATIONS")
    profile, operations = sys.argv[1], int(sys.argv[2])
    total = 0
    for obj, counts in executed(profile).items():
        if not obj or not obj.startswith("/"):
            continue
        if os.path.getmtime(obj) > os.path.getmtime(profile):
            sys.exit(f"{obj} changed after {profile} was made: profile it again")
        for address, (text, function) in sorted(locked(obj).items()):
            times = counts.get(address, 0)
            if times >= operations / 100:
                print(f"{times / operations:6.2f}  {text:32}  {function[:100]}")
                total += times
    print(f"{total / operations:6.2f}  per operation")


if __name__ == "__main__":
    main()
