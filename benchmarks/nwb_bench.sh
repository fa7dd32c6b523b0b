#!/usr/bin/env bash
# Times oblique's nlb-maze processing of an NLB-like NWB file against h5py +
# NumPy doing the same, in the same run, and measures both programs' peak
# memory against the file's size.
#   benchmarks/nwb_bench.sh [MB] [ROUNDS]        (make bench-nwb)
# MB (default 50) sizes the generated file; ROUNDS (default 7) rounds each
# time both sides, one after the other, so that a change in the machine's
# load touches both. The file is written to a temporary folder, never into
# the repository. Needs /usr/bin/python3 with python3-h5py and python3-scipy
# (Debian) and /usr/bin/time.
#
# Timed on each side (benchmarks/nwb_peer.py, BenchmarkNLBMaze in
# presets/nwbsource/bench_test.go): open the file, read units, trials and
# hand velocity, bin the spikes at 1 ms and sum to 45 ms, put the behaviour
# on the grid and decimate it, cut, smooth and align the trials, build the
# centred decoding matrix. Both print the design's shape and sums; they must
# agree. oblique also records the file's SHA-256, which the peer does not:
# digest=cached takes it from the digest cache (every analysis of a file but
# the first), digest=hashed hashes the file on the other core while it is
# parsed (the first). The digest cache is kept in the temporary folder.
#
# Fair peers (benchmarks/README.md): the machine and the peer's BLAS kernel
# (threadpoolctl) are printed first; the peer runs in every round at
# OpenBLAS's default kernel and at the best one for the CPU, and the ratios
# are claimed against the faster (PEER_DEFAULT=0: the best only).
# KERNELS="avx2 avx512" times oblique once per kernel path (OBLIQUE_KERNEL).
set -euo pipefail
cd "$(dirname "$0")/.."
. benchmarks/lib.sh
mb=${1:-50}
rounds=${2:-7}
bench_need bench-nwb h5py:python3-h5py scipy:python3-scipy threadpoolctl:python3-threadpoolctl
[ -x /usr/bin/time ] || { echo "bench-nwb: needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
bench_init bench-nwb
bench_peers
file=$dir/maze_large.nwb
$py presets/testdata/make_nlb.py --large "$file" --mb "$mb" > "$dir/make.txt"
size=$(stat -c %s "$file")
go test -c -o "$dir/nwb.test" ./presets/nwbsource/
export XDG_CACHE_HOME=$dir/cache
gobench() {
  OBLIQUE_NWB_BENCH=$file "$dir/nwb.test" -test.run '^$' -test.bench NLBMaze "$@"
}

# Time: interleaved rounds, every peer kernel and oblique kernel path in
# each; Python does one warm-up run per process.
peers=("${peer_labels[@]/#/h5py+NumPy }")
for f in "${peers[@]}" "${kernels[@]/#/oblique }"; do : > "$dir/$f"; done
for _ in $(seq "$rounds"); do
  for i in "${!peers[@]}"; do
    bench_peer "${peer_coretypes[$i]}" - $py benchmarks/nwb_peer.py "$file" 3 "${peers[$i]}" \
      >> "$dir/${peers[$i]}" 2>> "$dir/python.design"
  done
  for k in "${kernels[@]}"; do bench_kernel "$k" gobench -test.benchtime 3x >> "$dir/oblique $k"; done
done
grep '^peer ' "$dir/python.design" | sort -u
fast=$($py benchmarks/peerinfo.py fastest NLBMaze "${peers[@]/#/$dir/}")
for i in "${!peers[@]}"; do
  if [ "${peers[$i]}" = "$fast" ]; then ct=${peer_coretypes[$i]}; fi
done
cp "$dir/$fast" "$dir/python.txt"
pydesign=$(grep "^design " "$dir/python.design" | head -1)
for k in "${kernels[@]}"; do
  godesign=$(grep -o 'design .*' "$dir/oblique $k" | head -1)
  if [ "$pydesign" != "$godesign" ]; then
    echo "bench-nwb: the two sides built different designs:" >&2
    echo "  h5py+NumPy: $pydesign" >&2
    echo "  oblique ($k): $godesign" >&2
    exit 1
  fi
done

# CPU time per run (user + system), which a busy machine changes less than
# the elapsed time: the difference between R+1 runs and one, over R.
cpu() { /usr/bin/time -f '%U %S' -o "$dir/cpu" "$@" > /dev/null 2>&1; awk '{print $1 + $2}' "$dir/cpu"; }
r=20
py1=$(bench_peer "$ct" - cpu $py benchmarks/nwb_peer.py "$file" 0)
pyr=$(bench_peer "$ct" - cpu $py benchmarks/nwb_peer.py "$file" $r)
gocpu() { cpu env OBLIQUE_NWB_BENCH="$file" "$dir/nwb.test" -test.run '^$' -test.bench "NLBMaze/digest=$1" -test.benchtime "$2"; }

# Peak memory: one run of each under /usr/bin/time -v.
rss() { grep 'Maximum resident set size' "$1" | awk '{print $NF}'; }
bench_peer "$ct" - /usr/bin/time -v $py benchmarks/nwb_peer.py "$file" 1 > /dev/null 2> "$dir/python.time"

median() { grep "^BenchmarkNLBMaze${2-}" "$1" | awk '{print $3}' | sort -n | awk '{a[NR]=$1} END {m = int((NR+1)/2); print (NR % 2 ? a[m] : (a[m] + a[m+1]) / 2)}'; }
pyt=$(median "$dir/python.txt")
pym=$(rss "$dir/python.time")
echo "file: $(cat "$dir/make.txt" | sed "s|$dir/||"); $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "same design on both sides: $godesign"
$py benchmarks/peerinfo.py medians NLBMaze ms "${peers[@]/#/$dir/}"
echo "h5py+NumPy below: ${fast#h5py+NumPy }, the fastest of ${#peers[@]} set-up(s)"
for k in "${kernels[@]}"; do
  echo "oblique kernel: $k"
  go1=$(bench_kernel "$k" gocpu cached 1x)
  gor=$(bench_kernel "$k" gocpu cached $((r + 1))x)
  gh1=$(bench_kernel "$k" gocpu hashed 1x)
  ghr=$(bench_kernel "$k" gocpu hashed $((r + 1))x)
  bench_kernel "$k" /usr/bin/time -v env OBLIQUE_NWB_BENCH="$file" "$dir/nwb.test" -test.run '^$' -test.bench NLBMaze \
    -test.benchtime 1x > /dev/null 2> "$dir/go.time"
  got=$(median "$dir/oblique $k" /digest=cached)
  goh=$(median "$dir/oblique $k" /digest=hashed)
  gom=$(rss "$dir/go.time")
  awk -v py="$pyt" -v go="$got" -v gh="$goh" -v n="$(grep -c '^BenchmarkNLBMaze/digest=cached' "$dir/oblique $k")" -v m="$(grep -c '^BenchmarkNLBMaze' "$dir/python.txt")" \
    'BEGIN {printf "time (median): h5py+NumPy %.1f ms (%d runs); oblique, digest cached %.1f ms (%d runs): %.1f× faster; digest hashed alongside %.1f ms: %.1f× faster\n", py/1e6, m, go/1e6, n, py/go, gh/1e6, py/gh}'
  awk -v p1="$py1" -v pr="$pyr" -v g1="$go1" -v gr="$gor" -v h1="$gh1" -v hr="$ghr" -v r="$r" \
    'BEGIN {py = (pr - p1) / r; go = (gr - g1) / r; gh = (hr - h1) / r; printf "CPU time per run (user + system): h5py+NumPy %.1f ms; oblique, digest cached %.1f ms: %.1f× less; digest hashed %.1f ms: %.1f× less\n", py*1e3, go*1e3, py/go, gh*1e3, py/gh}'
  awk -v py="$pym" -v go="$gom" -v size="$size" \
    'BEGIN {printf "peak memory (max RSS): h5py+NumPy %.0f MB (%.2f× the file), oblique %.0f MB (%.2f× the file)\n", py/1024, py*1024/size, go/1024, go*1024/size}'
done
