#!/usr/bin/env bash
# Times `oblique analyze` (default flags) on large synthetic recordings
# against an independent NumPy/scikit-learn script doing the same work, in
# the same run, and checks that both give the same numbers.
#   benchmarks/large.sh [--quick] [TxN ...]
# Default sizes: samples 10k → 100k at 300 neurons and neurons 100 → 1000
# at 10k samples (10000x100 10000x300 10000x1000 30000x300 100000x300);
# --quick: 10000x100 20000x300. Each recording is written by
# `go run ./benchmarks/largegen gen` (internal/synth, seed 0: Poisson
# counts of N neurons driven by 8 latents, 2 behaviour channels read out
# from the weakest latents, 20 ms bins, float64 NPY: T·N·8 bytes, "the
# data" below) into a temporary folder, or into $LARGE_DATA/TxN to keep
# them between runs.
#
# For each recording: oblique runs once per kernel path (KERNELS), the peer
# (benchmarks/large_peer.py: RidgeCV, SVD PCA, the fitting-dimension curve,
# 20 halves of the samples, 10 × 20 neuron subsets, the slope's bootstrap)
# once per OpenBLAS configuration (benchmarks/README.md, "Fair peers"), each
# under /usr/bin/time -v: wall time, CPU time (user + system) and peak
# memory (maximum resident set size), also as a multiple of the data. The
# peer fits the same random subsets as oblique (their draws, from a Python
# copy of Go's generator, are made before its timed run) and
# `largegen check` compares every number of oblique's Arrow table with the
# peer's, with the tolerances stated in benchmarks/largegen/check.go; the
# script stops if one differs. At the end, how time grows with samples and
# with neurons (exponent between consecutive sizes).
#
# Environment (benchmarks/lib.sh): KERNELS, PEER_DEFAULT=0 (the peer only
# at its best kernel), PEER_CORETYPE. The peer's time dominates: on the
# 2-core machine about 2 min at 20000x300, 12 min at 100000x300 and 20 min
# for the default sizes, per OpenBLAS configuration; oblique about 1 min for
# the default sizes per kernel path.
set -euo pipefail
cd "$(dirname "$0")/.."
. benchmarks/lib.sh
sizes=()
quick=0
for a in "$@"; do
  case $a in
    --quick) quick=1 ;;
    [0-9]*x[0-9]*) sizes+=("$a") ;;
    *) echo "usage: benchmarks/large.sh [--quick] [TxN ...]" >&2; exit 2 ;;
  esac
