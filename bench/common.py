"""What the benchmark scripts share: this repository's release build of
cargo-lto, and a fresh copy of the bundled example to measure."""

import os
import shutil
import subprocess
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def release_tool():
    """Builds cargo-lto in release mode; returns the binary's path."""
    subprocess.run(["cargo", "build", "--release", "--manifest-path", os.path.join(REPO, "Cargo.toml")],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return os.path.join(REPO, "target", "release", "cargo-lto")


def example_copy(prefix):
    """A copy of examples/cross-crate (without target/) in a new temporary
    directory; returns (that directory, the copy)."""
    work = tempfile.mkdtemp(prefix=prefix)
    example = os.path.join(work, "example")
    shutil.copytree(os.path.join(REPO, "examples", "cross-crate"), example,
                    ignore=shutil.ignore_patterns("target"))
    return work, example
