#!/usr/bin/env bash
# Builds and runs the programs under tests/interop: each depends on sqlrel
# next to another crate of the ecosystem, in one dependency graph, and
# checks that they work together (e.g. sqlrel's SQLite reflection beside
# sqlx's SQLite driver, one SQLite library). Run by scripts/test.sh.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# Their own target directory: they build sqlrel with other features.
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}/interop

for manifest in tests/interop/*/Cargo.toml; do
    echo "==> interop: ${manifest%/Cargo.toml}" >&2
    cargo run --locked --quiet --manifest-path "$manifest"
done
