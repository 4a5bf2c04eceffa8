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
import re
import subprocess
import sys


def executed(path):
    """{object path: {address: times executed}} from a callgrind profile."""
    counts = collections.defaultdict(collections.Counter)
    names = {}
    obj = None
    address = 0
    after_call = False
    with open(path) as profile:
        for line in profile:
            named = re.match(r"(c?ob)=\((\d+)\)(?: (.*))?", line)
            if named:
                kind, number, name = named.groups()
                if name:
                    names[number] = name.strip()
                if kind == "ob":
                    obj = names.get(number)
                continue
            if line.startswith("calls="):
                # The cost line that follows is the call's inclusive cost.
                after_call = True
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
            if after_call:
                after_call = False
                continue
            counts[obj][address] += int(fields[-1])
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
    operations = int(sys.argv[2])
    total = 0
    for obj, counts in executed(sys.argv[1]).items():
        if not obj or not obj.startswith("/"):
            continue
        for address, (text, function) in sorted(locked(obj).items()):
            times = counts.get(address, 0)
            if times >= operations / 100:
                print(f"{times / operations:6.2f}  {text:32}  {function[:100]}")
                total += times
    print(f"{total / operations:6.2f}  per operation")


if __name__ == "__main__":
    main()
