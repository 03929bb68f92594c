#!/usr/bin/env bash
# Same-run check of issue 13's targets: `boundlab bench noise` (keyed normals/s, target ≥ 5e8 on 2 threads) and
# one MNIST epoch of 784-512-512-10 (batch 128) with SGLD against SGD, alternated ROUNDS times (target: SGLD
# epoch time ≤ 1.5× SGD's, i.e. a samples/s ratio SGLD/SGD ≥ 0.67). Needs MNIST cached (boundlab data mnist).
# Usage: bench/compare_noise.sh [threads=2] [rounds=3]
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS=${1:-2}
ROUNDS=${2:-3}
PY=/usr/bin/python3
dotnet build src/Cli -c Release -v quiet -nologo > /dev/null
CLI="dotnet src/Cli/bin/Release/net10.0/boundlab.dll"
grep -m1 "model name" /proc/cpuinfo || true

for ((r = 0; r < ROUNDS; r++)); do
  $CLI bench noise --threads "$THREADS" --json | "$PY" -c 'import json,sys; d=json.load(sys.stdin); print("bench noise: %.3e normals/s (%s, %d threads)" % (d["normals_per_sec"], d["path"], d["threads"]))'
done

work=$(mktemp -d)
results=$(mktemp)
trap 'rm -rf "$work" "$results"' EXIT
for ((r = 0; r < ROUNDS; r++)); do
  for opt in sgd sgld; do
    $CLI train --data mnist --arch 784-512-512-10 --batch 128 --epochs 1 --optimizer "$opt" --threads "$THREADS" \
      --out "$work/$opt" --force > /dev/null
  done
  sgld=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["samples_per_sec"])' "$work/sgld/run.json")
  sgd=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["samples_per_sec"])' "$work/sgd/run.json")
  printf '784-512-512-10 batch 128, 1 MNIST epoch\t%s\t%s\n' "$sgld" "$sgd" >> "$results"
done

"$PY" bench/summarize.py "$results" "$THREADS" "$ROUNDS" "training samples/s; BoundLab column = SGLD, peer = SGD" "SGD" "run" ",.0f"
