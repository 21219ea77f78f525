#!/usr/bin/env bash
# libFuzzer harnesses of every betadose reader (tests/fuzz), built with clang, ASan and UBSan.
#
#   tools/fuzz.sh [SECONDS] [HARNESS ...]   run each harness SECONDS (default 60), all by default
#   tools/fuzz.sh SECONDS --runs N [HARNESS ...]  each stops after N executions or SECONDS
#   tools/fuzz.sh --smoke                   CI: the committed seeds plus 300 mutations each
#   tools/fuzz.sh --sort HARNESS            sort the crashes of a contained harness's last run again
#
# The build is the sanitizer build of tools/test.sh (build-asan: clang, ASan + UBSan, coverage
# for libFuzzer; Debian's clang and libclang-rt-dev, installed by tools/setup.sh). The working
# corpus grows in build-asan/corpus/<harness>/ (seeded from tests/fuzz/corpus/, which stays
# small); findings go to build-asan/artifacts/ (crash-*, leak-*, oom-*, timeout-*).
# A table of executions and findings per harness is written to build-asan/fuzz-report.md
# (validation/RELIABILITY.md records a long run). Exit 1 if any harness found something.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BETADOSE_FUZZ_BUILD:-$here/build-asan}"
smoke=0
seconds=60
runs_cap=0
sort_only=0
if [[ "${1:-}" == "--sort" ]]; then sort_only=1; shift; fi
if [[ "${1:-}" == "--smoke" ]]; then smoke=1; shift; elif [[ "${1:-}" =~ ^[0-9]+$ ]]; then seconds=$1; shift; fi
if [[ "${1:-}" == "--runs" ]]; then
  [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || { echo "[fuzz] --runs needs a positive whole number of executions" >&2; exit 2; }
  runs_cap=$2; shift 2
fi

# clang and libFuzzer from Debian (tools/setup.sh installs them).
if ! command -v clang++ >/dev/null; then
  echo "[fuzz] clang++ not found: run tools/setup.sh (it installs clang and libclang-rt-dev)" >&2
  exit 2
fi
if [[ ! -f "$build/CMakeCache.txt" ]]; then
  CC=clang CXX=clang++ cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBETADOSE_FUZZ=ON -DBETADOSE_MPI=OFF \
    -DBETADOSE_CUDA=OFF >/dev/null
fi
cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)" --target betadose_fuzzers

