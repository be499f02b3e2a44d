#!/usr/bin/env python3
"""cachegrind (--cache-sim=no) against callgrind as the instruction counter.

Runs one command under each tool ROUNDS times, alternating, and prints each
run's wall time and instruction count, then the ratio of the median times
and the two counts (each tool's count is the same every run).

Usage: python3 bench/counter_speed.py [--rounds N] -- COMMAND [ARGS...]
e.g.   python3 bench/counter_speed.py -- /tmp/sd-inst/bin/sd -p a b /tmp/sd-input.txt
"""

import argparse
import statistics
import subprocess
import tempfile
import time

TOOLS = {
    "callgrind": ["valgrind", "--tool=callgrind", "--callgrind-out-file={out}"],
    "cachegrind": ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file={out}"],
}


def counted(tool, command):
    with tempfile.NamedTemporaryFile() as out:
        words = [w.format(out=out.name) for w in TOOLS[tool]] + ["--"] + command
        start = time.monotonic()
        subprocess.run(words, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        took = time.monotonic() - start
        text = open(out.name).read()
    count = next(int(l.split()[1]) for l in text.splitlines() if l.startswith("summary:"))
    return took, count


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("command", nargs="+")
    args = ap.parse_args()
    times = {t: [] for t in TOOLS}
    counts = {t: set() for t in TOOLS}
    for i in range(args.rounds):
        for tool in (list(TOOLS) if i % 2 == 0 else list(reversed(TOOLS))):
            took, count = counted(tool, args.command)
            times[tool].append(took)
            counts[tool].add(count)
            print(f"round {i + 1} {tool:10} {took:7.3f} s {count:>14,} instructions", flush=True)
    call, cache = statistics.median(times["callgrind"]), statistics.median(times["cachegrind"])
    print(f"median: callgrind {call:.3f} s, cachegrind {cache:.3f} s, cachegrind / callgrind ×{cache / call:.2f}")
    for tool in TOOLS:
        print(f"{tool}: distinct counts over the runs: {sorted(counts[tool])}")
    a, b = min(counts["callgrind"]), min(counts["cachegrind"])
    print(f"cachegrind's count against callgrind's: {100 * (b / a - 1):+.4f}%")


if __name__ == "__main__":
    main()
