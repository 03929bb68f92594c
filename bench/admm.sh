#!/usr/bin/env bash
# ADMM targets (issue 9): Z3 time per obligation of `verify admm` on the worked examples (median; target ≤ 1 s),
# wall time of `verify admm --synthesize` (target ≤ 2 s, includes process start), and seconds per ADMM iteration on
# the product data (n = 1000, 2-100-100-1) and on an MNIST subset (n = 5000, 784-256-256-10), each next to one SGD
# epoch on the same net and data (sigmoid, squared loss, batch 128). Usage: bench/admm.sh [iterations=3]
set -euo pipefail
cd "$(dirname "$0")/.."
ITER=${1:-3}
PY=python3
dotnet build src/Cli -c Release -v quiet -nologo > /dev/null
CLI="dotnet src/Cli/bin/Release/net10.0/boundlab.dll"
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) threads"

# Worked examples: B rational (1, 2) and irrational (n = 1000, ‖X‖ = 25.8, ‖Y‖ = 10.5, r = 1).
EXAMPLES=(
  "--n 100 --x-fro 10 --y-fro 10 --r1 0.25 --r2 0.25"
  "--n 1000 --x-fro 20 --y-fro 2.5 --r1 0.4 --r2 0.1"
  "--n 1000 --x-fro 25.8 --y-fro 10.5 --r1 1 --r2 1"
)
for ex in "${EXAMPLES[@]}"; do
  start=$(date +%s.%N)
  $CLI verify admm $ex --synthesize --no-cross-check --json > "$OUT/s.json"
  end=$(date +%s.%N)
  $CLI verify admm $ex --beta1 1 --beta2 1 --beta3 1 --lambda 1e-6 --no-cross-check --json > "$OUT/v.json"
  $PY - "$OUT/s.json" "$OUT/v.json" "$start" "$end" "$ex" <<'PYEOF'
import json, statistics, sys
s, v = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
secs = [c["seconds"] for c in s["conditions"]] + [c["seconds"] for c in v["conditions"]]
print(f"verify admm {sys.argv[5]}: median {statistics.median(secs):.3f} s per obligation (max {max(secs):.3f}, {len(secs)} obligations); "
      f"--synthesize wall {float(sys.argv[4]) - float(sys.argv[3]):.2f} s (verdict {s['verdict']}, lambda {s['lambda']})")
PYEOF
done

run_pair() { # data arch train-size extra…
  local data=$1 arch=$2 n=$3; shift 3
  $CLI train --optimizer admm --data "$data" --arch "$arch" --train-size "$n" --test-size 1000 --iterations "$ITER" \
    --out "$OUT/admm-$data" --force "$@" 2> "$OUT/admm.log" || { cat "$OUT/admm.log" >&2; exit 1; }
  $CLI train --optimizer sgd --data "$data" --arch "$arch" --train-size "$n" --test-size 1000 --activation sigmoid \
    --loss squared --epochs 1 --batch 128 --out "$OUT/sgd-$data" --force "$@" 2> /dev/null
  $PY - "$OUT/admm-$data/run.json" "$OUT/sgd-$data/run.json" "$data" "$arch" "$n" <<'PYEOF'
import json, sys
a, s = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
print(f"{sys.argv[3]} {sys.argv[4]} n={sys.argv[5]}: ADMM {a['seconds_per_iteration']:.3f} s/iteration (float64, conditions {a['conditions_verdict']}); "
      f"SGD epoch {s['seconds']:.3f} s (float32, {s['samples_per_sec']:.0f} samples/s); ADMM train {a['error_kind']} {a['train_error']:.4g}")
PYEOF
}
run_pair product 2-100-100-1 1000
run_pair mnist 784-256-256-10 5000
