#!/usr/bin/env bash
# Trains the networks behind the README's "Training RNNs" tables and prints
# the tables:
#   1. the paper's Fig. 2 experiment: cycling, N = 256, only W trained,
#      g = 1.5, lr0 = 0.1, 5000 steps, seeds 1–3, both regimes; each network
#      simulated without noise (32 trials, first 10 τ dropped) and analysed
#      with `oblique analyze --no-scaling`;
#   2. the evaluation losses of the bundled networks (every task at
#      N = 256, g = 1.5, both regimes, the paper's steps and lr0, seeds 1–3;
#      models/bundled, trained by `make models` / `oblique sweep`).
#
#   benchmarks/paper_runs.sh [RUNS_DIR]     (default runs/)
#
# OBLIQUE=path uses that binary instead of building out/oblique.
#
# Every step is resumable: training resumes from its checkpoint, finished
# runs are skipped, so the script can be killed and started again (also in
# a later session). About 20 minutes on the 2-core machine.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-runs}
ob=${OBLIQUE:-}
if [ -z "$ob" ]; then
  go build -o out/oblique ./cmd/oblique
  ob=out/oblique
fi

for seed in 1 2 3; do
  for regime in aligned oblique; do
    dir=$runs/fig2/cycling-$regime-s$seed
    $ob train -quiet -task cycling -regime "$regime" -n 256 -g 1.5 -train rec -lr0 0.1 -steps 5000 -seed "$seed" -o "$dir"
    if [ ! -f "$dir/analysis.arrow" ]; then
      $ob simulate "$dir" -o "$dir/sim" -noise off -trials 32 -seed 0 -x0 random
      $ob analyze "$dir/sim/recording.toml" -no-scaling -quiet -o "$dir/analysis.arrow"
    fi
  done
done

go run ./benchmarks/summary "$runs" models/bundled/runs
