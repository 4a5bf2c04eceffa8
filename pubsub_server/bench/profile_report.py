#!/usr/bin/env python3
"""Per delivered message figures from the runs of profile.sh.

usage: profile_report.py DIR SHAPE

DIR holds, for each server (pubsub_server, redis-server) and each length of
run (short, long): callgrind.<server>.<run> (callgrind's output), perf.<server>.<run>
(perf stat's counts) or strace.<server>.<run> (strace -c -f's summary), each
when profile.sh ran that tool, and bench.<kind>.<run>.txt (what bench_pubsub
printed, with the number of messages delivered over the whole run). The short run
measures what a run costs besides the messages (start, connections,
SUBSCRIBE, exit); every figure printed is (long - short) / (messages delivered
in long - in short), that is, per delivered message.

Instructions are split by the function they were compiled into (inlined code
counts for the function it was inlined into): the library (asio_signals::),
the server (pubsub::, or redis-server's own code), Asio (boost::asio::),
malloc/free (the allocator's functions and operator new/delete), kernel entry
(the C library's system call wrappers: user-space instructions only; callgrind
does not see the kernel), and the rest (memcpy, libstdc++, ...). Allocations are
the calls of malloc, calloc, realloc and their kin.
"""

import re
import sys
from collections import defaultdict
from pathlib import Path

SERVERS = ["pubsub_server", "redis-server"]
CATEGORIES = ["library", "server", "Asio", "malloc/free", "kernel entry", "other"]
ALLOCATING = {"malloc", "calloc", "realloc", "aligned_alloc", "posix_memalign", "memalign",
              "mallocx", "rallocx", "je_malloc", "je_calloc", "je_realloc"}
ALLOCATOR = re.compile(r"^(malloc|free|calloc|realloc|cfree|_int_malloc|_int_free|_int_realloc|"
                       r"malloc_consolidate|tcache_\w+|aligned_alloc|posix_memalign|memalign|"
                       r"sdallocx|mallocx|rallocx|je_\w+|_int_memalign|unlink_chunk\S*|"
                       r"operator new\S*|operator delete\S*)(\(|$| )")
SYSCALL_WRAPPERS = {"write", "__write", "__libc_write", "writev", "__writev", "read", "__read",
                    "__libc_read", "readv", "sendmsg", "__libc_sendmsg", "recvmsg",
                    "__libc_recvmsg", "epoll_wait", "epoll_pwait", "epoll_ctl", "ioctl",
                    "__ioctl", "accept", "accept4", "close", "__close", "syscall", "setsockopt",
                    "getsockopt", "fcntl", "__fcntl64_nocancel_adjusted", "__libc_fcntl64",
                    "__GI___libc_write", "__GI___writev", "__GI___libc_read", "__GI___ioctl",
                    "__GI_epoll_wait", "__GI_epoll_pwait", "__libc_sendmsg", "__libc_recvmsg",
                    "__GI___libc_sendmsg", "__GI___libc_recvmsg", "__GI___close", "recv", "send",
                    "recvfrom", "sendto", "__libc_recv", "__libc_send"}
NAMESPACES = [("asio_signals::", "library"), ("pubsub::", "server"), ("boost::asio::", "Asio")]


def categorise(function, obj, server):
    name = function.strip()
    if ALLOCATOR.match(name) or "libjemalloc" in obj:
        return "malloc/free"
    if name in SYSCALL_WRAPPERS and "libc" in obj:
        return "kernel entry"
    # Debian's /usr/bin/redis-server is a link to redis-check-rdb.
    if server == "redis-server" and "/redis-" in obj:
        return "server"
    first = None
    for prefix, category in NAMESPACES:
        at = name.find(prefix)
        if at >= 0 and (first is None or at < first[0]):
            first = (at, category)
    return first[1] if first else "other"


def read_callgrind(path, server):
    """(total instructions, {category: instructions}, allocations)."""
    names = {"fn": {}, "ob": {}}
    obj = ""
    fn = ""
    self_cost = defaultdict(int)
    calls_to = defaultdict(int)
    call_target = None
    next_is_call = False
    cfn = ""
    total = 0

    def name_of(kind, text):
        m = re.match(r"\((\d+)\)(?: (.*))?$", text)
        if not m:
            return text
        if m.group(2) is not None:
            names[kind][m.group(1)] = m.group(2)
        return names[kind].get(m.group(1), text)

    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            c = line[0]
            if c.isdigit() or c in "+-*":
                if next_is_call:
                    next_is_call = False
                    continue
                parts = line.split()
                if len(parts) > 1:
                    cost = int(parts[1])
                    self_cost[(fn, obj)] += cost
                    total += cost
                continue
            key, _, value = line.partition("=")
            if key == "ob":
                obj = name_of("ob", value)
            elif key == "fn":
                fn = name_of("fn", value)
            elif key == "cob":
                name_of("ob", value)
            elif key == "cfn":
                cfn = name_of("fn", value)
            elif key == "calls":
                calls_to[cfn] += int(value.split()[0])
                next_is_call = True
    split = defaultdict(int)
    for (function, o), cost in self_cost.items():
        split[categorise(function, o, server)] += cost
    allocations = sum(n for function, n in calls_to.items() if function.strip() in ALLOCATING)
    return total, split, allocations


def read_strace(path):
    """{syscall: calls}."""
    counts = {}
    for line in Path(path).read_text().splitlines():
        parts = line.split()
        if len(parts) >= 5 and re.match(r"^[\d.]+$", parts[0]) and parts[-1] != "total":
            counts[parts[-1]] = int(parts[3])
    return counts


