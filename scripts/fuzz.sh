#!/usr/bin/env bash
# Runs every fuzz target of the repository (go test -fuzz), one after the
# other, each for FUZZTIME (the first argument, else $FUZZTIME, else 10m).
# `make fuzz` runs them for 10 minutes each; `make fuzz-short`, part of
# `make test`, for a few seconds. A target that fails writes its input to
# PACKAGE/testdata/fuzz/TARGET/ (commit it: it is then a regression test
# that plain `go test` runs); the others still run, and the script exits 1.
#
# The targets: one a line, "PACKAGE TARGET [FLAGS]". Add yours here, with a
# line in the README's list of fuzz targets. FuzzNWB's inputs are NWB files
# of tens to hundreds of KB read through the HDF5 reader process: minimizing
# an interesting one would take minutes of the time, hence its flag.
targets='
./ingest                     FuzzDecodeNPY
./ingest                     FuzzNPZ
./ingest/matfile             FuzzOpen
./ingest/matfile/mat73       FuzzV73
./internal/tomlsafe          FuzzDecode
./manifest                   FuzzParse
./presets                    FuzzParse
./models                     FuzzParseSweep
./models                     FuzzCheckpoint
./models                     FuzzCheckpointContents
./models                     FuzzRunInfo
./reports/figures            FuzzReadTable
./ingest/nwb                 FuzzNWB          -fuzzminimizetime=10x
'
set -uo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
FUZZTIME=${1:-${FUZZTIME:-10m}}
failed=()
while read -r pkg target flags; do
  [ -n "$pkg" ] || continue
  echo "== $pkg $target ($FUZZTIME)"
  # shellcheck disable=SC2086 # flags: words
  if ! "$GO" test -run '^$' -fuzz "^$target\$" -fuzztime "$FUZZTIME" $flags "$pkg"; then
    failed+=("$pkg $target")
  fi
done <<< "$targets"
if [ ${#failed[@]} -gt 0 ]; then
  printf 'fuzz: failed: %s\n' "${failed[@]}"
  exit 1
fi
