#!/usr/bin/env bash
# Same-run comparison of `boundlab bench mlp` with PyTorch (bench/peers/torch_mlp.py): training-step
# throughput (forward, cross-entropy, backward, SGD momentum) on a fixed random batch. Builds the CLI in
# Release once; per configuration alternates ours and PyTorch ROUNDS times and prints medians and the ratio.
# Usage: bench/compare_mlp.sh [threads=2] [rounds=5]
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS=${1:-2}
ROUNDS=${2:-5}
PY=/usr/bin/python3
"$PY" -c 'import torch' 2>/dev/null || { echo "torch missing: apt-get install -y python3-torch libopenblas0-pthread" >&2; exit 1; }
dotnet build src/Cli -c Release -v quiet -nologo > /dev/null
CLI="dotnet src/Cli/bin/Release/net10.0/boundlab.dll"
export OPENBLAS_NUM_THREADS=$THREADS OMP_NUM_THREADS=$THREADS

# arch | batch | steps per timed run
CONFIGS=(
  "784-512-512-10|128|40"
  "784-1024-1024-10|256|10"
)

results=$(mktemp)
trap 'rm -f "$results"' EXIT
for entry in "${CONFIGS[@]}"; do
  IFS='|' read -r arch batch steps <<< "$entry"
  for ((r = 0; r < ROUNDS; r++)); do
    ours=$($CLI bench mlp --arch "$arch" --batch "$batch" --threads "$THREADS" --steps "$steps" --repeats 5 --json \
      | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["samples_per_sec"])')
    peer=$("$PY" bench/peers/torch_mlp.py --arch "$arch" --batch "$batch" --threads "$THREADS" --steps "$steps" --repeats 5 \
      | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["samples_per_sec"])')
    printf '%s batch %s\t%s\t%s\n' "$arch" "$batch" "$ours" "$peer" >> "$results"
  done
done

"$PY" bench/summarize.py "$results" "$THREADS" "$ROUNDS" "training samples/s" "PyTorch" "network" ",.0f"
