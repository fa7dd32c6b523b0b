#!/usr/bin/env bash
# Runs the tests that depend on the kernel path (internal/linalg) once more on
# every other path this CPU supports, forced with OBLIQUE_KERNEL (`go test
# ./...` has already run them on the fastest one), then the arm64 kernels
# under qemu-user emulation. Called by `make test`; scripts/setup.sh installs
# qemu-user.
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
pkgs=(./internal/linalg/... ./models/rnn/... ./decode/... ./regimes/modelmeasures/... ./models/bundled/...)
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || uname -m)"
mapfile -t paths < <("$GO" run ./internal/linalg/kernelpaths)
echo "kernel paths: ${paths[*]} (the fastest, ${paths[-1]}, ran in go test ./...)"
for k in "${paths[@]::${#paths[@]}-1}"; do
  echo "== OBLIQUE_KERNEL=$k"
  # The *OnEachPath tests visit every path themselves.
  OBLIQUE_KERNEL=$k "$GO" test -skip OnEachPath "${pkgs[@]}"
done
if [ "$("$GO" env GOHOSTARCH)" != arm64 ]; then
  if ! command -v qemu-aarch64 >/dev/null 2>&1; then
    echo "test-kernels: qemu-aarch64 is missing (Debian: apt-get install qemu-user); scripts/setup.sh installs it" >&2
    exit 1
  fi
  arm=(./internal/linalg/... ./models/rnn/... ./decode/...)
  # The linalg tests visit every assembly path whatever OBLIQUE_KERNEL says:
  # with the generic path forced, only the packages above them run again.
  armgeneric=(./models/rnn/... ./decode/...)
  echo "== GOARCH=arm64 OBLIQUE_KERNEL=neon under qemu-aarch64"
  OBLIQUE_KERNEL=neon GOARCH=arm64 CGO_ENABLED=0 "$GO" test -exec qemu-aarch64 "${arm[@]}"
  echo "== GOARCH=arm64 OBLIQUE_KERNEL=generic under qemu-aarch64"
  OBLIQUE_KERNEL=generic GOARCH=arm64 CGO_ENABLED=0 "$GO" test -exec qemu-aarch64 "${armgeneric[@]}"
fi
