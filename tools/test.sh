#!/usr/bin/env bash
# The whole test suite: set up, build and test the CPU configuration; when nvcc exists, also
# compile and link the CUDA configuration (it cannot run without a GPU; tools/device-check.sh
# runs it on one).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$here/tools/setup.sh" "$here/build"
(cd "$here/build" && ctest --output-on-failure -j 2)
if command -v nvcc >/dev/null 2>&1 || [[ -x /usr/local/cuda/bin/nvcc ]]; then
  echo "[test] nvcc found: building the CUDA configuration (compile + link only)"
  BETADOSE_CUDA=ON "$here/tools/setup.sh" "$here/build-cuda"
  echo "[test] CUDA configuration built: $(ls "$here/build-cuda/betadose")"
  "$here/tools/ptxas_report.sh" "$here/build-cuda"
else
  echo "[test] nvcc not found: CUDA configuration skipped"
fi
