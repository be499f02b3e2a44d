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
import tempfile

from advice_latency import interleave, print_ratios
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
    print_ratios(interleave(cmds, args.project, args.rounds), "cargo metadata --no-deps")
    print(f"HTML page: {os.path.getsize(html)} bytes")


if __name__ == "__main__":
    main()
