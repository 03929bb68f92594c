#!/usr/bin/env bash
# One posterior-training epoch (dr17 objective, 784-600-1, binary MNIST n = 55,000, batch 100, per-example draws,
# RMSprop): boundlab pacbayes against PyTorch (bench/peers/torch_posterior.py), alternating rounds, same threads.
# Usage: bench/compare_posterior.sh THREADS ROUNDS. Prints each round and the medians and their ratio (> 1: BoundLab faster).
set -euo pipefail
cd "$(dirname "$0")/.."
threads=${1:-2}; rounds=${2:-3}
dotnet build src/Cli/BoundLab.Cli.csproj -c Release -nologo -v q -clp:ErrorsOnly > /dev/null
cli="dotnet src/Cli/bin/Release/net10.0/boundlab.dll"
run=$(mktemp -d)/run
$cli train --data mnist-binary --train-size 55000 --arch 784-600-1 --loss logistic --lr 0.01 --epochs 1 --seed 1 --threads "$threads" --out "$run" > /dev/null 2>&1
ours=(); peer=()
for r in $(seq "$rounds"); do
  o=$($cli pacbayes "$run" --method dr17 --epochs 1 --mc-passes 1 --restart --threads "$threads" --json 2> /dev/null \
      | /usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)['seconds']['training'])")
  p=$(/usr/bin/python3 bench/peers/torch_posterior.py "$threads")
  echo "round $r: boundlab ${o}s  pytorch ${p}s"
  ours+=("$o"); peer+=("$p")
done
/usr/bin/python3 - "${ours[*]}" "${peer[*]}" <<'PY'
import statistics, sys
o = statistics.median(map(float, sys.argv[1].split())); p = statistics.median(map(float, sys.argv[2].split()))
print(f"median epoch: boundlab {o:.2f}s  pytorch {p:.2f}s  ratio pytorch/boundlab {p / o:.2f}")
PY
