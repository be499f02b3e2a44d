#!/usr/bin/env python3
"""Fixed cost of one `cargo lto measure` run: cargo metadata, the toolchain
and cfg probes, writing results. Measured as a warm no-op: the example is
built once, then `cargo lto measure --only off --warm --no-rebuild` (cargo has
nothing to do) is timed against the very cargo command it runs, interleaved.

Usage: python3 bench/fixed_overhead.py [--pairs N]
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def timed(cmd):
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pairs", type=int, default=15)
    args = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "--manifest-path", os.path.join(REPO, "Cargo.toml")],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    tool = os.path.join(REPO, "target", "release", "cargo-lto")
    work = tempfile.mkdtemp(prefix="cargo-lto-fixed-")
    example = os.path.join(work, "example")
    shutil.copytree(os.path.join(REPO, "examples", "cross-crate"), example,
                    ignore=shutil.ignore_patterns("target"))
    measure = [tool, "lto", "measure", "-q", "--format", "json", "--manifest-path",
               os.path.join(example, "Cargo.toml"), "--only", "off", "--no-rebuild", "--warm"]
    doc = json.loads(subprocess.run(measure, check=True, capture_output=True).stdout)
    cargo = doc["configurations"][0]["command"]
    tool_t, cargo_t = [], []
    for _ in range(args.pairs):
        tool_t.append(timed(measure))
        cargo_t.append(timed(cargo))
    t, c = statistics.median(tool_t), statistics.median(cargo_t)
    print(f"warm no-op, {args.pairs} interleaved pairs: `cargo lto measure --only off --warm --no-rebuild` "
          f"median {t * 1e3:.0f} ms; the cargo command it runs, alone, median {c * 1e3:.0f} ms; "
          f"fixed overhead {(t - c) * 1e3:.0f} ms")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
