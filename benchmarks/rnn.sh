#!/usr/bin/env bash
# Times one RNN training step of oblique (models/rnn BenchmarkTrainStep,
# float32) against PyTorch on the same problem (benchmarks/torch_rnn_step.py:
# N = 256, batch 32, 200 Euler steps, 2 inputs, 2 outputs, tanh, MSE, BPTT,
# Adam), in the same run, and prints benchstat's table, the ratio of the
# medians and oblique's share of this CPU's float32 FMA peak.
#   benchmarks/rnn.sh [REPEATS] [THREADS]
# Needs /usr/bin/python3 with python3-torch and python3-threadpoolctl
# (Debian; installed when missing if apt-get can run). Installs benchstat
# with `go install` if it is missing.
#
# Fair peers (benchmarks/README.md): PyTorch is timed at its defaults, then
# at the best OpenBLAS kernel for the CPU with 1, 2 and nproc threads (or the
# counts in THREADS, e.g. "1 2"), then at the fastest of those thread counts
# with the other kernels (OpenBLAS's own, an OPENBLAS_CORETYPE from the
# environment, and ATEN_CPU_CAPABILITY=avx512 where the CPU has it); the
# speed-up is claimed against the fastest setting. KERNELS="avx2 avx512"
# times oblique once per kernel path (OBLIQUE_KERNEL); PEER_DEFAULT=0 keeps
# only the best kernel; PEER_BUDGET (s, default 20) caps each setting's timed
# repeats once three are done.
set -euo pipefail
cd "$(dirname "$0")/.."
. benchmarks/lib.sh
reps=${1:-10}
bench_need bench-rnn torch:python3-torch threadpoolctl:python3-threadpoolctl
bench_init bench-rnn
bench_benchstat
bench_peers
aten=$($py benchmarks/peerinfo.py aten)
best=$((${#peer_labels[@]} - 1))
read -r -a threads <<< "${2:-1 2 $(nproc)}"
mapfile -t threads < <(printf '%s\n' "${threads[@]}" | awk '!seen[$1]++')

peers=()
declare -A nthreads
# torch_peer K ATEN THREADS LABEL: times PyTorch with peer kernel K (an index
# into peer_labels), ATEN_CPU_CAPABILITY ATEN ("-": unset) and THREADS (0:
# its default) into the file "PyTorch LABEL".
torch_peer() {
  local f="PyTorch $4"
  bench_peer "${peer_coretypes[$1]}" "$2" $py benchmarks/torch_rnn_step.py "$reps" "$3" "$f" > "$dir/$f"
  peers+=("$f")
  nthreads[$f]=$3
}
if [ "${PEER_DEFAULT:-1}" != 0 ]; then
  torch_peer 0 - 0 "${peer_labels[0]} default-threads"
fi
scan=()
for t in "${threads[@]}"; do
  torch_peer "$best" - "$t" "${peer_labels[$best]} ${t}t"
  scan+=("$dir/${peers[-1]}")
done
tbest=${nthreads[$($py benchmarks/peerinfo.py fastest TrainStep/float32 "${scan[@]}")]}
for i in "${!peer_labels[@]}"; do
  [ "$i" = "$best" ] || torch_peer "$i" - "$tbest" "${peer_labels[$i]} ${tbest}t"
done
if [ -n "$aten" ]; then
  torch_peer "$best" "$aten" "$tbest" "${peer_labels[$best]}+$aten ${tbest}t"
fi

go test -c -o "$dir/rnn.test" ./models/rnn/
ours=()
for k in "${kernels[@]}"; do
  bench_kernel "$k" "$dir/rnn.test" -test.run '^$' -test.bench 'TrainStep/float32' \
    -test.count "$reps" -test.benchtime 20x > "$dir/oblique $k"
  ours+=("oblique $k")
done
bench_align "$dir/${ours[0]}" "${peers[@]/#/$dir/}"

# The table: PyTorch's default and fastest settings, and oblique's paths.
cols=("${peers[0]}")
fast=$($py benchmarks/peerinfo.py fastest TrainStep/float32 "${peers[@]/#/$dir/}")
[ "$fast" != "${peers[0]}" ] && cols+=("$fast")
bench_table "${cols[@]}" "${ours[@]}"
$py benchmarks/peerinfo.py medians TrainStep/float32 ms "${peers[@]/#/$dir/}"
cores=$(grep -m1 -o '^BenchmarkTrainStep/float32-[0-9]*' "$dir/${ours[0]}" | sed 's/.*-//')
for o in "${ours[@]}"; do
  # The clock the benchmark measured (its GHz column; median), if any.
  ghz=$(grep -o '[0-9.]* GHz' "$dir/$o" | awk '{print $1}' | sort -n | awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]}')
  IFS=$'\t' read -r peak how < <(CLOCK_GHZ=$ghz $py benchmarks/peerinfo.py peak "$cores" "${o#oblique }")
  echo "peak (${o#oblique }): $peak GFLOP/s = $how"
  $py benchmarks/peerinfo.py compare --peak="$peak" TrainStep/float32 ms PyTorch "$dir/$o" "${peers[@]/#/$dir/}"
done
