#!/usr/bin/env bash
# Scale-out figures of validation/BENCHMARKS.md (issue 15) on the bundled example
# (tools/make_example_phantom.py, 71x55x48 dose grid at 4.8 mm): MPI ranks K = 1, 2 (one
# thread each) against one process with 2 threads, the merge of 8 job-array parts, the cost of
# checkpoints, and the per-batch cost of reducing and accumulating a large grid (2 mm: 2.1e6
# voxels). Prints one line per measurement; also checks that every variant gives the same dose.
# Usage: tools/bench_scale_out.sh [build-dir] (HISTORIES, default 2000000)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$here/build}"
bd="$build/betadose"
n="${HISTORIES:-2000000}"
work="$(mktemp -d /tmp/bd-bench-scale.XXXXXX)"
trap 'rm -rf "$work"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mpirun=(mpirun --oversubscribe --bind-to none)
/usr/bin/python3 "$here/tools/make_example_phantom.py" "$work/ex" >/dev/null
ex="$work/ex"
case_args=(--ct "$ex/ct.mha" --activity "$ex/spect.mha" --activity-units counts --total-activity-gbq 2.0
           --activity-mask liver --mask liver="$ex/liver.mha" --seed 1)

now() { date +%s.%N; }
# Runs "$@", prints "<label>: wall W s, transport T s".
timed() {
  local label="$1"; shift
  local t0 t1 out
  t0=$(now)
  out=$("$@" 2>&1)
  t1=$(now)
  local transport
  transport=$(grep -o 'transport [0-9.e+]* s' <<<"$out" | head -1 | awk '{print $2}')
  printf '%-44s wall %7.2f s  transport %s s\n' "$label" "$(echo "$t1 - $t0" | bc -l)" "${transport:--}"
}
same() { /usr/bin/python3 - "$1" "$2" <<'EOF'
import sys, h5py, numpy as np
a, b = (h5py.File(p, "r") for p in sys.argv[1:3])
ok = all(np.array_equal(a[k][()].view(np.uint8), b[k][()].view(np.uint8)) for k in ("dose", "dose_rel_uncertainty"))
print("  same dose and uncertainty bits:", ok)
EOF
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
run=(--histories "$n" --batches 10)
timed "K=1, 1 thread" "$bd" mc "${case_args[@]}" "${run[@]}" --threads 1 --out "$work/k1.h5"
timed "K=1, 2 threads (OpenMP)" "$bd" mc "${case_args[@]}" "${run[@]}" --threads 2 --out "$work/t2.h5"
timed "K=2 MPI ranks, 1 thread each" "${mpirun[@]}" -n 2 "$bd" mc "${case_args[@]}" "${run[@]}" --threads 1 --out "$work/k2.h5"
same "$work/k1.h5" "$work/k2.h5"

# Checkpoints: after every batch (10) vs none; size of one.
timed "K=1, 2 threads, checkpoint every batch" "$bd" mc "${case_args[@]}" "${run[@]}" --threads 2 --out "$work/c.h5" \
  --checkpoint "$work/ck.h5" --checkpoint-every-s 0
same "$work/t2.h5" "$work/c.h5"

# 8 parts (sequentially, 2 threads each) and their merge.
t0=$(now)
for i in 0 1 2 3 4 5 6 7; do
  "$bd" mc "${case_args[@]}" "${run[@]}" --threads 2 --quiet --decay-range "$((i * n / 8)):$(((i + 1) * n / 8))" \
    --partial "$work/part$i.h5"
done
t1=$(now)
printf '%-44s wall %7.2f s (%s per part file)\n' "8 parts, one after the other" "$(echo "$t1 - $t0" | bc -l)" \
  "$(du -h "$work/part0.h5" | cut -f1)"
timed "merge of 8 parts" "$bd" merge "$work"/part*.h5 --out "$work/m.h5"
same "$work/t2.h5" "$work/m.h5"

# Per-batch cost on a 2 mm grid (160x120x110 = 2.1e6 voxels): 64 batches of 20 decays, so the
# time is the tally download/reduction, the accumulation and (with checkpoints) the writes.
big=(--voxel-mm 2 --histories 1280 --batches 64)
timed "2.1e6 voxels, 64 batches, K=1" "$bd" mc "${case_args[@]}" "${big[@]}" --threads 1 --out "$work/b1.h5"
timed "2.1e6 voxels, 64 batches, K=2" "${mpirun[@]}" -n 2 "$bd" mc "${case_args[@]}" "${big[@]}" --threads 1 --out "$work/b2.h5"
timed "2.1e6 voxels, 64 batches, K=1, 64 checkpoints" "$bd" mc "${case_args[@]}" "${big[@]}" --threads 1 \
  --out "$work/b3.h5" --checkpoint "$work/bck.h5" --checkpoint-every-s 0
# Checkpoints of a dense 2.1e6-voxel state: 8 batches of 5e4 decays, with and without.
dense=(--voxel-mm 2 --histories 400000 --batches 8)
timed "2.1e6 voxels, 8 x 5e4 decays, 2 threads" "$bd" mc "${case_args[@]}" "${dense[@]}" --threads 2 --out "$work/d1.h5"
timed "  same, checkpoint after every batch" "$bd" mc "${case_args[@]}" "${dense[@]}" --threads 2 --out "$work/d2.h5" \
  --checkpoint "$work/dck.h5" --checkpoint-every-s 0
same "$work/d1.h5" "$work/d2.h5"
"$bd" mc "${case_args[@]}" "${dense[@]}" --threads 2 --quiet --out "$work/b4.h5" --checkpoint "$work/bck2.h5" \
  --checkpoint-every-s 0 & pid=$!
while ! [ -f "$work/bck2.h5" ] && kill -0 $pid 2>/dev/null; do sleep 0.05; done
kill -TERM $pid 2>/dev/null || true
wait $pid || true
[ -f "$work/bck2.h5" ] && printf '%-44s %s\n' "checkpoint file of 2.1e6 voxels" "$(du -h "$work/bck2.h5" | cut -f1)"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
