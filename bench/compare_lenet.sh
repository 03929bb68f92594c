#!/usr/bin/env bash
# Same-run comparison of `boundlab bench mlp --model lenet` with PyTorch (bench/lenet_torch.py): training-step
# throughput (forward, cross-entropy, backward, SGD momentum 0.9) of the same LeNet-like CNN, both on a fixed
# MNIST-shaped random batch (ours: one batch; PyTorch: --data random, a fixed order of random batches). Builds the CLI
# in Release once; alternates ours and PyTorch ROUNDS times and prints medians and the ratio.
# Usage: bench/compare_lenet.sh [threads=2] [rounds=5] [batch=128] [steps=20]
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS=${1:-2}
ROUNDS=${2:-5}
BATCH=${3:-128}
STEPS=${4:-20}
PY=/usr/bin/python3
"$PY" -c 'import torch' 2>/dev/null || { echo "torch missing: apt-get install -y python3-torch libopenblas0-pthread" >&2; exit 1; }
dotnet build src/Cli -c Release -v quiet -nologo > /dev/null
CLI="dotnet src/Cli/bin/Release/net10.0/boundlab.dll"
export OPENBLAS_NUM_THREADS=$THREADS OMP_NUM_THREADS=$THREADS

results=$(mktemp)
trap 'rm -f "$results"' EXIT
for ((r = 0; r < ROUNDS; r++)); do
  ours=$($CLI bench mlp --model lenet --batch "$BATCH" --threads "$THREADS" --steps "$STEPS" --repeats 5 --json \
    | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["samples_per_sec"])')
  peer=$("$PY" bench/lenet_torch.py --data random --batch "$BATCH" --threads "$THREADS" --steps "$STEPS" --repeats 5 \
    | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["samples_per_sec"])')
  printf 'lenet batch %s\t%s\t%s\n' "$BATCH" "$ours" "$peer" >> "$results"
done

"$PY" bench/summarize.py "$results" "$THREADS" "$ROUNDS" "training samples/s" "PyTorch" "network" ",.0f"
