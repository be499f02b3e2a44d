#!/usr/bin/env python3
"""`measure --bench` on a real crate's criterion suite: base64 0.22.1 from
the registry cache (crates.io), its `benchmarks` target, the benchmarks
that --bench-filter keeps, on baseline, thin, fat and fat-cgu1. Prints the
per-benchmark table (each configuration's ratio to baseline with its CI,
the verdict) with each benchmark's A/A floor, and how long the phase and
the whole sweep took.

Usage: python3 bench/bench_real_crate.py TOOL [--crate DIR] [--filter REGEX] [--bench-time 6m]
"""

import argparse
import glob
import json
import os
import shutil
import subprocess
import tempfile
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tool")
    found = glob.glob(os.path.expanduser("~/.cargo/registry/src/*/base64-0.22.1"))
    ap.add_argument("--crate", default=found[0] if found else None)
    ap.add_argument("--filter", default=r"^(encode|decode)_small_input/(encode|decode)(_slice)?/(3|50|500|3072)$")
    ap.add_argument("--bench-time", default="6m")
    ap.add_argument("--runs", default="7")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="brc-")
    crate = os.path.join(work, os.path.basename(args.crate))
    shutil.copytree(args.crate, crate, ignore=shutil.ignore_patterns("target"))
    start = time.time()
    out = subprocess.run(
        [args.tool, "lto", "measure", "-q", "--format", "json", "--no-rebuild",
         "--only", "baseline,thin,fat,fat-cgu1", "--benches", "--bench-filter", args.filter,
         "--runs", args.runs, "--bench-time", args.bench_time],
        cwd=crate, capture_output=True, text=True)
    took = time.time() - start
    if out.returncode not in (0, 1):
        raise SystemExit(out.stderr)
    doc = json.loads(out.stdout)
    plan = doc["bench_plan"]
    print(f'{doc["machine"]["cores"]} × {doc["machine"]["cpu_model"]}; {doc["toolchain"]["rustc_vv"].splitlines()[0]}')
    print(f'sweep {took:.0f} s, of which the benchmarks phase {plan["took_s"]:.0f} s (budget {plan["budget_s"]:.0f} s, {plan["rounds"]} rounds, {plan["run_time_s"]:.2f} s measuring a run)')
    print()
    configs = [c for c in doc["configurations"] if c["name"] != "baseline"]
    print("| benchmark | A/A floor | " + " | ".join(c["name"] for c in configs) + " |")
    print("|---|---:|" + "---|" * len(configs))
    for b in doc["benchmarks"]:
        floor = b["noise"]
        cells = []
        for c in configs:
            s = next((s for s in c["series"] if s["name"] == b["name"]), None)
            v = s and s.get("vs_baseline")
            if not v:
                cells.append("–")
                continue
            word = {"better": "faster", "worse": "slower"}.get(v["verdict"], "noise")
            cells.append(f'×{v["ratio"]:.3f} [{v["ratio_ci"][0]:.3f}–{v["ratio_ci"][1]:.3f}] {word}')
        aa = f'×{floor["ratio"]:.3f} [{floor["ratio_ci"][0]:.3f}–{floor["ratio_ci"][1]:.3f}]' if floor else "–"
        print(f'| {b["id"]} | {aa} | ' + " | ".join(cells) + " |")
    print()
    for c in configs:
        s = c.get("bench_summary") or {}
        w = s.get("worst") or {}
        print(f'{c["name"]}: {s.get("better")} faster, {s.get("worse")} slower, {s.get("within_noise")} within noise; '
              f'geomean ×{s.get("geomean", 0):.3f}; worst {w.get("benchmark")} ×{(w.get("comparison") or {}).get("ratio", 0):.3f}')


if __name__ == "__main__":
    main()
