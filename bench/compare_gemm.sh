#!/usr/bin/env bash
# Same-run comparison of `boundlab bench gemm` with numpy/OpenBLAS (bench/peers/numpy_gemm.py).
# Builds the CLI in Release once; then, per shape, alternates ours and numpy ROUNDS times (each run reports
# the median of its own repeats) and prints a Markdown table of the medians over rounds and their ratio.
# Usage: bench/compare_gemm.sh [threads=2] [rounds=5]; ONLY=<regex> keeps the shapes whose label matches.
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS=${1:-2}
ROUNDS=${2:-5}
PY=/usr/bin/python3
"$PY" -c 'import numpy' 2>/dev/null || { echo "numpy missing: apt-get install -y python3-numpy libopenblas0-pthread" >&2; exit 1; }
dotnet build src/Cli -c Release -v quiet -nologo > /dev/null
CLI="dotnet src/Cli/bin/Release/net10.0/boundlab.dll"
export OPENBLAS_NUM_THREADS=$THREADS

# label | m n k flags | repeats per run
SHAPES=(
  "square 1024³|--m 1024 --n 1024 --k 1024|20"
  "square 2048³|--m 2048 --n 2048 --k 2048|5"
  "MLP forward X·Wᵀ (128×784·784×512)|--m 128 --n 512 --k 784 --transb|50"
  "MLP dW = dZᵀ·X (512×128·128×784)|--m 512 --n 784 --k 128 --transa|50"
  "MLP dX = dZ·W (128×512·512×784)|--m 128 --n 784 --k 512|50"
)

results=$(mktemp)
trap 'rm -f "$results"' EXIT
for entry in "${SHAPES[@]}"; do
  IFS='|' read -r label args repeats <<< "$entry"
  [[ -n "${ONLY:-}" && ! "$label" =~ $ONLY ]] && continue
  for ((r = 0; r < ROUNDS; r++)); do
    ours=$($CLI bench gemm $args --threads "$THREADS" --repeats "$repeats" --json | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["gflops"])')
    peer=$("$PY" bench/peers/numpy_gemm.py $args --repeats "$repeats" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["gflops"])')
    printf '%s\t%s\t%s\n' "$label" "$ours" "$peer" >> "$results"
  done
done

"$PY" bench/summarize.py "$results" "$THREADS" "$ROUNDS" "GFLOP/s" "numpy/OpenBLAS" "shape" ".1f"
