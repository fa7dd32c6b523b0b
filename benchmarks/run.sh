#!/usr/bin/env bash
# Times oblique's decoder and PCA against scikit-learn on the same data, in
# the same run, and prints the comparison (benchstat) and the speed-up.
#   benchmarks/run.sh [REPEATS]
# Needs /usr/bin/python3 with python3-sklearn and python3-threadpoolctl
# (Debian; installed when missing if apt-get can run); installs benchstat
# with `go install` if it is missing.
#
# Fair peers (benchmarks/README.md): the machine, and the BLAS and kernel
# scikit-learn runs on, are printed first; scikit-learn is timed at
# OpenBLAS's own kernel and at the best one for the CPU (and at an
# OPENBLAS_CORETYPE set in the environment), and the speed-up is claimed
# against the fastest. KERNELS="avx2 avx512" times oblique once per kernel
# path (OBLIQUE_KERNEL); PEER_DEFAULT=0 skips all but the best peer kernel.
set -euo pipefail
cd "$(dirname "$0")/.."
. benchmarks/lib.sh
reps=${1:-10}
bench_need bench sklearn:python3-sklearn threadpoolctl:python3-threadpoolctl
bench_init bench
bench_benchstat
bench_peers

# Python first: it writes the shared arrays.
peers=()
for i in "${!peer_labels[@]}"; do
  f="scikit-learn ${peer_labels[$i]}"
  bench_peer "${peer_coretypes[$i]}" - $py benchmarks/sklearn_peer.py "$dir" "$reps" "$f" > "$dir/$f"
  peers+=("$f")
done
go test -c -o "$dir/decode.test" ./decode/
ours=()
for k in "${kernels[@]}"; do
  bench_kernel "$k" env OBLIQUE_BENCH_DATA="$dir" "$dir/decode.test" -test.run '^$' \
    -test.bench 'RidgeCV|PCA' -test.count "$reps" -test.benchtime 3x > "$dir/oblique $k"
  ours+=("oblique $k")
done
bench_align "$dir/${ours[0]}" "${peers[@]/#/$dir/}"

bench_table "${peers[@]}" "${ours[@]}"
for b in RidgeCV PCA; do
  $py benchmarks/peerinfo.py medians "$b" s "${peers[@]/#/$dir/}"
done
for b in RidgeCV PCA; do
  for o in "${ours[@]}"; do
    $py benchmarks/peerinfo.py compare "$b" s scikit-learn "$dir/$o" "${peers[@]/#/$dir/}"
  done
done
