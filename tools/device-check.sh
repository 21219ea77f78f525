#!/usr/bin/env bash
# GPU check for a lent GPU machine (no package registry, maybe no HDF5/ITK/FFTW):
# builds the portable core with CUDA (or uses a carried build-device/), runs the GPU tests
# (GPU_* suites, failing if no GPU is visible) and the benchmark, and prints a short table.
# Usage: tools/device-check.sh [build-dir]     (default build-device)
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$here/build-device}"
export PATH="/usr/local/cuda/bin:$PATH"
log="${OUT:-/tmp}/device-check.log"
: >"$log"

if [[ ! -x "$build/tests/betadose_core_tests" ]]; then
  echo "[device-check] building portable core with CUDA in $build"
  cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Release -DBETADOSE_CUDA=ON \
        -DBETADOSE_WITH_IO=OFF >>"$log" 2>&1 || { echo "configure failed (see $log)"; tail -20 "$log"; exit 1; }
  cmake --build "$build" -j "$(nproc)" >>"$log" 2>&1 || { echo "build failed (see $log)"; tail -30 "$log"; exit 1; }
fi

nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 | sed 's/^/[gpu] /'
status_gpu="FAIL"
BETADOSE_REQUIRE_GPU=1 "$build/tests/betadose_core_tests" --gtest_filter='GPU_*' >>"$log" 2>&1 && status_gpu="PASS"
gpu_summary=$(grep -E '^\[  (PASSED|FAILED)  \]' "$log" | tail -2 | tr '\n' ' ')

bench_lines=""
if [[ -x "$build/betadose_bench" ]]; then
  bench_lines=$("$build/betadose_bench" --device cuda 2>&1 | tee -a "$log" | grep -E '^\|' || true)
fi

echo
echo "| check | result |"
echo "| --- | --- |"
echo "| commit | $(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo unknown) |"
echo "| GPU tests (GPU_*) | $status_gpu $gpu_summary |"
[[ -n "$bench_lines" ]] && { echo; echo "$bench_lines"; }
[[ "$status_gpu" == PASS ]]
