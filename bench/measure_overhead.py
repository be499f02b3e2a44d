#!/usr/bin/env python3
"""Overhead of `cargo lto measure --preset quick` against the same work done
with plain cargo, measured interleaved in one session.

The plain work is what a user does by hand for the same five configurations
(baseline, off, thin, fat, fat-cgu1): a clean `cargo build --release` with the
settings given as `--config profile.release.*` into a fresh target directory,
then a rebuild after bumping the binary's root source file's mtime (restored
afterwards). Rounds alternate which side goes first, so drift hits both.

Usage: python3 bench/measure_overhead.py [--rounds N] [--example DIR]
Prints a Markdown table: per round, wall and CPU time (user+sys of all child
processes, from getrusage(RUSAGE_CHILDREN) differences) of each side and their
ratio tool / plain; then the median and the geometric mean of the ratios with
a 95% confidence interval (Student t on the log ratios: rounds are paired).

The ratios carry the machine's noise in how long the same compilation takes
(a few percent a round on a VM). So the tool's own cost is also taken apart
from it: its results give each clean build's and rebuild's wall and CPU time
(cargo and everything it ran, the rustc wrapper included), and what the
run took beyond them (resolving the project, reading the binaries, writing
the results) is the overhead, shown against the plain side's total.
"""

import argparse
import json
import os
import math
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

CONFIGS = [
    ("baseline", []),
    ("off", ['profile.release.lto="off"']),
    ("thin", ['profile.release.lto="thin"']),
    ("fat", ['profile.release.lto="fat"']),
    ("fat-cgu1", ['profile.release.lto="fat"', "profile.release.codegen-units=1"]),
]

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# Student t quantiles t(0.975, df) for df = 1..30.
T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179,
        2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064,
        2.060, 2.056, 2.052, 2.048, 2.045, 2.042]


def children_cpu():
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def geo_mean_ci(ratios):
    logs = [math.log(r) for r in ratios]
    n = len(logs)
    mean = sum(logs) / n
    if n < 2:
        return math.exp(mean), float("nan"), float("nan")
    sd = statistics.stdev(logs)
    half = T975[min(n - 1, len(T975)) - 1] * sd / math.sqrt(n)
    return math.exp(mean), math.exp(mean - half), math.exp(mean + half)


def run(cmd, **kw):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)


def plain_work(manifest, target_root, src):
    """Five clean builds and five rebuilds with plain cargo; returns seconds."""
    start = time.perf_counter()
    for name, configs in CONFIGS:
        target = os.path.join(target_root, name)
        shutil.rmtree(target, ignore_errors=True)
        cmd = ["cargo", "build", "--release", "--manifest-path", manifest, "--target-dir", target]
        for c in configs:
            cmd += ["--config", c]
        run(cmd)
        st = os.stat(src)
        os.utime(src, ns=(st.st_atime_ns, (int(time.time()) + 2) * 10**9))
        try:
            run(cmd)
        finally:
            os.utime(src, ns=(st.st_atime_ns, st.st_mtime_ns))
    return time.perf_counter() - start


def tool_work(tool, manifest, target_root):
    start = time.perf_counter()
    out = subprocess.run(
        [tool, "lto", "measure", "--quiet", "--format", "json", "--manifest-path", manifest,
         "--target-dir", target_root],
        check=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    doc = json.loads(out.stdout)
    bad = [c["name"] for c in doc["configurations"] if c["status"] != "ok"]
    if bad:
        sys.exit(f"configurations failed: {bad}")
    builds = [c["build"] for c in doc["configurations"]]
    in_wall = sum(b["wall_s"] + (b["rebuild_wall_s"] or 0.0) for b in builds)
    in_cpu = sum(b["cpu_s"] + (b["rebuild_cpu_s"] or 0.0) for b in builds)
    return elapsed, in_wall, in_cpu


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--example", default=os.path.join(REPO, "examples", "cross-crate"))
    args = ap.parse_args()

    run(["cargo", "build", "--release", "--manifest-path", os.path.join(REPO, "Cargo.toml")])
    tool = os.path.join(REPO, "target", "release", "cargo-lto")
    work = tempfile.mkdtemp(prefix="cargo-lto-bench-")
    example = os.path.join(work, "example")
    shutil.copytree(args.example, example, ignore=shutil.ignore_patterns("target"))
    manifest = os.path.join(example, "Cargo.toml")
    src = os.path.join(example, "app", "src", "main.rs")
    run(["cargo", "fetch", "--manifest-path", manifest])

    rows = []
    for r in range(args.rounds):
        order = ["tool", "plain"] if r % 2 == 0 else ["plain", "tool"]
        times, cpu = {}, {}
        for side in order:
            before = children_cpu()
            if side == "tool":
                times[side], in_wall, in_cpu = tool_work(tool, manifest, os.path.join(work, "tool-target"))
            else:
                times[side] = plain_work(manifest, os.path.join(work, "plain-target"), src)
            cpu[side] = children_cpu() - before
        rows.append((r + 1, order[0], times["tool"], times["plain"], times["tool"] / times["plain"],
                     cpu["tool"], cpu["plain"], cpu["tool"] / cpu["plain"],
                     times["tool"] - in_wall, cpu["tool"] - in_cpu))
        print(f"round {r + 1}: tool {times['tool']:.1f} s, plain {times['plain']:.1f} s, "
              f"ratio {times['tool'] / times['plain']:.3f}; CPU ratio {cpu['tool'] / cpu['plain']:.3f}",
              file=sys.stderr)

    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    rustc = subprocess.run(["rustc", "-V"], capture_output=True, text=True).stdout.strip()
    print(f"machine: {cpu}, {os.cpu_count()} cores, {platform.system()} {platform.machine()}; {rustc}")
    print()
    print("| round | first | measure wall (s) | plain wall (s) | wall ratio | measure CPU (s) | plain CPU (s) | CPU ratio | outside builds: wall (s) | CPU (s) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r, first, t, p, ratio, tc, pc, cratio, ow, oc in rows:
        print(f"| {r} | {first} | {t:.1f} | {p:.1f} | {ratio:.3f} | {tc:.1f} | {pc:.1f} | {cratio:.3f} | {ow:.2f} | {oc:.2f} |")
    med = lambda i: statistics.median(row[i] for row in rows)
    print(f"| median | | {med(2):.1f} | {med(3):.1f} | **{med(4):.3f}** | {med(5):.1f} | {med(6):.1f} | **{med(7):.3f}** | {med(8):.2f} | {med(9):.2f} |")
    print()
    for label, i in (("wall", 4), ("CPU", 7)):
        g, lo, hi = geo_mean_ci([row[i] for row in rows])
        print(f"{label} ratio, geometric mean of {len(rows)} paired rounds: {g:.3f} (95% CI {lo:.3f} to {hi:.3f})")
    print()
    for label, own, plain in (("wall", 8, 3), ("CPU", 9, 6)):
        overhead = [row[own] / row[plain] for row in rows]
        print(f"{label} outside the builds, against the plain side's total: median {statistics.median(overhead):.4f} "
              f"(×{1 + statistics.median(overhead):.4f}; range {min(overhead):.4f} to {max(overhead):.4f})")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
