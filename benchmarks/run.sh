#!/usr/bin/env bash
# Times oblique's decoder and PCA against scikit-learn on the same data, in
# the same run, and prints the comparison (benchstat) and the speed-up.
#   benchmarks/run.sh [REPEATS]
# Needs /usr/bin/python3 with python3-sklearn (Debian); installs benchstat
# with `go install` if it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${1:-10}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
if ! /usr/bin/python3 -c 'import sklearn' 2>/dev/null; then
  echo "bench: needs /usr/bin/python3 with scikit-learn (apt-get install python3-sklearn)" >&2
  exit 1
fi
bs=$(go env GOPATH)/bin/benchstat
[ -x "$bs" ] || go install golang.org/x/perf/cmd/benchstat@latest
# Python first: it writes the shared arrays.
/usr/bin/python3 benchmarks/sklearn_peer.py "$dir" "$reps" > "$dir/sklearn.txt"
OBLIQUE_BENCH_DATA=$dir go test ./decode/ -run '^$' -bench 'RidgeCV|PCA' -count "$reps" -benchtime 3x > "$dir/oblique.txt"
"$bs" "$dir/sklearn.txt" "$dir/oblique.txt" | sed 's/sklearn.txt/scikit-learn/; s/oblique.txt/oblique/'
for b in RidgeCV PCA; do
  py=$(grep "Benchmark$b-" "$dir/sklearn.txt" | awk '{print $3}' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  go=$(grep "Benchmark$b-" "$dir/oblique.txt" | awk '{print $3}' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  awk -v b="$b" -v py="$py" -v go="$go" 'BEGIN {printf "%-8s scikit-learn %.3f s, oblique %.3f s (medians): %.1f× faster\n", b, py/1e9, go/1e9, py/go}'
done
