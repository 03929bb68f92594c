#!/usr/bin/env bash
# Same-run comparison of `boundlab bench mlp` between an older commit (default 5b15cc3, before the #7 redesign:
# host-array Mlp<T>) and the working tree, plus PyTorch (bench/peers/torch_mlp.py) on the same shapes: training-step
# throughput (forward, cross-entropy, backward, SGD momentum) on a fixed random batch. Alternates old / new / PyTorch
# ROUNDS times per configuration and prints medians and ratios.
# Usage: bench/compare_refactor.sh [old-commit=5b15cc3] [threads=2] [rounds=5]
set -euo pipefail
cd "$(dirname "$0")/.."
OLD=${1:-5b15cc3}
THREADS=${2:-2}
ROUNDS=${3:-5}
PY=/usr/bin/python3
"$PY" -c 'import torch' 2>/dev/null || { echo "torch missing: apt-get install -y python3-torch libopenblas0-pthread" >&2; exit 1; }
OLD_TREE=$(mktemp -d)
trap 'git worktree remove --force "$OLD_TREE" >/dev/null 2>&1 || true; rm -rf "$OLD_TREE" "$results"' EXIT
git worktree add -q --detach "$OLD_TREE" "$OLD"
dotnet build "$OLD_TREE/src/Cli" -c Release -v quiet -nologo > /dev/null
dotnet build src/Cli -c Release -v quiet -nologo > /dev/null
OLD_CLI="dotnet $OLD_TREE/src/Cli/bin/Release/net10.0/boundlab.dll"
NEW_CLI="dotnet src/Cli/bin/Release/net10.0/boundlab.dll"
export OPENBLAS_NUM_THREADS=$THREADS OMP_NUM_THREADS=$THREADS
results=$(mktemp)
rate() { "$PY" -c 'import json,sys; print(json.load(sys.stdin)["samples_per_sec"])'; }
for entry in "784-512-512-10|128|40" "784-1024-1024-10|256|10"; do
  IFS='|' read -r arch batch steps <<< "$entry"
  for ((r = 0; r < ROUNDS; r++)); do
    old=$($OLD_CLI bench mlp --arch "$arch" --batch "$batch" --threads "$THREADS" --steps "$steps" --repeats 5 --json | rate)
    new=$($NEW_CLI bench mlp --arch "$arch" --batch "$batch" --threads "$THREADS" --steps "$steps" --repeats 5 --json | rate)
    peer=$("$PY" bench/peers/torch_mlp.py --arch "$arch" --batch "$batch" --threads "$THREADS" --steps "$steps" --repeats 5 | rate)
    printf '%s batch %s\t%s\t%s\t%s\n' "$arch" "$batch" "$old" "$new" "$peer" >> "$results"
  done
done
"$PY" - "$results" "$THREADS" "$ROUNDS" "$OLD" <<'PYEOF'
import sys, statistics
path, threads, rounds, old = sys.argv[1:5]
rows = {}
for line in open(path):
    name, o, n, p = line.rstrip("\n").split("\t")
    rows.setdefault(name, []).append((float(o), float(n), float(p)))
print(f"training samples/s, {threads} threads, median of {rounds} alternating rounds (old = {old})")
print(f"{'network':32} {'old':>10} {'new':>10} {'PyTorch':>10} {'new/old':>8} {'new/PyTorch':>12}")
for name, rs in rows.items():
    o = statistics.median(r[0] for r in rs); n = statistics.median(r[1] for r in rs); p = statistics.median(r[2] for r in rs)
    ratios_old = statistics.median(r[1] / r[0] for r in rs); ratios_peer = statistics.median(r[1] / r[2] for r in rs)
    print(f"{name:32} {o:10,.0f} {n:10,.0f} {p:10,.0f} {ratios_old:8.3f} {ratios_peer:12.2f}")
PYEOF
