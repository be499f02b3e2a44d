#!/usr/bin/env python3
"""The bundled web server (examples/web-server) under load: what each
configuration buys per request, and which metric can judge a 3% change.

One `cargo lto measure` sweep of the example (its metadata's load: wrk
posting orders.json for 2 s over 4 connections), the configurations given
(default: the quick preset and fat-pgo), --runs rounds, with --counter
instructions. Prints, per configuration, requests per second, p50
latency, the server's CPU time per request and its instructions per
request, each as a ratio to baseline measured in the same sweep with its
95% CI and verdict; then the A/A floors (a copy of baseline's binary
against baseline, run in the same rounds): the spread of each metric on
this machine. A metric whose A/A CI is narrower than ±3% can judge a 3%
change here.

Usage: python3 bench/bench_server.py TOOL [--runs N] [--configs LIST]
"""

import argparse
import json
import os
import subprocess

from common import REPO


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tool")
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--configs", default="baseline,off,thin,fat,fat-cgu1,fat-pgo")
    ap.add_argument("--results", help="read this document instead of measuring")
    args = ap.parse_args()
    example = os.path.join(REPO, "examples", "web-server")
    if args.results:
        doc = json.load(open(args.results))
    else:
        cmd = [
            args.tool, "lto", "measure", "-q", "--format", "json",
            "--only", args.configs,
            "--with", "fat-pgo:lto=fat,codegen-units=1,pgo=on",
            "--runs", str(args.runs), "--counter", "instructions",
            "--manifest-path", os.path.join(example, "Cargo.toml"),
        ]
        out = subprocess.run(cmd, capture_output=True, text=True, cwd=example)
        if out.returncode not in (0, 1):
            raise SystemExit(out.stderr)
        doc = json.loads(out.stdout)
    m = doc["machine"]
    rustc = doc["toolchain"]["rustc_vv"].splitlines()[0]
    print(f"machine: {m['cpu_model']}, {m['cores']} cores; {rustc}; results {doc['id']}")
    measures = ["rps", "p50", "p99", "cpu/req", "instr/req"]
    print("| config | build s | " + " | ".join(measures) + " |")
    print("|---|---|" + "---|" * len(measures))
    for c in doc["configurations"]:
        cells = []
        for mname in measures:
            s = next((s for s in c["series"] if s["name"] == f"orders {mname}"), None)
            if s is None or not s["samples"]:
                cells.append("-")
                continue
            med = s["summary"]["median"]
            v = s.get("vs_baseline")
            if v is None:
                cells.append(f"{med:.4g} (reference)")
            else:
                lo, hi = v["ratio_ci"]
                cells.append(f"×{v['ratio']:.3f} [{lo:.3f}–{hi:.3f}] {v['verdict']}")
        build = c.get("build") or {}
        print(f"| {c['name']} | {build.get('wall_s', 0):.1f} | " + " | ".join(cells) + " |")
    print()
    print("A/A floors (baseline's copy against baseline, same rounds):")
    print("| metric | A/A ratio [95% CI] | CI half-width |")
    print("|---|---|---|")
    for load in doc["server"]["loads"]:
        for f in load["noise"]:
            n = f["noise"]
            lo, hi = n["ratio_ci"]
            print(f"| {f['series']} | ×{n['ratio']:.4f} [{lo:.4f}–{hi:.4f}] | ±{(hi - lo) / 2 * 100:.2f}% |")


if __name__ == "__main__":
    main()
