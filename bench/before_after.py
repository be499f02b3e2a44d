#!/usr/bin/env python3
"""The same commands run by two builds of cargo-lto (e.g. before and after a
restructuring), interleaved in rounds with the order shuffled per round, on
one project with results. Prints each command's median per build and the
ratio after / before with a 95% bootstrap CI.

Usage: python3 bench/before_after.py BEFORE_BIN AFTER_BIN PROJECT_DIR OLD.json NEW.json [--rounds N]
Nothing is written: apply runs with --dry-run.
"""

import argparse
import random
import statistics
import subprocess
import time


def commands(old, new):
    return {
        "recommend": ["lto", "recommend"],
        "recommend --goal size --format json": ["lto", "recommend", "--goal", "size", "--format", "json"],
        "doctor --format json": ["lto", "doctor", "--format", "json"],
        "check (size, build, runtime)": ["lto", "check", "--baseline", old, new,
                                         "--max-size", "3%", "--max-build-time", "20%", "--max-runtime", "5%"],
        "report --format json": ["lto", "report", new, "--format", "json"],
    }


def timed(cmd, cwd):
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def ratio_ci(a, b, n=5000):
    rng = random.Random(7)
    ratios = []
    for _ in range(n):
        ra = statistics.median(rng.choices(a, k=len(a)))
        rb = statistics.median(rng.choices(b, k=len(b)))
        ratios.append(ra / rb)
    ratios.sort()
    return ratios[int(0.025 * n)], ratios[int(0.975 * n)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("before")
    ap.add_argument("after")
    ap.add_argument("project")
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--rounds", type=int, default=20)
    args = ap.parse_args()
    cmds = commands(args.old, args.new)
    runs = [(name, side, [binary] + argv) for name, argv in cmds.items()
            for side, binary in (("before", args.before), ("after", args.after))]
    for _, _, cmd in runs:  # one warm-up each
        timed(cmd, args.project)
    times = {(name, side): [] for name, side, _ in runs}
    rng = random.Random(1)
    for _ in range(args.rounds):
        order = runs[:]
        rng.shuffle(order)
        for name, side, cmd in order:
            times[(name, side)].append(timed(cmd, args.project))
    print(f"{'command':<40} {'before':>9} {'after':>9} {'after/before':>13} {'95% CI':>13}")
    for name in cmds:
        a, b = times[(name, "after")], times[(name, "before")]
        lo, hi = ratio_ci(a, b)
        print(f"{name:<40} {statistics.median(b) * 1e3:7.1f} ms {statistics.median(a) * 1e3:6.1f} ms"
              f" {statistics.median(a) / statistics.median(b):12.2f}× {lo:6.2f}–{hi:.2f}")


if __name__ == "__main__":
    main()
