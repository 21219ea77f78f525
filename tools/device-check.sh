#!/usr/bin/env bash
# GPU check for a lent GPU machine (no package registry, maybe no HDF5/ITK/FFTW): one prepared
# script. Builds the portable core with CUDA (or uses a carried build-device/), prints the
# ptxas resource report, runs the GPU tests (GPU_* suites, failing if no GPU is visible; they
# print the CPU-vs-CUDA z-scores and check the secondary queue against the stack) and the GPU
# benchmark (decays/s, electron steps/s, steps/decay, theoretical occupancy; cases a and c
# again with every secondary on the per-thread stack, the queue's gain), the achieved
# occupancy and SIMT efficiency when Nsight Compute (ncu) is installed, and a summary table.
# Everything also goes to $OUT/device-check.log.
# Usage: tools/device-check.sh [build-dir]     (default build-device)
# The lent machine's image has nvcc, CMake and a compiler but not Random123 or GoogleTest: make
# .device-deps/ here first (tools/device-bundle.sh) and name it in the device tool's carry.
# Budget: build ~5 min on 16 cores (skip it by carrying build-device), tests ~1 min, bench
# ~2 min, ncu ~1 min; each step has its own time limit.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$here/build-device}"
export PATH="/usr/local/cuda/bin:$PATH"
log="${OUT:-/tmp}/device-check.log"
: >"$log"

if [[ ! -x "$build/tests/betadose_core_tests" || ! -x "$build/betadose_bench" ]]; then
  echo "[device-check] building portable core with CUDA in $build"
  cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Release -DBETADOSE_CUDA=ON \
        -DBETADOSE_WITH_IO=OFF >>"$log" 2>&1 || { echo "configure failed (see $log)"; tail -20 "$log"; exit 1; }
  cmake --build "$build" -j "$(nproc)" >>"$log" 2>&1 || { echo "build failed (see $log)"; tail -30 "$log"; exit 1; }
fi

nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv,noheader 2>&1 | sed 's/^/[gpu] /'
"$here/tools/ptxas_report.sh" "$build" 2>&1 | tee -a "$log" | grep -E '^\[ptxas\]'

status_gpu="FAIL"
BETADOSE_REQUIRE_GPU=1 timeout 300 "$build/tests/betadose_core_tests" --gtest_filter='GPU_*' >>"$log" 2>&1 && status_gpu="PASS"
gpu_summary=$(grep -E '^\[  (PASSED|FAILED)  \]' "$log" | tail -2 | tr '\n' ' ')
zscores=$(grep -E 'CPU vs CUDA|CUDA stack vs CUDA queue|bitwise equal' "$log" || true)

bench_lines=""
if [[ -x "$build/betadose_bench" ]]; then
  bench_lines=$(timeout 300 "$build/betadose_bench" --device cuda 2>&1 | tee -a "$log" | grep -E '^\||occupancy' || true)
  # The same cases with every secondary on the per-thread stack (no queue): the queue's gain.
  stack_lines=$(timeout 200 "$build/betadose_bench" --device cuda --skip-ct --secondary-queue 0 2>&1 | tee -a "$log" |
    grep -E '^\| \(' | sed 's/| cuda |/| cuda, stack only |/' || true)
  bench_lines="$bench_lines"$'\n'"$stack_lines"
fi

ncu_lines=""
if command -v ncu >/dev/null 2>&1; then
  # One launch of the voxel history kernel on case (c): achieved occupancy and SIMT efficiency
  # (thread instructions / (32 × warp instructions)), GPU.md "Measuring".
  ncu_lines=$(timeout 180 ncu --kernel-name regex:reduced_history_kernel --launch-count 1 \
    --metrics sm__warps_active.avg.pct_of_peak_sustained_active,smsp__thread_inst_executed.sum,smsp__inst_executed.sum,l1tex__t_bytes_pipe_lsu_mem_local_op_ld.sum \
    "$build/betadose_bench" --device cuda --cases c --histories-slabs 20000 2>&1 | tee -a "$log" |
    grep -E 'sm__warps_active|thread_inst_executed|inst_executed|local_op' || true)
fi

echo
echo "| check | result |"
echo "| --- | --- |"
echo "| commit | $(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo unknown) |"
echo "| GPU tests (GPU_*) | $status_gpu $gpu_summary |"
while IFS= read -r z; do [[ -n "$z" ]] && echo "| z-scores | $z |"; done <<<"$zscores"
while IFS= read -r n; do [[ -n "$n" ]] && echo "| ncu | $(echo "$n" | tr -s ' ') |"; done <<<"$ncu_lines"
[[ -z "$ncu_lines" ]] && echo "| ncu | not installed: achieved occupancy not measured |"
[[ -n "$bench_lines" ]] && { echo; echo "$bench_lines"; }
[[ "$status_gpu" == PASS ]]
