#!/usr/bin/env bash
# Everything a lent GPU machine is for, in one call of a few minutes, from a fresh checkout:
#   1. build the CLI and the tests (skipped with BOUNDLAB_PREBUILT=1: use the binaries already in the tree),
#   2. boundlab doctor (text and JSON) — stops here, exit 2, when it finds no CUDA device,
#   3. the GPU tests: dotnet fsi build.fsx test --filter Gpu (the simulator and the CUDA cases),
#   4. boundlab bench gpu --json (SGEMM vs cuBLAS, MLP epoch vs the CPU backend, launches, compile time),
#   5. short train runs on the committed MNIST fixture with --device cuda and the same seed on the CPU (SGD and SGLD),
#      and a per-epoch comparison of the two.
# Everything goes under $OUT when set, else results/gpu-<UTC time>/; summary.txt says what ran and how it ended.
# Usage: bench/gpu.sh [--quick]   (--quick: bench gpu --quick, one epoch per train run)
# Exit code: 0 all steps passed, 1 a step failed (the others still ran), 2 no CUDA device (after build and doctor).
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
quick=0
for a in "$@"; do
  case "$a" in
    --quick) quick=1 ;;
    *) echo "bench/gpu.sh: unknown argument '$a'; allowed: --quick" >&2; exit 2 ;;
  esac
done
out=${OUT:-$root/results/gpu-$(date -u +%Y%m%d-%H%M%S)}
mkdir -p "$out"
summary="$out/summary.txt"
: > "$summary"
failed=0
note() { echo "$*" | tee -a "$summary"; }
step() { # step NAME SECONDS LOG CMD…: runs CMD with a time limit, output to LOG; records ok/FAILED with the time taken
  local name=$1 limit=$2 log=$3; shift 3
  local t0=$SECONDS code
  timeout "$limit" "$@" > "$log" 2>&1; code=$?
  if [ "$code" = 0 ]; then note "ok      $name ($((SECONDS - t0)) s)"
  else
    failed=1
    [ "$code" = 124 ] && note "FAILED  $name: over its ${limit} s limit (log: $log)" || note "FAILED  $name: exit $code (log: $log)"
  fi
  return "$code"
}

note "bench/gpu.sh $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(hostname), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown); results in $out"
if ! command -v dotnet > /dev/null 2>&1; then
  note "FAILED  the .NET SDK (dotnet) is not on PATH; install the .NET 10 SDK first."
  exit 1
fi

cli_dll="$root/.boundlab/bin/boundlab.dll"
tests_dll="$root/tests/Runner/bin/Release/net10.0/BoundLab.Tests.dll"
if [ "${BOUNDLAB_PREBUILT:-0}" = 1 ]; then
  for f in "$cli_dll" "$tests_dll"; do
    [ -f "$f" ] || { note "FAILED  BOUNDLAB_PREBUILT=1 but $f is missing; build without it first."; exit 1; }
  done
  note "ok      build skipped (BOUNDLAB_PREBUILT=1)"
else
  step "build the CLI" 600 "$out/build-cli.log" dotnet build src/Cli/BoundLab.Cli.csproj -c Release -o "$root/.boundlab/bin" -nologo -v q -clp:ErrorsOnly \
    || { note "stopping: nothing runs without the CLI (an offline machine cannot restore packages: build elsewhere and use BOUNDLAB_PREBUILT=1)."; exit 1; }
  step "build the tests" 600 "$out/build-tests.log" dotnet build tests/Runner/BoundLab.Tests.fsproj -c Release -nologo -v q -clp:ErrorsOnly
fi
cli=(dotnet "$cli_dll")

