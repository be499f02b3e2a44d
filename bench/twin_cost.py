#!/usr/bin/env python3
"""What the unstripped twin of a stripped binary costs a sweep.

A project whose release profile strips symbols (sd 1.0.0: lto = true,
strip = true) is measured with `--only baseline,off --no-rebuild` by two
builds of cargo-lto, one without the twin and one with it, ROUNDS rounds,
alternating. Prints each sweep's wall time and the ratio of the medians.

Usage: python3 bench/twin_cost.py BEFORE_BIN AFTER_BIN PROJECT_DIR [--rounds N]
"""

import argparse
import statistics
import subprocess
import time


def sweep(tool, cwd):
    start = time.monotonic()
    subprocess.run([tool, "lto", "measure", "-q", "--format", "json", "--only", "baseline,off",
                    "--no-rebuild"], cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    return time.monotonic() - start


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("before")
    ap.add_argument("after")
    ap.add_argument("project")
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    tools = {"before": args.before, "after": args.after}
    took = {name: [] for name in tools}
    for i in range(args.rounds):
        for name in (list(tools) if i % 2 == 0 else list(reversed(tools))):
            s = sweep(tools[name], args.project)
            took[name].append(s)
            print(f"round {i + 1} {name:6} {s:6.1f} s", flush=True)
    b, a = statistics.median(took["before"]), statistics.median(took["after"])
    print(f"median: before {b:.1f} s, after {a:.1f} s, after / before ×{a / b:.2f}")


if __name__ == "__main__":
    main()
