#!/usr/bin/env python3
"""Cost of cargo-lto's rustc wrapper per rustc invocation.

Compiles one tiny crate N times directly (`rustc ARGS`) and N times through
the wrapper (`cargo-lto rustc ARGS` with CARGO_LTO_WRAPPER_LOG set, exactly as
cargo calls it), interleaved and in shuffled pairs, and reports the median
wall and CPU time of each and the difference per invocation with a bootstrap
95% CI of the median difference.

Usage: python3 bench/wrapper_overhead.py [--runs N]
"""

import argparse
import os
import random
import resource
import statistics
import subprocess
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def timed(cmd, env):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def bootstrap_median_diff(a, b, reps=5000, seed=1):
    rng = random.Random(seed)
    diffs = []
    for _ in range(reps):
        ra = [rng.choice(a) for _ in a]
        rb = [rng.choice(b) for _ in b]
        diffs.append(statistics.median(ra) - statistics.median(rb))
    diffs.sort()
    return diffs[int(0.025 * reps)], diffs[int(0.975 * reps)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=40)
    args = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "--manifest-path", os.path.join(REPO, "Cargo.toml")],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    tool = os.path.join(REPO, "target", "release", "cargo-lto")
    rustc = subprocess.run(["rustup", "which", "rustc"], capture_output=True, text=True).stdout.strip() or "rustc"
    work = tempfile.mkdtemp(prefix="cargo-lto-wrapper-")
    src = os.path.join(work, "lib.rs")
    with open(src, "w") as f:
        f.write("pub fn f(x: u64) -> u64 { x.wrapping_mul(31) }\n")
    rustc_args = ["--crate-name", "tiny", "--crate-type", "lib", "--edition", "2024", "-C", "opt-level=3",
                  "--out-dir", work, src]
    env = dict(os.environ)
    env.pop("RUSTC_WRAPPER", None)
    wenv = dict(env, CARGO_LTO_WRAPPER_LOG=os.path.join(work, "log.jsonl"))
    direct, wrapped = [], []
    rng = random.Random(7)
    for _ in range(3):  # warm-up
        timed([rustc] + rustc_args, env)
        timed([tool, rustc] + rustc_args, wenv)
    for _ in range(args.runs):
        pair = [("direct", [rustc] + rustc_args, env), ("wrapped", [tool, rustc] + rustc_args, wenv)]
        rng.shuffle(pair)
        for name, cmd, e in pair:
            (direct if name == "direct" else wrapped).append(timed(cmd, e))
    dw = [w for w, _ in direct]
    ww = [w for w, _ in wrapped]
    dc = [c for _, c in direct]
    wc = [c for _, c in wrapped]
    lo, hi = bootstrap_median_diff(ww, dw)
    clo, chi = bootstrap_median_diff(wc, dc)
    print(f"rustc compiling a one-function crate, {args.runs} interleaved pairs:")
    print()
    print("| | median wall (ms) | median CPU (ms) |")
    print("|---|---|---|")
    print(f"| rustc direct | {statistics.median(dw) * 1e3:.2f} | {statistics.median(dc) * 1e3:.2f} |")
    print(f"| through cargo-lto's wrapper | {statistics.median(ww) * 1e3:.2f} | {statistics.median(wc) * 1e3:.2f} |")
    print(f"| difference per invocation | {(statistics.median(ww) - statistics.median(dw)) * 1e3:+.2f} "
          f"(95% CI {lo * 1e3:+.2f} to {hi * 1e3:+.2f}) | {(statistics.median(wc) - statistics.median(dc)) * 1e3:+.2f} "
          f"(95% CI {clo * 1e3:+.2f} to {chi * 1e3:+.2f}) |")
    lines = sum(1 for _ in open(os.path.join(work, "log.jsonl")))
    print()
    print(f"(the wrapper logged {lines} records: one per wrapped invocation)")


if __name__ == "__main__":
    main()
