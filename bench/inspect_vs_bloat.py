#!/usr/bin/env python3
"""`cargo lto inspect` against `cargo bloat --crates` on ripgrep 14.1.1,
built from its crates.io sources in release mode with full debuginfo.

Measures wall time and peak RSS (wait4 ru_maxrss) of a full inspect
(per-crate sizes + disassembly for cross-crate calls + duplicate detection)
and of cargo-bloat's crate table, interleaved over N rounds, as ratios of
medians; then compares the per-crate totals of both tools.

cargo-bloat is a benchmark-only tool: `cargo install cargo-bloat --locked`.
cargo-bloat always runs `cargo build` first; the build is already fresh, so
that costs it a no-op cargo invocation, which is included in its time (that
is what a user waits for), and also measured alone for reference.

Usage: python3 bench/inspect_vs_bloat.py [--rounds N] [--workdir DIR]
"""

import argparse
import glob
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RG = "ripgrep-14.1.1"


def sh(cmd, **kw):
    subprocess.run(cmd, check=True, **kw)


def measured(cmd, cwd, env):
    """Runs cmd; returns (wall s, peak RSS bytes of the largest process, stdout)."""
    out_path = os.path.join(cwd, ".bench-stdout")
    with open(out_path, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.DEVNULL)
        _, status, ru = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    if status != 0:
        sys.exit(f"{cmd} failed with status {status}")
    with open(out_path, "rb") as f:
        data = f.read()
    return wall, ru.ru_maxrss * 1024, data


def ripgrep_source(work):
    dest = os.path.join(work, RG)
    if os.path.isdir(dest):
        return dest
    home = os.environ.get("CARGO_HOME", os.path.expanduser("~/.cargo"))
    found = glob.glob(os.path.join(home, "registry", "src", "*", RG))
    if not found:
        fetch = os.path.join(work, "fetch")
        os.makedirs(os.path.join(fetch, "src"), exist_ok=True)
        with open(os.path.join(fetch, "Cargo.toml"), "w") as f:
            f.write('[package]\nname = "fetch"\nversion = "0.0.0"\nedition = "2021"\n\n'
                    '[dependencies]\nripgrep = "=14.1.1"\n')
        with open(os.path.join(fetch, "src", "main.rs"), "w") as f:
            f.write("fn main() {}\n")
        sh(["cargo", "fetch", "--manifest-path", os.path.join(fetch, "Cargo.toml")])
        found = glob.glob(os.path.join(home, "registry", "src", "*", RG))
    shutil.copytree(found[0], dest)
    return dest


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--workdir", default="/tmp/cargo-lto-bloat-bench")
    args = ap.parse_args()
    if subprocess.run(["cargo", "bloat", "--version"], capture_output=True).returncode != 0:
        sys.exit("cargo-bloat is missing: cargo install cargo-bloat --locked")
    os.makedirs(args.workdir, exist_ok=True)
    src = ripgrep_source(args.workdir)
    env = dict(os.environ, CARGO_PROFILE_RELEASE_DEBUG="true", CARGO_PROFILE_RELEASE_STRIP="none")
    env.pop("CARGO_TARGET_DIR", None)
    sh(["cargo", "build", "--release", "--locked"], cwd=src, env=env,
       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    sh(["cargo", "build", "--release", "--manifest-path", os.path.join(REPO, "Cargo.toml")],
       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    tool = os.path.join(REPO, "target", "release", "cargo-lto")
    rg = os.path.join(src, "target", "release", "rg")

    inspect_cmd = [tool, "lto", "inspect", "--format", "json", "--file", rg]
    bloat_cmd = ["cargo", "bloat", "--release", "--crates", "-n", "0", "--message-format", "json"]
    noop_cmd = ["cargo", "build", "--release"]
    rows = []
    for r in range(args.rounds):
        order = ["inspect", "bloat"] if r % 2 == 0 else ["bloat", "inspect"]
        got = {}
        for side in order:
            cmd = inspect_cmd if side == "inspect" else bloat_cmd
            got[side] = measured(cmd, src, env)
        noop = measured(noop_cmd, src, env)
        rows.append((got["inspect"][0], got["inspect"][1], got["bloat"][0], got["bloat"][1], noop[0]))
        print(f"round {r + 1}: inspect {got['inspect'][0]:.2f} s {got['inspect'][1] / 2**20:.0f} MiB; "
              f"bloat {got['bloat'][0]:.2f} s {got['bloat'][1] / 2**20:.0f} MiB; no-op cargo build {noop[0]:.2f} s",
              file=sys.stderr)
    inspect_doc = json.loads(got["inspect"][2])
    bloat_doc = json.loads(got["bloat"][2])

    size = os.path.getsize(rg)
    b = inspect_doc["binaries"][0]
    print(f"binary: ripgrep 14.1.1 `rg`, release + debug = true: {size / 2**20:.1f} MiB on disk, "
          f".text {b['text_bytes'] / 2**20:.2f} MiB, {b['functions']} functions")
    print()
    print("| round | inspect wall (s) | inspect peak RSS (MiB) | cargo bloat wall (s) | cargo bloat peak RSS (MiB) | no-op cargo build (s) |")
    print("|---|---|---|---|---|---|")
    for i, (iw, im, bw, bm, nw) in enumerate(rows, 1):
        print(f"| {i} | {iw:.2f} | {im / 2**20:.0f} | {bw:.2f} | {bm / 2**20:.0f} | {nw:.2f} |")
    med = lambda k: statistics.median(row[k] for row in rows)
    print(f"| median | {med(0):.2f} | {med(1) / 2**20:.0f} | {med(2):.2f} | {med(3) / 2**20:.0f} | {med(4):.2f} |")
    print()
    print(f"wall ratio inspect / cargo bloat (medians): **{med(0) / med(2):.2f}**; "
          f"against cargo bloat minus its no-op build: {med(0) / max(med(2) - med(4), 1e-9):.2f}; "
          f"peak RSS ratio: **{med(1) / med(3):.2f}**")
    print()
    ours = {c["name"]: c["text_bytes"] for c in b["crates"]}
    ours["[unattributed]"] = b["unattributed_bytes"]
    theirs = {c["name"]: c["size"] for c in bloat_doc.get("crates", [])}
    print(f"cargo bloat: text section {bloat_doc.get('text-section-size')} bytes; "
          f"inspect: .text {b['text_bytes']} bytes = sum of crates + unattributed")
    print()
    print("| crate | inspect (bytes) | cargo bloat (bytes) | difference |")
    print("|---|---:|---:|---:|")
    names = sorted(set(ours) | set(theirs), key=lambda n: -max(ours.get(n, 0), theirs.get(n, 0)))
    for n in names[:25]:
        o, t = ours.get(n, 0), theirs.get(n, 0)
        print(f"| {n} | {o} | {t} | {o - t:+d} |")
    print(f"| total | {sum(ours.values())} | {sum(theirs.values())} | {sum(ours.values()) - sum(theirs.values()):+d} |")


if __name__ == "__main__":
    main()
