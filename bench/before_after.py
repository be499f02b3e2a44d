#!/usr/bin/env python3
"""The same commands run by two builds of cargo-lto (e.g. before and after a
restructuring), interleaved in rounds with the order shuffled per round, on
one project with results. Prints each command's median per build and the
ratio after / before with a 95% bootstrap CI.

Usage: python3 bench/before_after.py BEFORE_BIN AFTER_BIN PROJECT_DIR OLD.json NEW.json [--rounds N]
Nothing is written: apply runs with --dry-run.
"""

import argparse
import statistics

from advice_latency import interleave, ratio_ci


def commands(old, new):
    return {
        "recommend": ["lto", "recommend"],
        "recommend --goal size --format json": ["lto", "recommend", "--goal", "size", "--format", "json"],
        "doctor --format json": ["lto", "doctor", "--format", "json"],
        "check (size, build, runtime)": ["lto", "check", "--baseline", old, new,
                                         "--max-size", "3%", "--max-build-time", "20%", "--max-runtime", "5%"],
        "report --format json": ["lto", "report", new, "--format", "json"],
    }


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
    runs = {f"{name} [{side}]": [binary] + argv
            for name, argv in cmds.items()
            for side, binary in (("before", args.before), ("after", args.after))}
    times = interleave(runs, args.project, args.rounds)
    print(f"{'command':<40} {'before':>9} {'after':>9} {'after/before':>13} {'95% CI':>13}")
    for name in cmds:
        a, b = times[f"{name} [after]"], times[f"{name} [before]"]
        lo, hi = ratio_ci(a, b)
        print(f"{name:<40} {statistics.median(b) * 1e3:7.1f} ms {statistics.median(a) * 1e3:6.1f} ms"
              f" {statistics.median(a) / statistics.median(b):12.2f}× {lo:6.2f}–{hi:.2f}")

if __name__ == "__main__":
    main()
