#!/usr/bin/env python3
"""The quick sweep on a project whose release profile is already
`lto = true` + `codegen-units = 1` (so quick's `fat` and `fat-cgu1` are
`baseline`), with identical configurations built once (this cargo-lto)
against building all five (another cargo-lto binary, e.g. the commit before
that change), interleaved in one session.

Usage: python3 bench/identical_configs.py --against OLD_CARGO_LTO [--rounds N]
Prints per round the wall time of each whole `cargo lto measure` run and
their ratio this / that, then the median and the geometric mean of the
ratios with a 95% confidence interval (Student t on the log ratios).
"""

import argparse
import math
import os
import shutil
import statistics
import subprocess
import time

from common import example_copy, release_tool

T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228]


def timed(tool, manifest):
    cmd = [tool, "lto", "measure", "-q", "--manifest-path", manifest]
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--against", required=True)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    tool = release_tool()
    work, example = example_copy("cargo-lto-identical-")
    manifest = os.path.join(example, "Cargo.toml")
    with open(manifest) as f:
        text = f.read()
    keys = "lto = true\ncodegen-units = 1\n"
    if "[profile.release]\n" in text:
        text = text.replace("[profile.release]\n", "[profile.release]\n" + keys, 1)
    else:
        text += "\n[profile.release]\n" + keys
    with open(manifest, "w") as f:
        f.write(text)
    # fetch and lock once, outside the timings
    subprocess.run(["cargo", "metadata", "--format-version", "1", "--manifest-path", manifest],
                   check=True, stdout=subprocess.DEVNULL)
    ratios = []
    print("| round | first | built once (s) | all five (s) | ratio |")
    print("|---|---|---|---|---|")
    for r in range(args.rounds):
        first_new = r % 2 == 0
        if first_new:
            new = timed(tool, manifest)
            old = timed(args.against, manifest)
        else:
            old = timed(args.against, manifest)
            new = timed(tool, manifest)
        ratios.append(new / old)
        print(f"| {r + 1} | {'built once' if first_new else 'all five'} | {new:.1f} | {old:.1f} | {new / old:.3f} |")
    logs = [math.log(x) for x in ratios]
    mean = sum(logs) / len(logs)
    line = f"median ratio {statistics.median(ratios):.3f}; geometric mean {math.exp(mean):.3f}"
    if len(logs) > 1:
        half = T975[min(len(logs) - 1, len(T975)) - 1] * statistics.stdev(logs) / math.sqrt(len(logs))
        line += f" (95% CI {math.exp(mean - half):.3f} to {math.exp(mean + half):.3f})"
    print(f"\n{line}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