harnesses=("$@")
if ((${#harnesses[@]} == 0)); then
  for f in "$here"/tests/fuzz/fuzz_*.cpp; do harnesses+=("$(basename "$f" .cpp)"); done
fi
mkdir -p "$build/artifacts" "$build/corpus"
report="${BETADOSE_FUZZ_REPORT:-$build/fuzz-report.md}"
{
  echo "| harness | seconds | executions | exec/s | crashes | leaks | ooms | timeouts | library crashes contained | not reproduced, refused | corpus |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
} >"$report"
# Leaks are findings; an allocation the reader should have refused (memory estimates) shows
# up as an oom (-malloc_limit_mb); undefined behaviour stops the run.
export ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1:abort_on_error=1:symbolize=1"
export UBSAN_OPTIONS="halt_on_error=1:abort_on_error=1:print_stacktrace=1"
# Library-internal leaks on error paths (HDF5, ITK NrrdIO), each explained in the file.
export LSAN_OPTIONS="suppressions=$here/tests/sanitizer/lsan.supp"
# Harnesses of readers whose library can crash on crafted input (libhdf5 1.10.8, GDCM 3.0 with
# assertions): the product rehearses those reads in a child process (src/io/isolated_read.hh).
# Fuzzing runs the reader in-process, in libFuzzer's fork mode, which keeps going past crashes;
# each crash is then sorted (below). The CI smoke pass runs the product's reader instead.
# The library whose frames a contained crash of each contained harness must lie in; "" for the
# other harnesses.
library_of() {
  case $1 in
    fuzz_dose_file) echo "libhdf5" ;;
    fuzz_dicom_image) echo "libgdcm|libITKIOGDCM" ;;
  esac
}
is_contained() { [[ -n "$(library_of "$1")" ]]; }

# A crash, oom or timeout of a contained harness is sorted by rerunning its input (100 times:
# a use-after-free shows only when the freed block is still in ASan's quarantine, so a single
# rerun can miss it) and the product's reader on it:
#   0  contained: the report's innermost frame outside the sanitizer/fuzzer runtimes, libc and
#      the allocator lies in the harness's library, so does the allocation of an overrun
#      block, and the product's reader (rehearsed in a child process) refuses the input cleanly;
#   2  not reproduced in 100 reruns, and the product's reader refuses it cleanly;
#   1  anything else: a finding.
innermost_frame() {  # stdin: a stack trace; the first frame outside the runtimes
  grep -E "^ +#[0-9]+ 0x" |
    grep -vE "__sanitizer|__asan|__interceptor|fuzzer::|__ubsan|in (malloc|calloc|realloc|free|operator new)|libc\.so|sysdeps/|nptl/|stdlib/|assert/|in __(mem|str)[a-z_]+ |PrintStackTrace" |
    head -1 || true
}
sort_crash() {
  local exe=$1 input=$2 trace frame lib
  lib=$(library_of "$(basename "$exe")")
  local triage="$build/artifacts/triage/"
  mkdir -p "$triage"
  BETADOSE_FUZZ_PRODUCT_READER=1 "$exe" -timeout=300 -rss_limit_mb=2048 -malloc_limit_mb=1024 \
    -artifact_prefix="$triage" "$input" >/dev/null 2>&1 || return 1
  trace=$("$exe" -runs=100 -timeout=300 -rss_limit_mb=2048 -malloc_limit_mb=1024 -artifact_prefix="$triage" \
    "$input" 2>&1 || true)
  grep -q "ERROR: " <<<"$trace" || return 2
  # An RSS-limit report prints the stack of whatever ran when the limit was crossed; rerun with
  # only the per-allocation limit, whose report is the stack of the allocation itself.
  if grep -q "out-of-memory (used:" <<<"$trace"; then
    trace=$("$exe" -runs=1 -timeout=300 -rss_limit_mb=8192 -malloc_limit_mb=1024 -artifact_prefix="$triage" \
      "$input" 2>&1 || true)
    grep -q "out-of-memory (malloc(" <<<"$trace" || return 1
  fi
  frame=$(sed -n '/ERROR: /,$p' <<<"$trace" | innermost_frame)
  grep -qE "$lib" <<<"$frame" || return 1
  # A buffer overrun into memory betadose allocated (a wrong size passed to the library) is ours.
  if grep -q "allocated by thread" <<<"$trace"; then
    frame=$(sed -n '/allocated by thread/,$p' <<<"$trace" | innermost_frame)
    grep -qE "$lib" <<<"$frame" || return 1
  fi
  return 0
}
# Sorts the crash artifacts of harness $1 newer than $2; sets contained, unreproduced, other
# (and oom/timeout/crash counts of the findings).
sort_crashes() {
  local h=$1 marker=$2 a rc
  contained=0 unreproduced=0 other=0 crashes=0 ooms=0 timeouts=0
  while IFS= read -r a; do
    rc=0
    sort_crash "$build/tests/fuzz/$h" "$a" || rc=$?
    case $rc in
      0) contained=$((contained + 1)) ;;
      2) unreproduced=$((unreproduced + 1)) ;;
      *) other=$((other + 1))
         echo "[fuzz] $h: $a is a finding (not a contained library crash)" >&2
         case "$a" in *-oom-*) ooms=$((ooms + 1)) ;; *-timeout-*) timeouts=$((timeouts + 1)) ;; *) crashes=$((crashes + 1)) ;; esac ;;
    esac
  done < <(find "$build/artifacts" -maxdepth 1 \( -name "$h-crash-*" -o -name "$h-oom-*" -o -name "$h-timeout-*" \) -newer "$marker")
}

