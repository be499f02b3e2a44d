#!/usr/bin/env python3
"""How often `measure --bench` calls identical code faster or slower.

The benches fixture (tests/fixtures/benches) with `codegen-units = 1`:
`lto = false` (baseline) and `lto = "off"` (`same`) then build the same
code, so every better/worse verdict of `same` on any benchmark is false.
Each sweep runs the criterion and divan benchmarks (7) on both, in rounds
interleaved with the A/A copy, beside bursty CPU burners (on and off for
--burst-ms each, one per CPU), warm (the bench binaries are built once).
Prints each sweep's false verdicts and the totals; with --quiet-machine no
burner runs, and a second configuration `o1` (opt-level = 1, a real
difference) shows the smallest effect still found.

Usage: python3 bench/bench_false_verdicts.py TOOL [--sweeps N] [--burst-ms MS] [--retry-busy N] [--quiet-machine]
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import tempfile

from common import REPO


def burner(ms):
    t = ms / 1000
    return f"while :; do timeout {t} sh -c 'while :; do :; done'; sleep {t}; done"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tool")
    ap.add_argument("--sweeps", type=int, default=20)
    ap.add_argument("--burst-ms", type=int, default=50)
    ap.add_argument("--quiet-machine", action="store_true")
    ap.add_argument("--bench-time", default="60s")
    ap.add_argument("--filter", default=r"per_element$|std_only$")
    ap.add_argument("--runs", default="6")
    ap.add_argument("--retry-busy", default="0")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="bfv-")
    fixture = os.path.join(work, "benches")
    shutil.copytree(os.path.join(REPO, "tests", "fixtures", "benches"), fixture,
                    ignore=shutil.ignore_patterns("target"))
    with open(os.path.join(fixture, "Cargo.toml"), "a") as f:
        f.write('\n[profile.release]\ncodegen-units = 1\n')
    configs = ["--with", "same:lto=off"]
    only = "baseline,same"
    if args.quiet_machine:
        configs += ["--with", "o1:opt-level=1"]
        only += ",o1"
    burners = []
    if not args.quiet_machine:
        for _ in range(os.cpu_count() or 2):
            burners.append(subprocess.Popen(["sh", "-c", burner(args.burst_ms)], start_new_session=True))
    false_total, judged_total, busy_total, smallest = 0, 0, 0, None
    try:
        for sweep in range(1, args.sweeps + 1):
            out = subprocess.run(
                [args.tool, "lto", "measure", "-q", "--format", "json", "--warm", "--no-rebuild",
                 "--only", only, *configs, "--benches", "--bench-filter", args.filter,
                 "--runs", args.runs, "--bench-time", args.bench_time, "--retry-busy", args.retry_busy],
                cwd=fixture, capture_output=True, text=True)
            if out.returncode != 0:
                print(f"sweep {sweep}: exit {out.returncode}: {out.stderr[-500:]}")
                continue
            doc = json.loads(out.stdout)
            false, busy = [], 0
            for c in doc["configurations"]:
                for s in c["series"]:
                    v = s.get("vs_baseline")
                    if not v:
                        continue
                    if s["busy"] or v.get("within_noise") == "busy":
                        busy += 1
                    if c["name"] == "same":
                        judged_total += 1
                        if v["verdict"] != "within_noise":
                            false.append(f'{s["name"]} ×{v["ratio"]:.3f} {v["verdict"]}')
                    elif v["verdict"] != "within_noise":
                        effect = abs(v["ratio"] - 1)
                        smallest = effect if smallest is None else min(smallest, effect)
            false_total += len(false)
            busy_total += busy
            print(f"sweep {sweep}: {len(false)} false verdicts {false}; {busy} comparisons busy", flush=True)
    finally:
        for b in burners:
            os.killpg(b.pid, signal.SIGTERM)
    print(f"total: {false_total} false verdicts in {judged_total} comparisons of identical code over {args.sweeps} sweeps; {busy_total} comparisons busy (not judged)")
    if smallest is not None:
        print(f"smallest effect judged (o1 against baseline): {smallest * 100:.1f}%")


if __name__ == "__main__":
    main()