def read_perf(path):
    """{event: count}, with CPU time in ns as "user ns", "kernel ns" and "task-clock ns"."""
    counts = {}
    for line in Path(path).read_text().splitlines():
        parts = line.split()
        if len(parts) >= 2 and re.match(r"^[\d,.]+$", parts[0]):
            value = float(parts[0].replace(",", ""))
            if parts[1] == "msec" and parts[2] == "task-clock":
                counts["task-clock ns"] = value * 1e6
            elif parts[1] == "seconds" and parts[2] in ("user", "sys"):
                counts["user ns" if parts[2] == "user" else "kernel ns"] = value * 1e9
            elif ":" in parts[1] or parts[1] == "context-switches":
                counts[parts[1].replace("syscalls:sys_enter_", "").replace(
                    "raw_syscalls:sys_enter", "all")] = value
    return counts


def rate(path, server):
    for line in Path(path).read_text().splitlines():
        m = re.search(server + r": ([\d,]+) msg/s delivered", line)
        if m:
            return int(m.group(1).replace(",", ""))
    return 0


def delivered(path, server):
    for line in Path(path).read_text().splitlines():
        m = re.search(server + r": .*whole run (\d+) delivered, (\d+) PUBLISH", line)
        if m:
            return int(m.group(1)), int(m.group(2))
    raise SystemExit(f"profile_report.py: no whole-run count for {server} in {path}")


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    out, shape = Path(sys.argv[1]), sys.argv[2]
    rows = {}
    # Instructions from callgrind, system calls from perf or strace: each when
    # profile.sh ran that tool.
    has_cg = (out / f"callgrind.{SERVERS[0]}.long").exists()
    tool = next((t for t in ("perf", "strace") if (out / f"{t}.{SERVERS[0]}.long").exists()),
                None)
    if not has_cg and not tool:
        raise SystemExit(f"profile_report.py: no profile in {out}")
    for server in SERVERS:
        row = {"tool": tool}
        if has_cg:
            short_cg = read_callgrind(out / f"callgrind.{server}.short", server)
            long_cg = read_callgrind(out / f"callgrind.{server}.long", server)
            d_cg, p_cg = (long - short for long, short in zip(
                delivered(out / "bench.callgrind.long.txt", server),
                delivered(out / "bench.callgrind.short.txt", server)))
            row.update({
                "messages": d_cg,
                "fanout": d_cg / p_cg if p_cg else 0,
                "instructions": (long_cg[0] - short_cg[0]) / d_cg,
                "split": {c: (long_cg[1][c] - short_cg[1][c]) / d_cg for c in CATEGORIES},
                "allocations": (long_cg[2] - short_cg[2]) / d_cg,
            })
        if tool:
            read = read_perf if tool == "perf" else read_strace
            short_st = read(out / f"{tool}.{server}.short")
            long_st = read(out / f"{tool}.{server}.long")
            d_st, p_st = (long - short for long, short in zip(
                delivered(out / f"bench.{tool}.long.txt", server),
                delivered(out / f"bench.{tool}.short.txt", server)))
            row["syscalls"] = {name: (long_st.get(name, 0) - short_st.get(name, 0)) / d_st
                               for name in long_st}
            row["strace messages"] = d_st
            row.setdefault("fanout", d_st / p_st if p_st else 0)
        row["rate"] = rate(out / f"bench.{tool or 'callgrind'}.long.txt", server)
        rows[server] = row
    a, b = (rows[s] for s in SERVERS)
    counted = []
    if has_cg:
        counted.append(f"callgrind: {a['messages']:,} and {b['messages']:,} messages")
    if tool:
        counted.append(f"{tool}: {a['strace messages']:,} and {b['strace messages']:,}")
    print(f"\n{shape}: per delivered message ({'; '.join(counted)}; delivered msg/s under "
          f"{tool or 'callgrind'}: {a['rate']:,} and {b['rate']:,}; receivers per PUBLISH: "
          f"{a['fanout']:.1f})\n")
    print("| per delivered message | pubsub_server | redis-server |")
    print("| --- | ---: | ---: |")
    if has_cg:
        print(f"| instructions | {a['instructions']:,.0f} | {b['instructions']:,.0f} |")
        for c in CATEGORIES:
            print(f"| — {c} | {a['split'][c]:,.0f} | {b['split'][c]:,.0f} |")
        print(f"| allocations (malloc and kin) | {a['allocations']:.2f} | "
              f"{b['allocations']:.2f} |")
    if not tool:
        return
    sa, sb = a["syscalls"], b["syscalls"]
    if a["tool"] == "perf":
        for n, what in (("task-clock ns", "CPU time, ns"), ("user ns", "— user mode, ns"),
                        ("kernel ns", "— kernel mode, ns")):
            print(f"| {what} | {sa.get(n, 0):,.0f} | {sb.get(n, 0):,.0f} |")
        print(f"| context switches | {sa.get('context-switches', 0):.4f} | "
              f"{sb.get('context-switches', 0):.4f} |")
        total_a, total_b = sa.get("all", 0), sb.get("all", 0)
    else:
        total_a, total_b = sum(sa.values()), sum(sb.values())
    skip = {"all", "context-switches", "task-clock ns", "user ns", "kernel ns"}
    names = sorted((set(sa) | set(sb)) - skip, key=lambda n: -(sa.get(n, 0) + sb.get(n, 0)))
    print(f"| system calls | {total_a:.4f} | {total_b:.4f} |")
    for n in names:
        va, vb = sa.get(n, 0), sb.get(n, 0)
        if max(va, vb) >= 0.00005:
            print(f"| — {n} | {va:.4f} | {vb:.4f} |")


if __name__ == "__main__":
    main()
