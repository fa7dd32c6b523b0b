# shellcheck shell=bash
# The set-up the benchmark scripts share (sourced by run.sh, rnn.sh and
# nwb_bench.sh from the repository's root): Python modules, benchstat, the
# machine and peer report printed before any result, the peer's BLAS
# configurations (benchmarks/peerinfo.py) and oblique's kernel paths.
# benchmarks/README.md states the rules ("Fair peers") and the options:
#   KERNELS="avx2 avx512"  run oblique's side once per kernel path, with
#                          OBLIQUE_KERNEL set (auto: unset; all: every path
#                          this CPU runs); default ${OBLIQUE_KERNEL:-auto}
#   PEER_DEFAULT=0         time the peer only at its best kernel, not also
#                          at OpenBLAS's default (and an inherited one)
#   PEER_CORETYPE=NAME     the OPENBLAS_CORETYPE to use as the best one
#   PEER_BUDGET=S          rnn.sh: seconds of timed repeats per PyTorch
#                          setting once three are done (default 20)
py=/usr/bin/python3

# bench_need TAG MODULE:DEBIAN_PACKAGE...: makes sure $py imports every
# MODULE, installing the missing packages with apt-get when this user can
# (root or sudo), else stops with the command to run.
bench_need() {
  local tag=$1 m missing=() sudo=""
  shift
  for m in "$@"; do
    $py -c "import ${m%%:*}" 2>/dev/null || missing+=("${m#*:}")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then sudo=sudo; fi
  if ! command -v apt-get >/dev/null 2>&1 || { [ "$(id -u)" -ne 0 ] && [ -z "$sudo" ]; }; then
    echo "$tag: needs $py with ${missing[*]} (apt-get install ${missing[*]})" >&2
    exit 1
  fi
  echo "$tag: installing ${missing[*]}" >&2
  if ! { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null; }; then
    echo "$tag: could not install ${missing[*]} (apt-get install ${missing[*]})" >&2
    exit 1
  fi
}

# bench_benchstat: benchstat as $bs, installed with `go install` if missing.
bench_benchstat() {
  bs=$(go env GOPATH)/bin/benchstat
  [ -x "$bs" ] || go install golang.org/x/perf/cmd/benchstat@latest
}

# bench_init TAG: a temporary folder $dir (removed on exit), oblique's kernel
# paths as $kernels (checked against the paths this CPU runs), and the
# machine's report.
bench_init() {
  local tag=$1 k runs
  dir=$(mktemp -d)
  trap 'rm -rf "$dir"' EXIT
  mapfile -t runs < <(go run ./internal/linalg/kernelpaths)
  [ ${#runs[@]} -gt 0 ] || { echo "$tag: go run ./internal/linalg/kernelpaths listed no kernel path" >&2; exit 1; }
  read -r -a kernels <<< "${KERNELS:-${OBLIQUE_KERNEL:-auto}}"
  [ "${kernels[*]}" = all ] && kernels=("${runs[@]}")
  for k in "${kernels[@]}"; do
    if [ "$k" != auto ] && [[ " ${runs[*]} " != *" $k "* ]]; then
      echo "$tag: this CPU cannot run oblique's $k kernels; it runs: ${runs[*]} (KERNELS, OBLIQUE_KERNEL)" >&2
      exit 1
    fi
  done
  echo "== machine (numbers from a shared machine are indicative only)"
  $py benchmarks/peerinfo.py cpu
  echo "go: $(go env GOVERSION); oblique kernel: ${kernels[*]} (auto: ${runs[-1]}; this CPU runs ${runs[*]})"
}

# bench_kernel K CMD...: runs CMD (a command or a function) in a subshell
# for oblique's kernel path K: OBLIQUE_KERNEL=K, or unset for auto.
bench_kernel() {
  local k=$1
  shift
  (
    if [ "$k" = auto ]; then unset OBLIQUE_KERNEL; else export OBLIQUE_KERNEL="$k"; fi
    "$@"
  )
}

# bench_peers: the peer's BLAS configurations, as $peer_labels and
# $peer_coretypes (OPENBLAS_CORETYPE, "-" unset), the best last; with
# PEER_DEFAULT=0 only the best.
bench_peers() {
  local label ct
  echo "== peer"
  peer_labels=()
  peer_coretypes=()
  while IFS=$'\t' read -r label ct; do
    peer_labels+=("$label")
    peer_coretypes+=("$ct")
  done < <($py benchmarks/peerinfo.py coretypes)
  if [ "${PEER_DEFAULT:-1}" = 0 ] && [ ${#peer_labels[@]} -gt 1 ]; then
    peer_labels=("${peer_labels[-1]}")
    peer_coretypes=("${peer_coretypes[-1]}")
    echo "peer kernels: PEER_DEFAULT=0, only ${peer_labels[0]}"
  fi
}

# bench_peer CORETYPE ATEN CMD...: runs CMD (a command or a function) in a
# subshell with OPENBLAS_CORETYPE and ATEN_CPU_CAPABILITY set as given ("-"
# or "": unset).
bench_peer() {
  local ct=$1 aten=$2
  shift 2
  (
    unset OPENBLAS_CORETYPE ATEN_CPU_CAPABILITY
    if [ "$ct" != - ] && [ -n "$ct" ]; then export OPENBLAS_CORETYPE="$ct"; fi
    if [ "$aten" != - ] && [ -n "$aten" ]; then export ATEN_CPU_CAPABILITY="$aten"; fi
    "$@"
  )
}

# bench_align GOFILE FILE...: gives the peers' files the "cpu:" line of
# Go's output in GOFILE (its cpuid brand string) and their result lines its
# GOMAXPROCS suffix, so that benchstat puts them in one table.
bench_align() {
  local go=$1 n cpu f
  shift
  n=$(grep -m1 -o '^Benchmark[^[:space:]]*-[0-9][0-9]*' "$go" | sed 's/.*-//')
  [ -n "$n" ] && sed -i -E "s/^(Benchmark[^[:space:]]*)-[0-9]+([[:space:]])/\\1-$n\\2/" "$@"
  cpu=$(grep -m1 '^cpu:' "$go" || true)
  for f in "$@"; do
    awk -v cpu="$cpu" '/^cpu:/ {next} {print} /^pkg:/ && cpu != "" {print cpu}' "$f" > "$f.tmp" && mv "$f.tmp" "$f"
  done
}

# bench_table FILE...: benchstat's table of the files in $dir, columns named
# by the files.
bench_table() {
  echo "== results (load average now: $(cut -d' ' -f1-3 /proc/loadavg))"
  (cd "$dir" && "$bs" "$@")
}
