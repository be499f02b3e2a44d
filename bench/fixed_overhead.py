#!/usr/bin/env python3
"""Fixed cost of one `cargo lto measure` run: cargo metadata, the toolchain
and cfg probes, writing results. Measured as a warm no-op: the example is
built once, then `cargo lto measure --only off --warm --no-rebuild` (cargo has
nothing to do) is timed against the very cargo command it runs, interleaved.

Usage: python3 bench/fixed_overhead.py [--pairs N] [--against OTHER_CARGO_LTO]

With --against, a second cargo-lto binary (e.g. one built from an earlier
commit) runs the same no-op in the same rounds, so two versions' fixed costs
are compared in one session (absolute milliseconds drift between sessions).
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import time

from common import example_copy, release_tool



def timed(cmd):
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pairs", type=int, default=15)
    ap.add_argument("--against", help="another cargo-lto binary, timed in the same rounds")
    args = ap.parse_args()
    tool = release_tool()
    work, example = example_copy("cargo-lto-fixed-")
    measure = [tool, "lto", "measure", "-q", "--format", "json", "--manifest-path",
               os.path.join(example, "Cargo.toml"), "--only", "off", "--no-rebuild", "--warm"]
    doc = json.loads(subprocess.run(measure, check=True, capture_output=True).stdout)
    cargo = doc["configurations"][0]["command"]
    other = [args.against] + measure[1:] if args.against else None
    if other:
        subprocess.run(other, check=True, capture_output=True)
    tool_t, cargo_t, other_t = [], [], []
    for _ in range(args.pairs):
        tool_t.append(timed(measure))
        cargo_t.append(timed(cargo))
        if other:
            other_t.append(timed(other))
    t, c = statistics.median(tool_t), statistics.median(cargo_t)
    print(f"warm no-op, {args.pairs} interleaved pairs: `cargo lto measure --only off --warm --no-rebuild` "
          f"median {t * 1e3:.0f} ms; the cargo command it runs, alone, median {c * 1e3:.0f} ms; "
          f"fixed overhead {(t - c) * 1e3:.0f} ms")
    if other:
        o = statistics.median(other_t)
        ratios = sorted(a / b for a, b in zip(tool_t, other_t))
        print(f"against {args.against}: median {o * 1e3:.0f} ms, fixed overhead {(o - c) * 1e3:.0f} ms; "
              f"this / that per round: median {statistics.median(ratios):.3f} "
              f"(min {ratios[0]:.3f}, max {ratios[-1]:.3f})")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
