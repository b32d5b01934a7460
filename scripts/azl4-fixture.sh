#!/usr/bin/env bash
# Builds the full-distro dist-git fixture from the Azure Linux 4.0 corpus and prints the path of
# the config file to pass with --config-file:
#
#   cfg=$(scripts/azl4-fixture.sh /tmp/azl4-fixture)
#   cairn -C ../shared/corpus/azl4/config-4.0 --config-file "$cfg" component render -a -o OUT
#
# OUT_DIR gets dist-git/<name>.git (one bare repository per spec of specs-4.0, a commit before
# the snapshot and one after, pins answered through refs/replace), lookaside/ and fixture.toml.
# A second run with unchanged inputs does nothing. See
# crates/cairn-source/examples/azl4_fixture.rs for what each repository holds.
set -euo pipefail

if [[ $# -ne 1 ]]; then
    echo "usage: $0 OUT_DIR" >&2
    exit 2
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
corpus="${AZL4_CORPUS:-$root/../shared/corpus/azl4}"
if [[ ! -d "$corpus/specs-4.0" ]]; then
    echo "error: the corpus is not at $corpus (set AZL4_CORPUS)" >&2
    exit 2
fi
mkdir -p "$1"
cd "$root"
cargo run --quiet --release --locked -p cairn-source --example azl4_fixture -- "$1" "$corpus"
