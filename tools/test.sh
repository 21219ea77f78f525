#!/usr/bin/env bash
# The whole test suite: set up, build and test the CPU configuration; then the sanitizer
# build (clang, ASan + UBSan: the unit and CLI tests again and a smoke run of every fuzz
# harness); when nvcc exists, also compile and link the CUDA configuration (it cannot run
# without a GPU; tools/device-check.sh runs it on one).
# BETADOSE_SKIP_SANITIZERS=1 skips the sanitizer stage (a quick local run).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$here/tools/setup.sh" "$here/build"
(cd "$here/build" && ctest --output-on-failure -j 2)

if [[ "${BETADOSE_SKIP_SANITIZERS:-0}" != 1 ]]; then
  echo "[test] sanitizer build (clang, ASan + UBSan, libFuzzer harnesses)"
  asan="$here/build-asan"
  CC=clang CXX=clang++ cmake -S "$here" -B "$asan" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBETADOSE_FUZZ=ON -DBETADOSE_MPI=OFF \
    -DBETADOSE_CUDA=OFF >/dev/null
  cmake --build "$asan" -j "$(nproc 2>/dev/null || echo 2)"
  # Sanitizer findings exit 86 (never 0, 1 or 2, the codes the CLI tests expect). The physics
  # convergence tests (long Monte Carlo runs, the same code as above) and the validation subset
  # are left to the plain build; BETADOSE_TEST_SANITIZER tells the tests they run slowly.
  (cd "$asan" &&
    BETADOSE_TEST_SANITIZER=1 \
    BETADOSE_VIEWER_JS="$here/build/viewer/node_modules/@niivue/niivue/dist/niivue.umd.js" \
    ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1:exitcode=86:strict_string_checks=1" \
    UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:exitcode=86" \
    LSAN_OPTIONS="suppressions=$here/tests/sanitizer/lsan.supp:exitcode=86" \
    GTEST_FILTER="$(cat "$here/tests/sanitizer/skipped_tests.txt" | grep -v '^#' | paste -sd: | sed 's/^/-/')" \
    ctest --output-on-failure -j 2 -E "validate_quick|plot_dose_orientation|tables_are_generated")
  BETADOSE_FUZZ_BUILD="$asan" "$here/tools/fuzz.sh" --smoke
fi

if command -v nvcc >/dev/null 2>&1 || [[ -x /usr/local/cuda/bin/nvcc ]]; then
  echo "[test] nvcc found: building the CUDA configuration (compile + link only)"
  BETADOSE_CUDA=ON "$here/tools/setup.sh" "$here/build-cuda"
  echo "[test] CUDA configuration built: $(ls "$here/build-cuda/betadose")"
  "$here/tools/ptxas_report.sh" "$here/build-cuda"
else
  echo "[test] nvcc not found: CUDA configuration skipped"
fi
