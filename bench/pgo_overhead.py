#!/usr/bin/env python3
"""The PGO pipeline of `cargo lto build` against the same steps by hand.

By hand, as a user (or cargo-pgo) would: an instrumented release build
(`-Cprofile-generate`, `--target <host>`), the training run, `llvm-profdata
merge`, the release build with `-Cprofile-use`, each from a clean target
directory. Against: `cargo lto build CONFIG --train ARGS`, the same steps
through cargo-lto (its rustc wrapper, its checks, its document). ROUNDS
rounds, alternating; prints each wall time and the ratio of the medians.

Usage: python3 bench/pgo_overhead.py TOOL PROJECT_DIR CONFIG LTO -- TRAIN_ARGS...
e.g.   python3 bench/pgo_overhead.py target/release/cargo-lto /tmp/sd fat-pgo fat -- -p 'x' 'y' /tmp/sd-train.txt
"""

import argparse
import os
import shlex
import shutil
import statistics
import subprocess
import time


def host():
    out = subprocess.run(["rustc", "-vV"], capture_output=True, text=True, check=True).stdout
    return next(l.split(": ")[1] for l in out.splitlines() if l.startswith("host: "))


def by_hand(project, lto, train, profdata, bin_name):
    work = os.path.join(project, "target", "by-hand")
    shutil.rmtree(work, ignore_errors=True)
    triple = host()
    raw = os.path.join(work, "raw")
    env = dict(os.environ, CARGO_PROFILE_RELEASE_LTO=lto)
    start = time.monotonic()
    subprocess.run(["cargo", "build", "--release", "--quiet", "--target", triple, "--target-dir",
                    os.path.join(work, "gen")], cwd=project, check=True,
                   env=dict(env, RUSTFLAGS=f"-Cprofile-generate={raw}"))
    exe = os.path.join(work, "gen", triple, "release", bin_name)
    subprocess.run([exe] + train, cwd=project, check=True, stdout=subprocess.DEVNULL)
    merged = os.path.join(work, "merged.profdata")
    subprocess.run([profdata, "merge", "-o", merged, raw], check=True)
    subprocess.run(["cargo", "build", "--release", "--quiet", "--target", triple, "--target-dir",
                    os.path.join(work, "use")], cwd=project, check=True,
                   env=dict(env, RUSTFLAGS=f"-Cprofile-use={merged} -Cllvm-args=-pgo-warn-missing-function"),
                   stderr=subprocess.DEVNULL)
    return time.monotonic() - start


def through_tool(tool, project, config, train):
    start = time.monotonic()
    subprocess.run([tool, "lto", "build", config, "--train", "t=" + shlex.join(train)], cwd=project,
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.monotonic() - start


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tool")
    ap.add_argument("project")
    ap.add_argument("config")
    ap.add_argument("lto")
    ap.add_argument("train", nargs="+")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--profdata", default="llvm-profdata-22")
    ap.add_argument("--bin", default=None)
    args = ap.parse_args()
    bin_name = args.bin or os.path.basename(os.path.abspath(args.project)).split("-")[0]
    took = {"by hand": [], "cargo lto build": []}
    for i in range(args.rounds):
        order = ["by hand", "cargo lto build"] if i % 2 == 0 else ["cargo lto build", "by hand"]
        for name in order:
            if name == "by hand":
                s = by_hand(args.project, args.lto, args.train, args.profdata, bin_name)
            else:
                s = through_tool(args.tool, args.project, args.config, args.train)
            took[name].append(s)
            print(f"round {i + 1} {name:15} {s:7.1f} s", flush=True)
    h, t = statistics.median(took["by hand"]), statistics.median(took["cargo lto build"])
    print(f"median: by hand {h:.1f} s, cargo lto build {t:.1f} s, ×{t / h:.3f}")


if __name__ == "__main__":
    main()