# --sort HARNESS: sort again the crashes of the last run of a contained harness (after a change
# to the sort itself), without fuzzing.
if ((sort_only)); then
  for h in "${harnesses[@]}"; do
    sort_crashes "$h" "$build/artifacts/.start-$h"
    echo "[fuzz] $h: $contained library crashes contained, $unreproduced not reproduced (refused by the product), $other findings"
    ((other == 0)) || exit 1
  done
  exit 0
fi

failed=0
for h in "${harnesses[@]}"; do
  exe="$build/tests/fuzz/$h"
  [[ -x "$exe" ]] || { echo "[fuzz] no harness $h" >&2; exit 2; }
  corpus="$build/corpus/$h"
  mkdir -p "$corpus"
  cp -n "$here/tests/fuzz/corpus/$h/"* "$corpus/" 2>/dev/null || true
  log="$build/artifacts/$h.log"
  marker="$build/artifacts/.start-$h"
  touch "$marker"
  product_reader=()
  if ((smoke)); then
    limits=(-runs=300)
    # The product's reader rehearses the read in a forked child, where libFuzzer's allocation
    # limit would record the library's large allocations as the harness's; the child's outcome
    # reaches the harness as InputError. The child gives up after 5 s (BETADOSE_READ_TIME_LIMIT_S,
    # tests/fuzz/fuzz_support.hh); a read the library finishes slowly in the child (libhdf5's
    # cache allocations under ASan: 3-5 s on some crafted files) runs once more in the parent,
    # so the harness's timeout allows both.
    is_contained "$h" && product_reader=(env BETADOSE_FUZZ_PRODUCT_READER=1) &&
      limits+=(-rss_limit_mb=0 -malloc_limit_mb=0 -timeout=60)
  else
    limits=(-max_total_time="$seconds")
    ((runs_cap > 0)) && limits+=(-runs="$runs_cap")
    is_contained "$h" && limits+=(-fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1)
  fi
  start=$(date +%s)
  set +e
  # Later flags win in libFuzzer: the harness's own limits follow the defaults.
  "${product_reader[@]}" "$exe" -timeout=20 -rss_limit_mb=2048 -malloc_limit_mb=1024 -max_len=65536 "${limits[@]}" \
    -print_final_stats=1 -artifact_prefix="$build/artifacts/$h-" "$corpus" >"$log" 2>&1
  rc=$?
  set -e
  took=$(($(date +%s) - start))
  runs=$(grep -ao "stat::number_of_executed_units: [0-9]*" "$log" | tail -1 | awk '{print $2}' || true)
  # Fork mode prints "#<executions>: cov: ..." per job instead of final stats.
  [[ -n "$runs" ]] || runs=$(grep -aoE "^#[0-9]+:" "$log" | tail -1 | tr -d '#:' || true)
  runs=${runs:-0}
  count() { find "$build/artifacts" -maxdepth 1 -name "$h-$1-*" -newer "$marker" | wc -l; }
  crashes=$(count crash); leaks=$(count leak); ooms=$(count oom); timeouts=$(count timeout)
  contained=0 unreproduced=0
  if is_contained "$h" && ((!smoke)); then
    sort_crashes "$h" "$marker"
    rc=0  # fork mode exits non-zero after ignored crashes; the sort above decides
  fi
  rate=$((took > 0 ? runs / took : runs))
  files=$(ls "$corpus" | wc -l)
  echo "| $h | $took | $runs | $rate | $crashes | $leaks | $ooms | $timeouts | $contained | $unreproduced | $files |" >>"$report"
  if ((rc != 0 || crashes + leaks + ooms + timeouts > 0)); then
    failed=1
    echo "[fuzz] $h: FINDING (exit $rc); see $log and $build/artifacts/$h-*" >&2
    tail -30 "$log" >&2
  else
    echo "[fuzz] $h: $runs executions in $took s, no findings"
  fi
done
cat "$report"
exit $failed
