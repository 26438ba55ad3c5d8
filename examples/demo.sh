#!/usr/bin/env bash
# The main job on a real example: one secret delivered as an environment
# variable, one as a file (with the Kubernetes ..data layout), read back,
# explained, and a missing one diagnosed. Builds the release binary first.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
# Cargo builds into $CARGO_TARGET_DIR when it is set.
target=${CARGO_TARGET_DIR:-$PWD/target}
bin=$target/release/flyte-secrets

secrets=$(mktemp -d)
trap 'rm -rf "$secrets"' EXIT
mkdir -p "$secrets/db/..2026_12_03"
printf 'example-only-password\n' > "$secrets/db/..2026_12_03/password"
ln -s ..2026_12_03 "$secrets/db/..data"
ln -s ..data/password "$secrets/db/password"

export FLYTE_SECRETS_DEFAULT_DIR=$secrets
export _FSEC_API_TOKEN='  example-only-token  '

set -x
"$bin" get api token; echo
"$bin" get db password; echo
"$bin" explain db password
"$bin" get db passwd || echo "exit status $? (1: not found)"
"$bin" config
