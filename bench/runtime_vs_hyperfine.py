#!/usr/bin/env python3
"""`cargo lto measure --run` against hyperfine 1.20 on the same binaries.

1. Builds examples/cross-crate's baseline, off and fat configurations once
   (cargo lto measure, no workload).
2. Alternates, for R rounds: cargo-lto's runtime phase (`--warm`: the builds
   are no-ops) and hyperfine on the three binaries, both with the same warm-up
   and run counts, timing each side's whole wall time.
3. Compares medians and ratios to baseline, and the width of the 95% CI of
   each median: cargo-lto's own, and for hyperfine's exported times the same
   percentile bootstrap (10,000 resamples), computed here.
4. Runs `--counter instructions` (callgrind on machines without perf
   counters) K times and reports the run-to-run variation of the counts.

hyperfine is a benchmark-only tool: `cargo install hyperfine@1.20.0 --locked`.
Usage: python3 bench/runtime_vs_hyperfine.py [--n 30000000] [--runs 20] [--rounds 3]
"""

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONFIGS = ["baseline", "off", "fat"]


def boot_ci(xs, reps=10000, seed=1):
    rng = random.Random(seed)
    meds = sorted(statistics.median(rng.choices(xs, k=len(xs))) for _ in range(reps))
    return meds[int(0.025 * (reps - 1))], meds[int(0.975 * (reps - 1))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", default="30000000")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--counts", type=int, default=5)
    args = ap.parse_args()
    if shutil.which("hyperfine") is None:
        sys.exit("hyperfine is missing: cargo install hyperfine@1.20.0 --locked")
    subprocess.run(["cargo", "build", "--release", "--manifest-path", os.path.join(REPO, "Cargo.toml")],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    tool = os.path.join(REPO, "target", "release", "cargo-lto")
    work = tempfile.mkdtemp(prefix="cargo-lto-runtime-")
    example = os.path.join(work, "example")
    shutil.copytree(os.path.join(REPO, "examples", "cross-crate"), example, ignore=shutil.ignore_patterns("target"))
    manifest = os.path.join(example, "Cargo.toml")
    base = [tool, "lto", "measure", "-q", "--format", "json", "--manifest-path", manifest,
            "--only", ",".join(CONFIGS), "--no-rebuild"]
    doc = json.loads(subprocess.run(base, check=True, capture_output=True).stdout)
    bins = {c["name"]: c["binary"]["path"] for c in doc["configurations"]}

    tool_cmd = base + ["--warm", "--run", f"big={args.n}", "--runs", str(args.runs), "--warmup", str(args.warmup),
                       "--min-time", "0s"]
    export = os.path.join(work, "hyperfine.json")
    hf_cmd = ["hyperfine", "-N", "--style", "none", "--warmup", str(args.warmup), "--runs", str(args.runs),
              "--export-json", export] + [f"{bins[c]} {args.n}" for c in CONFIGS]
    rows = []
    for r in range(args.rounds):
        order = ["tool", "hyperfine"] if r % 2 == 0 else ["hyperfine", "tool"]
        for side in order:
            start = time.perf_counter()
            if side == "tool":
                out = subprocess.run(tool_cmd, check=True, capture_output=True).stdout
                tool_doc = json.loads(out)
                tool_wall = time.perf_counter() - start
            else:
                subprocess.run(hf_cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                hf_wall = time.perf_counter() - start
                with open(export) as f:
                    hf_doc = json.load(f)
        ours = {c["name"]: c["runtime"][0] for c in tool_doc["configurations"]}
        theirs = {CONFIGS[i]: res["times"] for i, res in enumerate(hf_doc["results"])}
        rows.append((r + 1, tool_wall, hf_wall, ours, theirs))
        print(f"round {r + 1}: cargo-lto {tool_wall:.1f} s, hyperfine {hf_wall:.1f} s", file=sys.stderr)

    rustc = subprocess.run(["rustc", "-V"], capture_output=True, text=True).stdout.strip()
    print(f"workload: examples/cross-crate `app {args.n}`; {args.warmup} warm-ups and {args.runs} runs per "
          f"configuration on each side; {rustc}")
    print()
    print("| round | config | cargo-lto median (ms) | 95% CI width (ms) | ratio vs baseline [95% CI] | verdict "
          "| hyperfine median (ms) | 95% CI width (ms) | ratio vs baseline |")
    print("|---|---|---|---|---|---|---|---|---|")
    rank_agree = 0
    for r, tw, hw, ours, theirs in rows:
        hb = statistics.median(theirs["baseline"])
        for c in CONFIGS:
            s = ours[c]["summary"]
            cmp = ours[c]["vs_baseline"]
            lo, hi = boot_ci(theirs[c])
            hm = statistics.median(theirs[c])
            ratio = (f"×{cmp['ratio']:.3f} [{cmp['ratio_ci'][0]:.3f}, {cmp['ratio_ci'][1]:.3f}]"
                     if cmp else "reference")
            verdict = ("" if not cmp else ("significant" if cmp["significant"] else "within noise"))
            print(f"| {r} | {c} | {s['median'] * 1e3:.2f} | {(s['median_ci'][1] - s['median_ci'][0]) * 1e3:.2f} "
                  f"| {ratio} | {verdict} | {hm * 1e3:.2f} | {(hi - lo) * 1e3:.2f} | ×{hm / hb:.3f} |")
        ours_rank = sorted(CONFIGS, key=lambda c: ours[c]["summary"]["median"])
        their_rank = sorted(CONFIGS, key=lambda c: statistics.median(theirs[c]))
        rank_agree += ours_rank == their_rank
        print(f"| {r} | ranking | {' < '.join(ours_rank)} | | | | {' < '.join(their_rank)} | | |")
    print()
    print(f"wall time per round (medians): cargo-lto {statistics.median(r[1] for r in rows):.1f} s, "
          f"hyperfine {statistics.median(r[2] for r in rows):.1f} s; rankings agreed in {rank_agree} of {len(rows)} rounds")

    count_cmd = base + ["--warm", "--only", "baseline,fat", "--run", "big=300000", "--runs", str(args.counts),
                        "--warmup", "0", "--counter", "instructions"]
    cdoc = json.loads(subprocess.run(count_cmd, check=True, capture_output=True).stdout)
    print()
    print(f"instruction counts ({cdoc['runtime_plan']['counter_source']}), `app 300000`, {args.counts} runs each:")
    print()
    print("| config | median instructions | min | max | (max − min) / median |")
    print("|---|---|---|---|---|")
    for c in cdoc["configurations"]:
        s = c["runtime"][0]["samples"]
        m = statistics.median(s)
        print(f"| {c['name']} | {m:,.0f} | {min(s):,.0f} | {max(s):,.0f} | {(max(s) - min(s)) / m:.5%} |")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
