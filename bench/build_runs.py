#!/usr/bin/env python3
"""What `--build-runs 3` buys: the CI of a configuration's build time
against the spread of single builds across sweeps.

Measures the bundled example (`--only baseline,fat --no-rebuild`) in
SWEEPS sweeps with `--build-runs 1` and SWEEPS with `--build-runs 3`,
alternating, in one copy, with the release build of this repository.
Prints, per configuration and for fat's ratio to baseline:
- N = 1: the relative spread of the figure across sweeps ((max − min) /
  median, and the standard deviation / median);
- N = 3: the median relative width of its CI within a sweep, the share of
  sweeps whose CI holds the median of all N = 1 figures, and the spread
  of the N = 3 medians across sweeps;
- the time a sweep took with each N.

Usage: python3 bench/build_runs.py [--sweeps N]
"""

import argparse
import json
import statistics
import subprocess
import time

from common import example_copy, release_tool


def sweep(tool, cwd, runs):
    start = time.monotonic()
    out = subprocess.run([tool, "lto", "measure", "-q", "--format", "json", "--only", "baseline,fat",
                          "--no-rebuild", "--build-runs", str(runs)],
                         cwd=cwd, capture_output=True, text=True, check=True)
    seconds = time.monotonic() - start
    doc = json.loads(out.stdout)
    builds = {c["name"]: c["build"] for c in doc["configurations"]}
    return builds, seconds


def spread(xs):
    m = statistics.median(xs)
    return (max(xs) - min(xs)) / m, statistics.stdev(xs) / m


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sweeps", type=int, default=8)
    args = ap.parse_args()
    tool = release_tool()
    _, example = example_copy("build-runs-")
    one, three = [], []
    took = {1: [], 3: []}
    for i in range(args.sweeps):
        for runs in ([1, 3] if i % 2 == 0 else [3, 1]):
            builds, seconds = sweep(tool, example, runs)
            took[runs].append(seconds)
            (one if runs == 1 else three).append(builds)
            print(f"sweep {i + 1} N={runs}: " + ", ".join(
                f"{n} {b['wall_s']:.2f} s {b['wall_s_ci'] or ''} busy={b['busy']}"
                for n, b in builds.items()), flush=True)
    figures = {
        "baseline": lambda b: b["baseline"]["wall_s"],
        "fat": lambda b: b["fat"]["wall_s"],
        "fat / baseline": lambda b: b["fat"]["wall_s"] / b["baseline"]["wall_s"],
    }
    print(f"\n{args.sweeps} sweeps each")
    print("figure | N=1 range/median | N=1 sd/median | N=3 CI width/median (median) | N=3 CIs holding N=1's median | N=3 range/median | N=3 sd/median")
    for name, f in figures.items():
        singles = [f(b) for b in one]
        medians = [f(b) for b in three]
        r1, s1 = spread(singles)
        r3, s3 = spread(medians)
        if name in ("baseline", "fat"):
            widths = [(b[name]["wall_s_ci"][1] - b[name]["wall_s_ci"][0]) / b[name]["wall_s"] for b in three]
            m1 = statistics.median(singles)
            held = sum(1 for b in three if b[name]["wall_s_ci"][0] <= m1 <= b[name]["wall_s_ci"][1])
            ci = f"{statistics.median(widths):.1%} | {held}/{len(three)}"
        else:
            ci = "- | -"
        print(f"{name} | {r1:.1%} | {s1:.1%} | {ci} | {r3:.1%} | {s3:.1%}")
    print(f"sweep time: N=1 {statistics.median(took[1]):.1f} s, N=3 {statistics.median(took[3]):.1f} s "
          f"(×{statistics.median(took[3]) / statistics.median(took[1]):.2f})")


if __name__ == "__main__":
    main()