step "boundlab doctor --json" 120 "$out/doctor.json" "${cli[@]}" doctor --json
"${cli[@]}" doctor > "$out/doctor.txt" 2>&1
sed 's/^/        /' "$out/doctor.txt" | tee -a "$summary"
if ! grep -q '"devices": \[$' "$out/doctor.json"; then
  reason=$(grep -o '"none_reason": "[^"]*"' "$out/doctor.json" | sed 's/"none_reason": //')
  note "stopping: doctor finds no CUDA device (${reason:-see $out/doctor.txt}). The GPU tests run on ILGPU's simulator anywhere"
  note "          (dotnet fsi build.fsx test --filter Gpu); bench gpu and train --device cuda need a CUDA device."
  exit 2
fi

# 3. The GPU tests. build.fsx installs the SMT solvers when missing; without them (and no network) run the runner directly.
if ls /usr/lib/x86_64-linux-gnu/libz3.so /usr/lib/aarch64-linux-gnu/libz3.so /usr/lib/libz3.so /usr/local/lib/libz3.so > /dev/null 2>&1 \
   && [ "${BOUNDLAB_PREBUILT:-0}" != 1 ]; then
  step "GPU tests (build.fsx test --filter Gpu)" 420 "$out/tests.log" dotnet fsi build.fsx test --filter Gpu
else
  note "        (libz3 missing or prebuilt binaries: running the test runner directly, as build.fsx would after its solver check)"
  step "GPU tests (BoundLab.Tests.dll --filter Gpu)" 420 "$out/tests.log" dotnet "$tests_dll" --filter Gpu
fi
tail -n 1 "$out/tests.log" | sed 's/^/        /' | tee -a "$summary"

# 4. The benchmarks.
bench_args=(bench gpu --json)
[ "$quick" = 1 ] && bench_args+=(--quick)
step "boundlab ${bench_args[*]}" 300 "$out/bench-gpu.json" "${cli[@]}" "${bench_args[@]}" \
  || tail -n 3 "$out/bench-gpu.json" | sed 's/^/        /' | tee -a "$summary"

# 5. The same seed on the GPU and on the CPU, on the committed fixture (no download needed).
epochs=3
[ "$quick" = 1 ] && epochs=1
fixture="$root/tests/fixtures/mnist-small"
for opt in sgd sgld; do
  extra=()
  [ "$opt" = sgld ] && extra=(--optimizer sgld --lr 0.01 --beta 1e5)
  for device in cuda cpu; do
    step "train $opt --device $device" 300 "$out/train-$opt-$device.log" "${cli[@]}" train --data mnist --data-dir "$fixture" \
      --arch 784-512-512-10 --epochs "$epochs" --batch 128 --seed 1 "${extra[@]}" --device "$device" --out "$out/train-$opt-$device" --force
  done
  # Per-epoch train loss and test error side by side (GPU results match the CPU's within float tolerance, not bit for bit).
  {
    echo "$opt, seed 1, $epochs epoch(s): epoch  train_loss cuda / cpu  test_error cuda / cpu"
    for device in cuda cpu; do
      f="$out/train-$opt-$device/run.json"
      [ -f "$f" ] && awk '/"epochs": \[/{e=1} e&&/"train_loss"/{gsub(/[",]/,"");l=$2} e&&/"test_error"/{gsub(/[",]/,"");print l, $2} /^  \],?$/{e=0}' "$f" > "$out/.$device.txt" \
        || : > "$out/.$device.txt"
    done
    paste "$out/.cuda.txt" "$out/.cpu.txt" | awk '{printf "  %d  %s / %s  %s / %s\n", NR, $1, $3, $2, $4}'
    rm -f "$out/.cuda.txt" "$out/.cpu.txt"
    grep -h '"device"\|"weights_sha256"' "$out/train-$opt-cuda/run.json" "$out/train-$opt-cpu/run.json" 2> /dev/null | sed 's/^ */  /'
  } > "$out/compare-$opt.txt"
  sed 's/^/        /' "$out/compare-$opt.txt" | tee -a "$summary"
done

if [ "$failed" = 0 ]; then note "all steps passed; results in $out"; else note "some steps FAILED (see above); results in $out"; fi
exit "$failed"
