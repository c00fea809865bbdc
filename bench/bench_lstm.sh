#!/bin/sh
# bench_lstm.sh — tundish's lstm (cnn_lstm, attention_lstm) against the PyTorch peer, back to back.
#
#   bench/bench_lstm.sh BUILD_DIR [EPOCHS] [ROUNDS] [MODEL]
#       MODEL: lstm (default), cnn_lstm, attention_lstm
#
# Each round runs, in alternating order so drift in the machine's load hits
# both alike: the PyTorch peer (bench/peers/torch_lstm.py: LSTM 5→64×2,
# last step, head 32, Adam, batch 32, 960 training sequences of 300 steps;
# OPENBLAS_NUM_THREADS=1, torch threads 2) and `tundish bench lstm` with the same
# architecture (pooling=last, no clipping, threads=2). `uptime` is logged before each run.
# cnn_lstm: the peer's CNN-LSTM (2 × [Conv1d 64, k3, ReLU, BatchNorm], MaxPool 2, LSTM
# 64→128 × 2), tundish's cnn_lstm defaults being the same architecture.
# attention_lstm: the peer's attn_lstm (LSTM 5→128 × 2, MultiheadAttention 8 heads, mean
# over time, head 32), tundish's attention_lstm defaults being the same architecture (its
# pooling is the peer's mean, so only clip_norm=0 is passed).
# OpenBLAS picks its kernels from the CPU unless OPENBLAS_CORETYPE says otherwise; both
# sides run under the same environment (the log records the core OpenBLAS chose).
# The peer needs /tmp/steel.npz (python3 bench/peers/gen_steel.py), Debian's
# python3-torch and libopenblas0-pthread. Not part of the test suite.
set -eu
build=${1:?usage: bench_lstm.sh BUILD_DIR [EPOCHS] [ROUNDS] [MODEL]}
epochs=${2:-3}
rounds=${3:-2}
model=${4:-lstm}
case "$model" in
  lstm) epochs_flag=--lstm-epochs; peer_model=lstm; extra="pooling=last" ;;
  cnn_lstm) epochs_flag=--epochs; peer_model=cnn_lstm; extra="pooling=last" ;;
  attention_lstm) epochs_flag=--epochs; peer_model=attn_lstm; extra="" ;;
  *) echo "bench_lstm.sh: MODEL is lstm, cnn_lstm or attention_lstm" >&2; exit 1 ;;
esac
peers=${TUNDISH_PEERS:-$(dirname "$0")/peers}
out=${TMPDIR:-/tmp}/bench_lstm.$$
mkdir -p "$out"

run_tundish () {
  echo "== tundish $(date -u +%H:%M:%S) load: $(cut -d' ' -f1-3 /proc/loadavg)"
  # shellcheck disable=SC2086 # $extra is zero or one word
  OPENBLAS_VERBOSE=2 "$build/core/tundish" bench "$model" sequences=960 steps=300 channels=5 \
    batch_size=32 epochs="$epochs" $extra clip_norm=0 threads=2 reps=200 | tee "$out/tundish.$1.txt"
}

run_torch () {
  echo "== torch $(date -u +%H:%M:%S) load: $(cut -d' ' -f1-3 /proc/loadavg)"
  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 "$peers/torch_lstm.py" --models "$peer_model" \
    "$epochs_flag" "$epochs" --threads 2 --json "$out/torch.$1.json" > "$out/torch.$1.log"
  /usr/bin/python3 - "$out/torch.$1.json" "$peer_model" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))[sys.argv[2]]
print("epoch_seconds=" + ",".join("%.4f" % s for s in r["epoch_s"]))
print("seconds_per_epoch=%.4f" % r["epoch_s_median_first5"])
print("infer_ms_per_sequence=%.4f" % r["infer_b1_ms_median"])
print("achieved_train_gflops=%.1f" % r["achieved_train_gflops"])
EOF
}

i=1
while [ "$i" -le "$rounds" ]; do
  if [ $((i % 2)) -eq 1 ]; then run_torch "$i"; run_tundish "$i"; else run_tundish "$i"; run_torch "$i"; fi
  i=$((i + 1))
done
echo "outputs in $out"
