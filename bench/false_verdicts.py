#!/usr/bin/env python3
"""How often identical code is called faster or slower on a busy machine.

With one codegen unit, `lto = false` and `lto = "off"` build the same
code; any faster/slower verdict between them is false. Beside bursty CPU
burners (on and off for --burst-ms each, 50 by default; one per CPU), each of two builds of
cargo-lto (e.g. before and after a change) measures the pair in SWEEPS
warm runtime sweeps, interleaved, each in its own copy of the bundled
example. Prints the false verdicts per build.

Usage: python3 bench/false_verdicts.py BEFORE_BIN AFTER_BIN [--sweeps N] [--burst-ms MS]
"""

import argparse
import json
import os
import shutil
import subprocess
import tempfile

from common import REPO

def burner(ms):
    """On for `ms` milliseconds, off for as long, forever."""
    t = ms / 1000
    return f"while :; do timeout {t} sh -c 'while :; do :; done'; sleep {t}; done"


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
    out = subprocess.run(
        [tool, "lto", "measure", "-q", "--format", "json", "--with", "same:lto=off",
         "--only", "baseline,same", "--no-rebuild", "--warm",
         "--run", "big=300000", "--runs", "10", "--min-time", "0s"],
        cwd=cwd, capture_output=True, text=True)
    doc = json.loads(out.stdout)
    same = next(c for c in doc["configurations"] if c["name"] == "same")
    cmp = same["runtime"][0]["vs_baseline"]
    p = cmp.get("p_adjusted")
    return cmp["verdict"], cmp["ratio"], cmp["p_value"] if p is None else p


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("before")
    ap.add_argument("after")
    ap.add_argument("--sweeps", type=int, default=20)
    ap.add_argument("--burst-ms", type=int, default=50, help="burner on (and off) time")
    args = ap.parse_args()
    tools = {"before": args.before, "after": args.after}
    dirs = {name: project(f"fv-{name}-") for name in tools}
    for name, tool in tools.items():  # the builds, before the burners start
        sweep(tool, dirs[name])
    cpus = os.cpu_count() or 2
    burners = [subprocess.Popen(["sh", "-c", burner(args.burst_ms)]) for _ in range(cpus)]
    false = {name: 0 for name in tools}
    try:
        for i in range(args.sweeps):
            order = list(tools) if i % 2 == 0 else list(reversed(tools))
            for name in order:
                verdict, ratio, p = sweep(tools[name], dirs[name])
                if verdict != "within_noise":
                    false[name] += 1
                print(f"sweep {i + 1:2} {name:6} ×{ratio:.3f} p={p:.3f} {verdict}", flush=True)
    finally:
        for b in burners:
            b.kill()
            b.wait()
    for name in tools:
        print(f"{name}: {false[name]} false verdicts in {args.sweeps} sweeps")


if __name__ == "__main__":
    main()
