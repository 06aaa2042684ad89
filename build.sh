#!/usr/bin/env bash
# Entry for this machine and CI (no pwsh needed; the build installs its own): ./build.sh build|demo|test|pack|bench
# The steps themselves live in native/xtask; this only points cargo at the vendored crates first.
set -euo pipefail
cd "$(dirname "$0")"
if [ -f ../shared/rust-vendor/use-vendored-crates.sh ]; then
  bash ../shared/rust-vendor/use-vendored-crates.sh
fi
exec cargo run --release -q -p xtask -- "${@:-build}"
