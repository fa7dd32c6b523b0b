#!/usr/bin/env bash
# Prepares this machine for building and testing oblique: checks Go, installs
# the Debian packages the build and tests need when they are missing, and
# downloads the Go modules. Safe to run again; it only acts on what is missing.
# "setup.sh build" installs only what building and the demo need (libhdf5);
# "setup.sh beam" that and what oblique-beam's tests need (python3-h5py);
# without an argument, also what the tests need (Chromium, Node.js and npm,
# Arrow JS, qemu-user).
set -euo pipefail
cd "$(dirname "$0")/.."

need_go="1.26"
if ! command -v go >/dev/null 2>&1; then
  echo "setup: Go $need_go or newer is needed and 'go' is not on PATH (see https://go.dev/doc/install)" >&2
  exit 1
fi
have_go=$(go env GOVERSION | sed 's/^go//')
if [ "$(printf '%s\n%s\n' "$need_go" "$have_go" | sort -V | head -1)" != "$need_go" ]; then
  echo "setup: Go $need_go or newer is needed, this machine has $have_go" >&2
  exit 1
fi

# Debian packages: name of a file each one provides, to test for it cheaply.
what="${1:-test}"
declare -A debs=(
  [libhdf5-dev]=/usr/include/hdf5/serial/hdf5.h
)
if [ "$what" = beam ]; then
  # make_nlb.py writes the NLB-like files of oblique-beam's tests (beam/).
  debs[python3-h5py]=/usr/lib/python3/dist-packages/h5py/__init__.py
fi
if [ "$what" != build ] && [ "$what" != beam ]; then
  debs[chromium]=/usr/bin/chromium # the report's browser test (headless)
  debs[qemu-user]=/usr/bin/qemu-aarch64 # the arm64 kernels' tests, emulated (scripts/test-kernels.sh)
  # Node.js and npm read the Arrow files in the tests with Arrow JS; a Node.js
  # from elsewhere (nodesource, nvm) on PATH is used as it is.
  command -v node >/dev/null 2>&1 || debs[nodejs]=/usr/bin/node
  command -v npm >/dev/null 2>&1 || debs[npm]=/usr/bin/npm
fi
missing=()
for pkg in "${!debs[@]}"; do
  [ -e "${debs[$pkg]}" ] || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup: these Debian packages are needed but apt-get is not available: ${missing[*]}" >&2
    echo "setup: install their equivalents with your system's package manager and run again" >&2
    exit 1
  fi
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
      echo "setup: need root (or sudo) to install: ${missing[*]}" >&2
      exit 1
    fi
  fi
  echo "setup: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

go mod download
if [ "$what" = beam ]; then
  (cd beam && go mod download)
  exit 0
fi
[ "$what" = build ] && exit 0

# Arrow JS for the tests, from the committed lock file, into a git-ignored
# node_modules beside it.
node_dir=reports/testdata/node
if [ ! -f "$node_dir/node_modules/apache-arrow/package.json" ] ||
   [ "$node_dir/package-lock.json" -nt "$node_dir/node_modules/.package-lock.json" ]; then
  echo "setup: installing Arrow JS (npm ci in $node_dir)" >&2
  (cd "$node_dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
