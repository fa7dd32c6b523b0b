#!/usr/bin/env bash
# Runs every fuzz target of the repository (go test -fuzz), one after the
# other, each for FUZZTIME (the first argument, else $FUZZTIME, else 10m).
# `make fuzz` runs them for 10 minutes each; `make fuzz-short`, part of
# `make test`, for a few seconds. A target that fails writes its input to
# PACKAGE/testdata/fuzz/TARGET/ (commit it: it is then a regression test
# that plain `go test` runs); the others still run, and the script exits 1.
#
# The targets: one a line, "PACKAGE TARGET". Add yours here, with a line in
# the README's list of fuzz targets.
targets='
./ingest                     FuzzDecodeNPY
./ingest                     FuzzNPZ
./ingest/matfile             FuzzOpen
./ingest/matfile/mat73       FuzzV73
./internal/tomlsafe          FuzzDecode
./manifest                   FuzzParse
./presets                    FuzzParse
./models                     FuzzParseSweep
./reports/figures            FuzzReadTable
'
set -uo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
FUZZTIME=${1:-${FUZZTIME:-10m}}
failed=()
while read -r pkg target; do
  [ -n "$pkg" ] || continue
  echo "== $pkg $target ($FUZZTIME)"
  if ! "$GO" test -run '^$' -fuzz "^$target\$" -fuzztime "$FUZZTIME" "$pkg"; then
    failed+=("$pkg $target")
  fi
done <<< "$targets"
if [ ${#failed[@]} -gt 0 ]; then
  printf 'fuzz: failed: %s\n' "${failed[@]}"
  exit 1
fi
