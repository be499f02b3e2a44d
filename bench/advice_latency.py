#!/usr/bin/env python3
"""How long the advice commands take on a project with results, against
`cargo metadata --no-deps` on the same project (the cheapest cargo call
there is, and one each advice command makes), interleaved in rounds with
the order shuffled per round.

Usage: python3 bench/advice_latency.py PROJECT_DIR [--rounds N]
PROJECT_DIR must hold a measure document (run `cargo lto measure` there
first). Nothing is written: apply runs with --dry-run. Prints each
command's median wall time over the rounds and its ratio to cargo
metadata's median, with a 95% bootstrap CI of that ratio.
"""

import argparse
import random
import statistics
import subprocess
import time

from common import release_tool


def commands(tool):
    return {
        "cargo metadata --no-deps": ["cargo", "metadata", "--no-deps", "--format-version", "1"],
        "recommend": [tool, "lto", "recommend"],
        "recommend --goal size --format json": [tool, "lto", "recommend", "--goal", "size", "--format", "json"],
        "apply fat-cgu1 --dry-run": [tool, "lto", "apply", "fat-cgu1", "--dry-run"],
        "doctor": [tool, "lto", "doctor"],
        "explain lto": [tool, "lto", "explain", "lto"],
    }


def timed(cmd, cwd):
    start = time.perf_counter()
    # doctor exits 1 on an error finding: the time is what matters here
    subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def ratio_ci(a, b, n=2000):
    rng = random.Random(1)
    ratios = sorted(
        statistics.median(rng.choices(a, k=len(a))) / statistics.median(rng.choices(b, k=len(b)))
        for _ in range(n)
    )
    return ratios[int(0.025 * n)], ratios[int(0.975 * n)]


def interleave(cmds, cwd, rounds):
    """Each command once to warm up, then `rounds` rounds of all of them in
    a shuffled order; returns name -> wall times."""
    for cmd in cmds.values():
        timed(cmd, cwd)
    samples = {name: [] for name in cmds}
    rng = random.Random(7)
    for _ in range(rounds):
        order = list(cmds)
        rng.shuffle(order)
        for name in order:
            samples[name].append(timed(cmds[name], cwd))
    return samples


def print_ratios(samples, reference):
    """Each command's median and its ratio to `reference`'s, with a CI."""
    ref = samples[reference]
    print(f"{'command':40} {'median':>9} {'× ' + reference:>28} {'95% CI':>15}")
    for name, s in samples.items():
        lo, hi = ratio_ci(s, ref)
        print(f"{name:40} {statistics.median(s) * 1000:7.1f} ms "
              f"{statistics.median(s) / statistics.median(ref):27.2f}× {lo:6.2f}–{hi:.2f}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("project")
    ap.add_argument("--rounds", type=int, default=20)
    args = ap.parse_args()
    samples = interleave(commands(release_tool()), args.project, args.rounds)
    print_ratios(samples, "cargo metadata --no-deps")


if __name__ == "__main__":
    main()
