#!/usr/bin/env python3
"""How long `report` (Markdown, HTML, history) and `check` take on a project
with results, against `cargo metadata --no-deps` on the same project,
interleaved in rounds with the order shuffled per round (as
advice_latency.py, whose helpers it uses).

Usage: python3 bench/report_latency.py PROJECT_DIR OLD.json NEW.json [--rounds N]
OLD.json and NEW.json are two measure documents of the project (`check`
compares them). Nothing is written but a temporary HTML file.
"""

import argparse
import os
import random
import statistics
import tempfile

from advice_latency import ratio_ci, timed
from common import release_tool


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("project")
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--rounds", type=int, default=20)
    args = ap.parse_args()
    tool = release_tool()
    html = os.path.join(tempfile.mkdtemp(), "report.html")
    cmds = {
        "cargo metadata --no-deps": ["cargo", "metadata", "--no-deps", "--format-version", "1"],
        "report (markdown)": [tool, "lto", "report", args.new],
        "report --format html": [tool, "lto", "report", args.new, "--format", "html", "-o", html],
        "report --history": [tool, "lto", "report", "--history"],
        "check (size, build, runtime)": [tool, "lto", "check", "--baseline", args.old, args.new,
                                         "--max-size", "+3%", "--max-build-time", "+20%", "--max-runtime", "+2%"],
    }
    for cmd in cmds.values():
        timed(cmd, args.project)
    samples = {name: [] for name in cmds}
    rng = random.Random(7)
    for _ in range(args.rounds):
        order = list(cmds)
        rng.shuffle(order)
        for name in order:
            samples[name].append(timed(cmds[name], args.project))
    ref = samples["cargo metadata --no-deps"]
    print(f"{'command':32} {'median':>9} {'× cargo metadata':>18} {'95% CI':>15}")
    for name, s in samples.items():
        lo, hi = ratio_ci(s, ref)
        print(f"{name:32} {statistics.median(s) * 1000:7.1f} ms "
              f"{statistics.median(s) / statistics.median(ref):17.2f}× {lo:6.2f}–{hi:.2f}")
    print(f"HTML page: {os.path.getsize(html)} bytes")


if __name__ == "__main__":
    main()
