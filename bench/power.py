#!/usr/bin/env python3
"""Power: a real difference must still be found after the noise floor and
the correction for many comparisons. opt-level 1 against baseline's 3 on
the tiny fixture's `squares` loop (a vector in cache that opt-level 3
vectorizes), in wall time, on a quiet machine: each of two builds of
cargo-lto (before and after a change) measures it in SWEEPS warm sweeps,
interleaved, each in its own copy. Prints each sweep's ratio and verdict,
and how many sweeps found o1 slower.

Usage: python3 bench/power.py BEFORE_BIN AFTER_BIN [--sweeps N]
"""

import argparse
import json
import os
import shutil
import subprocess
import tempfile

from common import REPO


def project(prefix):
    work = tempfile.mkdtemp(prefix=prefix)
    tiny = os.path.join(work, "tiny")
    shutil.copytree(os.path.join(REPO, "tests", "fixtures", "tiny"), tiny,
                    ignore=shutil.ignore_patterns("target"))
    return tiny


def sweep(tool, cwd):
    out = subprocess.run(
        [tool, "lto", "measure", "-q", "--format", "json", "--with", "o1:opt-level=1",
         "--only", "baseline,o1", "--no-rebuild", "--warm",
         "--run", "w=400000000 squares", "--runs", "10", "--min-time", "0s"],
        cwd=cwd, capture_output=True, text=True, check=True)
    doc = json.loads(out.stdout)
    o1 = next(c for c in doc["configurations"] if c["name"] == "o1")
    cmp = o1["runtime"][0]["vs_baseline"]
    noise = (doc.get("workloads") or [{}])[0].get("noise")
    return cmp, noise


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("before")
    ap.add_argument("after")
    ap.add_argument("--sweeps", type=int, default=10)
    args = ap.parse_args()
    tools = {"before": args.before, "after": args.after}
    dirs = {name: project(f"power-{name}-") for name in tools}
    for name, tool in tools.items():  # the builds
        sweep(tool, dirs[name])
    found = {name: 0 for name in tools}
    for i in range(args.sweeps):
        for name in (list(tools) if i % 2 == 0 else list(reversed(tools))):
            cmp, noise = sweep(tools[name], dirs[name])
            p = cmp.get("p_adjusted")
            p = cmp["p_value"] if p is None else p
            aa = f"  A/A ×{noise['ratio']:.3f} {noise['verdict']}" if noise else ""
            print(f"sweep {i + 1:2} {name:6} o1 ×{cmp['ratio']:.3f} "
                  f"[{cmp['ratio_ci'][0]:.3f}–{cmp['ratio_ci'][1]:.3f}] p={p:.4f} {cmp['verdict']}{aa}",
                  flush=True)
            found[name] += cmp["verdict"] == "slower"
    for name in tools:
        print(f"{name}: o1 found slower in {found[name]} of {args.sweeps} sweeps")


if __name__ == "__main__":
    main()
