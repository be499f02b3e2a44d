#!/usr/bin/env python3
"""How often identical code is called faster or slower on a busy machine.

With one codegen unit, `lto = false` (baseline) and `lto = "off"` build the
same code, and `strip` only removes what is never executed: the four
configurations baseline, same (lto = "off"), sdbg (strip = "debuginfo")
and ssym (strip = "symbols") run the same machine code, so every
faster/slower verdict between them is false. Three workloads of tens of
milliseconds make 3 × 3 = 9 comparisons per sweep: at p < 0.05 each,
uncorrected, about one sweep in three has a false verdict from chance
alone, before any noise from the machine.

Beside bursty CPU burners (on and off for --burst-ms each, one per CPU),
each of two builds of cargo-lto (before and after a change) measures them
in SWEEPS warm runtime sweeps, interleaved (the order alternating), each
build in its own copy of the bundled example. Prints every sweep's false
verdicts, the totals, and the sweeps' wall time (the builds are warm, so
it is the runtime phase: the A/A arm's cost shows as the ratio).

Usage: python3 bench/false_verdicts.py BEFORE_BIN AFTER_BIN [--sweeps N] [--burst-ms MS] [--quiet-machine] [--load burst|build]
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import tempfile
import statistics
import time

from common import REPO
from advice_latency import ratio_ci

CONFIGS = ["same:lto=off", "sdbg:strip=debuginfo", "ssym:strip=symbols"]
WORKLOADS = ["a=10000000", "b=20000000", "c=40000000"]


def burner(ms):
    """On for `ms` milliseconds, off for as long, forever."""
    t = ms / 1000
    return f"while :; do timeout {t} sh -c 'while :; do :; done'; sleep {t}; done"


def build_loop():
    """Another project built clean again and again, as a concurrent `cargo
    build` on the same machine: load that comes and goes with its phases."""
    work = tempfile.mkdtemp(prefix="fv-load-")
    other = os.path.join(work, "other")
    shutil.copytree(os.path.join(REPO, "examples", "cross-crate"), other,
                    ignore=shutil.ignore_patterns("target"))
    return f"cd {other} && while :; do cargo clean -q; cargo build -q --release --config 'profile.release.lto=\"fat\"'; done"


def project(prefix):
    work = tempfile.mkdtemp(prefix=prefix)
    example = os.path.join(work, "example")
    shutil.copytree(os.path.join(REPO, "examples", "cross-crate"), example,
                    ignore=shutil.ignore_patterns("target"))
    manifest = os.path.join(example, "Cargo.toml")
    text = open(manifest).read().replace("\n[profile.release]\n", "\n[profile.release]\ncodegen-units = 1\n")
    open(manifest, "w").write(text)
    return example


def sweep(tool, cwd):
    """One warm sweep: (false verdicts as [(config, workload, ratio, p)], seconds)."""
    cmd = [tool, "lto", "measure", "-q", "--format", "json", "--no-rebuild", "--warm",
           "--only", "baseline," + ",".join(c.split(":")[0] for c in CONFIGS),
           "--runs", "10", "--min-time", "0s"]
    for c in CONFIGS:
        cmd += ["--with", c]
    for w in WORKLOADS:
        cmd += ["--run", w]
    start = time.monotonic()
    out = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    seconds = time.monotonic() - start
    doc = json.loads(out.stdout)
    false = []
    for c in doc["configurations"]:
        for r in c.get("runtime", []):
            cmp = r.get("vs_baseline")
            if cmp and cmp["verdict"] != "within_noise":
                p = cmp.get("p_adjusted")
                false.append((c["name"], r["workload"], cmp["ratio"],
                              cmp["p_value"] if p is None else p))
    return false, seconds


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("before")
    ap.add_argument("after")
    ap.add_argument("--sweeps", type=int, default=20)
    ap.add_argument("--burst-ms", type=int, default=50, help="burner on (and off) time")
    ap.add_argument("--quiet-machine", action="store_true", help="no burners")
    ap.add_argument("--load", choices=["burst", "build"], default="burst",
                    help="bursty burners (one per CPU), or a clean cargo build in a loop")
    args = ap.parse_args()
    tools = {"before": args.before, "after": args.after}
    dirs = {name: project(f"fv-{name}-") for name in tools}
    cpus = os.cpu_count() or 2
    for name, tool in tools.items():  # the builds, before the burners start
        sweep(tool, dirs[name])
    if args.quiet_machine:
        burners = []
    elif args.load == "build":
        burners = [subprocess.Popen(["sh", "-c", build_loop()], stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL, start_new_session=True)]
    else:
        burners = [subprocess.Popen(["sh", "-c", burner(args.burst_ms)], start_new_session=True)
                   for _ in range(cpus)]
    false = {name: [] for name in tools}
    seconds = {name: [] for name in tools}
    try:
        for i in range(args.sweeps):
            order = list(tools) if i % 2 == 0 else list(reversed(tools))
            for name in order:
                f, s = sweep(tools[name], dirs[name])
                false[name].append(len(f))
                seconds[name].append(s)
                said = ", ".join(f"{c}/{w} ×{r:.3f} p={p:.3f}" for c, w, r, p in f) or "-"
                print(f"sweep {i + 1:2} {name:6} {s:5.1f} s  false: {said}", flush=True)
    finally:
        for b in burners:  # each with what it started (timeout, cargo, rustc)
            os.killpg(b.pid, signal.SIGKILL)
            b.wait()
    for name in tools:
        n = false[name]
        print(f"{name}: {sum(n)} false verdicts in {len(n)} sweeps "
              f"({sum(1 for x in n if x)} sweeps with at least one)")
    r = statistics.median(seconds["after"]) / statistics.median(seconds["before"])
    lo, hi = ratio_ci(seconds["after"], seconds["before"])
    print(f"sweep time after / before (medians): ×{r:.2f} [{lo:.2f}–{hi:.2f}]")


if __name__ == "__main__":
    main()
