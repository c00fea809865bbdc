#!/bin/sh
# bench_recon.sh — tundish's lstm_autoencoder or vae against its PyTorch peer, back to back.
#
#   bench/bench_recon.sh BUILD_DIR MODEL [EPOCHS] [ROUNDS] [SEQUENCES]
#       MODEL: lstm_autoencoder or vae
#
# Each round runs, in alternating order so drift in the machine's load hits both alike,
# the peer (bench/peers/torch_recon.py, the same architecture as the plugin's defaults,
# OPENBLAS_NUM_THREADS=1, torch 2 threads) and `tundish bench MODEL` (defaults,
# clip_norm=0 as the peer, threads=2) on random data of SEQUENCES × 300 steps × 5
# channels, batch 32. The 1-minute load is logged before each run, and tundish's
# fit_cpu_seconds beside its wall time. OpenBLAS picks its kernels from the CPU unless
# OPENBLAS_CORETYPE says otherwise (on a CPU it does not know, the slow generic Prescott
# kernels): both sides run under the same environment, and the core OpenBLAS chose is
# logged. Both run with OPENBLAS_NUM_THREADS=1: neither computes with OpenBLAS's threads
# (tundish's NN training sets it to one thread itself), and otherwise OpenBLAS's idle
# server thread spins in sched_yield for about 0.12 CPU s after the library loads, which
# overlaps tundish's first epochs (measured: +0.1 s of fit CPU, epochs 15-25 % slower on 2
# threads). Needs Debian's python3-torch. Not part of the test suite.
set -eu
build=${1:?usage: bench_recon.sh BUILD_DIR MODEL [EPOCHS] [ROUNDS] [SEQUENCES]}
model=${2:?usage: bench_recon.sh BUILD_DIR MODEL [EPOCHS] [ROUNDS] [SEQUENCES]}
epochs=${3:-3}
rounds=${4:-2}
seqs=${5:-960}
case "$model" in
  lstm_autoencoder) peer=ae ;;
  vae) peer=vae ;;
  *) echo "bench_recon.sh: MODEL is lstm_autoencoder or vae" >&2; exit 1 ;;
esac
peers=$(dirname "$0")/peers

run_tundish () {
  echo "== tundish $model $(date -u +%H:%M:%S) load: $(cut -d' ' -f1-3 /proc/loadavg)"
  OPENBLAS_VERBOSE=2 OPENBLAS_NUM_THREADS=1 "$build/core/tundish" bench "$model" sequences="$seqs" \
    steps=300 channels=5 batch_size=32 \
    epochs="$epochs" clip_norm=0 threads=2 reps=200 \
    | grep -E '^(Core:|fit_cpu_seconds|epoch_seconds|seconds_per_epoch|infer_ms_per_sequence)'
}

run_torch () {
  echo "== torch $peer $(date -u +%H:%M:%S) load: $(cut -d' ' -f1-3 /proc/loadavg)"
  OPENBLAS_VERBOSE=2 OPENBLAS_NUM_THREADS=1 /usr/bin/python3 "$peers/torch_recon.py" --model "$peer" \
    --sequences "$seqs" --steps 300 --channels 5 --epochs "$epochs" --threads 2 \
    | grep -E '^(Core:|fit_cpu_seconds|epoch_seconds|seconds_per_epoch|infer_ms_per_sequence)'
}

i=1
while [ "$i" -le "$rounds" ]; do
  if [ $((i % 2)) -eq 1 ]; then run_torch; run_tundish; else run_tundish; run_torch; fi
  i=$((i + 1))
done
