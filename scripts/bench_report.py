#!/usr/bin/env python3
"""Turns the JSON of bench/signal_bench.cpp into the table between the
markers of docs/performance.md, and into docs/performance.png with gnuplot.

    bench_report.py results.json performance.md performance.png
"""

import json
import pathlib
import platform
import subprocess
import sys
import tempfile

results, document, plot = (pathlib.Path(p) for p in sys.argv[1:4])
data = json.loads(results.read_text())

medians = {}
for b in data["benchmarks"]:
    if b.get("aggregate_name") == "median":
        medians[b["run_name"]] = b


def per_callback(name):
    return medians[name]["per_callback"] * 1e9 if name in medians else float("nan")


def ns(name):
    b = medians[name]
    return b["real_time"] * {"ns": 1, "us": 1e3, "ms": 1e6}[b["time_unit"]]


post = per_callback("floor_post/10")
signals2 = per_callback("signals2_emit/10")
co_spawn = per_callback("floor_co_spawn/10")
detached = per_callback("send_detached/10")
awaited = per_callback("send_awaited/10")
coroutine = per_callback("send_coroutines/10")
keyed_small = ns("send_keyed/10")
keyed_large = ns("send_keyed/100000")
heap = medians["heap_per_connection/iterations:1"]

rows = [
    ("detached send to 10 plain callbacks, per callback", f"{detached:.1f} ns",
     f"{detached / signals2:.2f}x Signals2, {detached / post:.2f}x one post",
     "at most 1x Signals2 and 0.35x one post"),
    ("awaited send to 10 plain callbacks, per callback", f"{awaited:.1f} ns",
     f"{awaited / signals2:.2f}x Signals2", "at most 1.5x Signals2"),
    ("coroutine callback (send to 10)", f"{coroutine:.0f} ns",
     f"{coroutine / co_spawn:.2f}x one co_spawn", "at most 0.5x one co_spawn"),
    ("keyed send, 100,000 vs 10 keyed connections", f"{keyed_large:.0f} vs {keyed_small:.0f} ns",
     f"{keyed_large / keyed_small:.2f}x", "at most 1.1x"),
    ("heap per plain connection", f"{heap['usable_bytes']:.0f} bytes",
     f"{heap['requested_bytes']:.0f} bytes requested", "under 128 bytes"),
]
table = ["| measure | asio_signals | ratio (same run) | target |", "| --- | --- | --- | --- |"]
table += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]

table += ["", "| per callback, n callbacks | 1 | 10 | 100 |", "| --- | --- | --- | --- |"]
series = [
    ("asio_signals send, detached", "send_detached"),
    ("asio_signals send, awaited", "send_awaited"),
    ("asio_signals send, coroutine callbacks", "send_coroutines"),
    ("Boost.Signals2 emit", "signals2_emit"),
    ("one asio::post each", "floor_post"),
    ("one co_spawn each", "floor_co_spawn"),
    ("std::function call", "floor_function_call"),
]
for label, name in series:
    table.append(f"| {label} | " +
                 " | ".join(f"{per_callback(f'{name}/{n}'):.1f} ns" for n in (1, 10, 100)) + " |")
context = data["context"]
table += ["", f"Measured {context['date'][:10]} on {context['num_cpus']} x "
              f"{context['mhz_per_cpu']} MHz ({platform.machine()}), one core, "
              f"median of {medians['send_detached/10']['repetitions']} interleaved repetitions."]

text = document.read_text()
begin, end = "<!-- bench-table-begin -->", "<!-- bench-table-end -->"
head, rest = text.split(begin)
_, tail = rest.split(end)
document.write_text(head + begin + "\n" + "\n".join(table) + "\n" + end + tail)

with tempfile.TemporaryDirectory() as tmp:
    lines = []
    for i, (label, name) in enumerate(series):
        path = pathlib.Path(tmp) / f"{i}.dat"
        path.write_text("".join(f"{n} {per_callback(f'{name}/{n}')}\n" for n in (1, 10, 100)))
        lines.append(f"'{path}' using 1:2 with linespoints title '{label}'")
    script = "\n".join([
        "set terminal pngcairo size 800,600 font 'sans,10'" if "pngcairo" in subprocess.run(
            ["gnuplot", "-e", "set terminal"], capture_output=True, text=True).stderr
        else "set terminal png size 800,600",
        f"set output '{plot}'",
        "set termoption noenhanced",
        "set logscale xy",
        "set xlabel 'callbacks per send'",
        "set ylabel 'ns per callback'",
        "set key below",
        "set grid",
        "set xtics (1, 10, 100)",
        "plot " + ", \\\n  ".join(lines),
    ])
    subprocess.run(["gnuplot"], input=script, text=True, check=True)
print("\n".join(table))
