#!/usr/bin/env bash
# Times one RNN training step of oblique (models/rnn BenchmarkTrainStep,
# float32) against PyTorch on the same problem (benchmarks/torch_rnn_step.py:
# N = 256, batch 32, 200 Euler steps, 2 inputs, 2 outputs, tanh, MSE, BPTT,
# Adam), in the same run, and prints benchstat's table and the ratio of the
# medians.
#   benchmarks/rnn.sh [REPEATS] [TORCH_THREADS]
# Needs /usr/bin/python3 with python3-torch (Debian: apt-get install
# python3-torch); TORCH_THREADS defaults to 1, PyTorch's fastest setting on
# the 2-core machine. Installs benchstat with `go install` if it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${1:-10}
threads=${2:-1}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  echo "bench: needs /usr/bin/python3 with PyTorch (apt-get install python3-torch)" >&2
  exit 1
fi
bs=$(go env GOPATH)/bin/benchstat
[ -x "$bs" ] || go install golang.org/x/perf/cmd/benchstat@latest
/usr/bin/python3 benchmarks/torch_rnn_step.py "$reps" "$threads" > "$dir/torch.txt"
go test ./models/rnn/ -run '^$' -bench 'TrainStep/float32' -count "$reps" -benchtime 20x > "$dir/oblique.txt"
"$bs" "$dir/torch.txt" "$dir/oblique.txt" | sed 's/torch.txt/PyTorch/; s/oblique.txt/oblique/'
median() { grep "BenchmarkTrainStep/float32-" "$1" | awk '{print $3}' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
py=$(median "$dir/torch.txt")
go=$(median "$dir/oblique.txt")
gf=$(grep "BenchmarkTrainStep/float32-" "$dir/oblique.txt" | awk '{print $5}' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
awk -v py="$py" -v go="$go" -v gf="$gf" -v th="$threads" 'BEGIN {
  printf "training step: PyTorch (%d thread) %.1f ms, oblique %.1f ms (medians): %.1f× faster; oblique %.0f GFLOP/s (of ~290 peak float32 on 2 AVX-512 cores)\n", th, py/1e6, go/1e6, py/go, gf }'