done
if [ ${#sizes[@]} -eq 0 ]; then
  if [ $quick = 1 ]; then
    sizes=(10000x100 20000x300)
  else
    sizes=(10000x100 10000x300 10000x1000 30000x300 100000x300)
  fi
fi
bench_need bench-large sklearn:python3-sklearn threadpoolctl:python3-threadpoolctl
[ -x /usr/bin/time ] || { echo "bench-large: needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
bench_init bench-large
bench_peers
go build -o "$dir/oblique" ./cmd/oblique
go build -o "$dir/largegen" ./benchmarks/largegen
data=${LARGE_DATA:-$dir/data}

# timed OUT CMD...: runs CMD under /usr/bin/time -v (its output to OUT.log)
# and prints "wall cpu peak_kB".
timed() {
  local out=$1
  shift
  if ! /usr/bin/time -v -o "$out.time" "$@" > "$out.log" 2>&1; then
    echo "bench-large: failed: $*" >&2
    cat "$out.log" >&2
    exit 1
  fi
  awk -F': ' '
    /Elapsed \(wall clock\)/ { n = split($2, p, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + p[i] }
    /User time/ { u = $2 } /System time/ { s = $2 } /Maximum resident/ { m = $2 }
    END { printf "%.2f %.2f %d\n", w, u + s, m }' "$out.time"
}

# row SIZE MB LABEL T N SIDE < "wall cpu kB": prints a line of the table and
# keeps it in $rows for the summary.
row() {
  local w c m
  read -r w c m
  awk -v s="$1" -v mb="$2" -v l="$3" -v w="$w" -v c="$c" -v m="$m" -v t="$4" -v n="$5" \
    'BEGIN { printf "%-12s %8s  %-34s %9s %9s %9.0f %7.2f\n", s, mb, l, w, c, m / 1000, m * 1000 / (t * n * 8) }'
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$4" "$5" "$2" "$6" "$w" "$c" "$m" >> "$rows"
}

rows=$dir/rows.tsv
: > "$rows"
printf '\n== results\n%-12s %8s  %-34s %9s %9s %9s %7s\n' recording "data MB" side "wall s" "CPU s" "peak MB" "×data"
for size in "${sizes[@]}"; do
  t=${size%x*} n=${size#*x}
  rec=$data/$size
  [ -f "$rec/recording.toml" ] || "$dir/largegen" gen -samples "$t" -neurons "$n" "$rec" > /dev/null
  mb=$(awk -v t="$t" -v n="$n" 'BEGIN { printf "%.1f", t * n * 8 / 1e6 }')
  $py benchmarks/large_peer.py draws "$rec/recording.toml" "$dir/$size.draws.npz"
  first=""
  for k in "${kernels[@]}"; do
    out=$dir/$size.oblique-$k
    bench_kernel "$k" timed "$out" "$dir/oblique" analyze -quiet -o "$out.arrow" "$rec/recording.toml" > "$out.res"
    row "$size" "$mb" "oblique ($k)" "$t" "$n" "oblique $k" < "$out.res"
    [ -n "$first" ] || first=$out.arrow
  done
  for i in "${!peer_labels[@]}"; do
    label="NumPy+scikit-learn ${peer_labels[$i]}"
    out=$dir/$size.peer-$i
    bench_peer "${peer_coretypes[$i]}" - timed "$out" \
      $py benchmarks/large_peer.py analyze "$rec/recording.toml" "$dir/$size.draws.npz" "$out.json" "$label" > "$out.res"
    row "$size" "$mb" "${label:0:34}" "$t" "$n" "peer ${peer_labels[$i]}" < "$out.res"
    grep '^peer ' "$out.log" | sed 's/^/    /'
    if ! "$dir/largegen" check "$first" "$out.json" > "$out.check"; then
      echo "bench-large: $size: oblique and the peer give different numbers:" >&2
      cat "$out.check" >&2
      exit 1
    fi
  done
  echo "    numbers: $(tail -1 "$dir/$size.peer-0.check" | sed 's/^ *//')"
done
echo "== load average now: $(cut -d' ' -f1-3 /proc/loadavg)"
$py - "$rows" <<'EOF'
import math, sys
from collections import defaultdict
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
by = defaultdict(dict)  # side -> (T, N) -> (wall, cpu, kB)
for t, n, mb, side, w, c, m in rows:
    by[side][(int(t), int(n))] = (float(w), float(c), int(m))
print("== speed-up (peer wall time / oblique wall time; fastest peer configuration)")
ours = [s for s in by if s.startswith("oblique")]
peers = [s for s in by if s.startswith("peer")]
for key in sorted(by[ours[0]]):
    best = min(peers, key=lambda s: by[s][key][0])
    for s in ours:
        o, p = by[s][key], by[best][key]
        print(f"  {key[0]}x{key[1]}: {s} {p[0] / o[0]:.1f}× faster than {best} ({p[0]:.1f} s / {o[0]:.1f} s), "
              f"CPU {p[1] / o[1]:.1f}×, peak memory {o[2] / 1e3:.0f} MB against {p[2] / 1e3:.0f} MB")
print("== growth of the wall time: exponent between consecutive sizes along one axis")
for s in ours + peers:
    sizes = sorted(by[s])
    out = []
    for axis, other in ((0, 1), (1, 0)):
        line = sorted((k for k in sizes), key=lambda k: (k[other], k[axis]))
        for a, b in zip(line, line[1:]):
            if a[other] == b[other] and a[axis] != b[axis]:
                e = math.log(by[s][b][0] / by[s][a][0]) / math.log(b[axis] / a[axis])
                what = "samples" if axis == 0 else "neurons"
                out.append(f"{what} {a[axis]}→{b[axis]} (at {a[other]}): {e:.2f}")
    if out:
        print(f"  {s}: " + "; ".join(out))
EOF
