#!/usr/bin/env python3
"""What reading the earlier results documents costs a sweep. Every sweep
now reads the newest 50 documents of the project (a warm one carries their
clean builds and the runs of the same binaries; any one lists the
workloads it leaves out), so the fixed cost of a run grows with the results
directory. Measured as the warm no-op of bench/fixed_overhead.py (`measure
--only off --warm --no-rebuild`: cargo has nothing to do) with an empty
results directory against one holding N earlier documents, interleaved.

The earlier documents are a sweep of the example with a workload (five
configurations, 10 runs each), copied under new ids and padded with runs
to SIZE kilobytes each (grex's two documents were 121 and 137 KB).

Usage: python3 bench/earlier_docs.py [--pairs 15] [--docs 50] [--size 130]
"""

import argparse
import glob
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
    ap.add_argument("--docs", type=int, default=50)
    ap.add_argument("--size", type=int, default=130, help="kilobytes per document")
    args = ap.parse_args()
    tool = release_tool()
    work, example = example_copy("cargo-lto-earlier-")
    manifest = os.path.join(example, "Cargo.toml")
    results = os.path.join(example, "target", "cargo-lto", "results")
    sweep = [tool, "lto", "measure", "-q", "--format", "json", "--manifest-path", manifest,
             "--run", "w=", "--runs", "10", "--min-time", "0s"]
    doc = json.loads(subprocess.run(sweep, check=True, capture_output=True).stdout)
    # pad to the size asked: more runs of the one workload
    text = json.dumps(doc)
    while len(text) < args.size * 1024:
        for c in doc["configurations"]:
            for r in c["runtime"]:
                r["samples"].extend(r["samples"][:10])
                r["peak_rss_bytes"].extend(r["peak_rss_bytes"][:10])
        text = json.dumps(doc)
    noop = [tool, "lto", "measure", "-q", "--format", "json", "--manifest-path", manifest,
            "--only", "off", "--no-rebuild", "--warm"]
    subprocess.run(noop, check=True, capture_output=True)
    stash = os.path.join(work, "docs")
    os.makedirs(stash)
    for i in range(args.docs):
        d = dict(doc)
        d["id"] = f"20200101T0000{i:02d}.000000000Z-{i:06x}"
        with open(os.path.join(stash, f"measure-{d['id']}.json"), "w") as f:
            json.dump(d, f)

    def empty():
        for p in glob.glob(os.path.join(results, "*.json")):
            os.remove(p)

    def filled():
        empty()
        for p in glob.glob(os.path.join(stash, "*.json")):
            shutil.copy(p, results)

    none_t, many_t = [], []
    for i in range(args.pairs):
        for side in ([0, 1] if i % 2 == 0 else [1, 0]):
            (filled if side else empty)()
            (many_t if side else none_t).append(timed(noop))
    n, m = statistics.median(none_t), statistics.median(many_t)
    ratios = sorted(a / b for a, b in zip(many_t, none_t))
    print(f"warm no-op, {args.pairs} interleaved pairs: no earlier document median {n * 1e3:.0f} ms; "
          f"{args.docs} earlier documents of {len(text) // 1024} KB median {m * 1e3:.0f} ms; "
          f"reading them {(m - n) * 1e3:.0f} ms; per round {args.docs} / none: median "
          f"{statistics.median(ratios):.3f} (min {ratios[0]:.3f}, max {ratios[-1]:.3f})")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
