#!/usr/bin/env bash
# Reproduces docs/facts.md § pgo-steps, pgo-profdata-version and
# pgo-profile-per-configuration on tests/fixtures/pgo, by hand (plain cargo,
# rustc's own flags, llvm-profdata), without cargo-lto: trained on seed 1,
# counted (cachegrind, instructions) on seed 2.
# Needs llvm-profdata of rustc's LLVM (llvm-profdata-22 for rustc 1.95) and
# valgrind. Usage: bench/pgo_facts.sh [WORKDIR]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
work="${1:-/tmp/pgo-facts}"
host="$(rustc -vV | sed -n 's/^host: //p')"
profdata="${CARGO_LTO_LLVM_PROFDATA:-llvm-profdata-22}"
rm -rf "$work" && cp -r "$here/tests/fixtures/pgo" "$work" && cd "$work"

build() { # LTO DIR [RUSTFLAGS]
  CARGO_PROFILE_RELEASE_LTO="$1" RUSTFLAGS="${3:-}" \
    cargo build --release --quiet --target "$host" --target-dir "$work/$2" 2>"$work/$2.log"
}
count() { # DIR
  valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file="$work/$1.cg" \
    "$work/$1/$host/release/pgo-app" 2 20000 >/dev/null 2>&1
  sed -n 's/^summary: //p' "$work/$1.cg"
}
train() { # LTO NAME: an instrumented build, a run on seed 1, the merge
  build "$1" "$2-gen" "-Cprofile-generate=$work/$2-raw"
  "$work/$2-gen/$host/release/pgo-app" 1 20000 >/dev/null
  "$profdata" merge -o "$work/$2.profdata" "$work/$2-raw"
}
use() { # LTO DIR PROFILE
  build "$1" "$2" "-Cprofile-use=$3 -Cllvm-args=-pgo-warn-missing-function"
  echo "  functions without profile data: $(grep -c 'no profile data' "$work/$2.log" || true)"
}

echo "== pgo-steps: fat, and fat trained on seed 1"
build fat fat && echo "fat:              $(count fat) instructions"
train fat fat && use fat fat-pgo "$work/fat.profdata"
echo "fat + its profile: $(count fat-pgo) instructions"

echo "== pgo-profdata-version: an llvm-profdata of another LLVM major version"
if [ -x /usr/bin/llvm-profdata ]; then
  /usr/bin/llvm-profdata merge --version | head -1
  /usr/bin/llvm-profdata merge -o "$work/old.profdata" "$work"/fat-raw/*.profraw || true
fi

echo "== pgo-profile-per-configuration: lto = \"off\" with its own profile and with fat's"
build off off && echo "off:               $(count off) instructions"
train off off && use off off-own "$work/off.profdata"
echo "off + its profile: $(count off-own) instructions"
use off off-fat "$work/fat.profdata"
echo "off + fat's:       $(count off-fat) instructions"
