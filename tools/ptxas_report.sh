#!/usr/bin/env bash
# Static resource usage of the CUDA kernels (registers, spills, stack, shared memory per
# kernel and architecture), as ptxas reports it (--resource-usage, CMakeLists.txt): recompiles
# the betadose_cuda objects (a ccache hit replays the report when nothing changed), writes
# <build>/ptxas_report.txt and prints a short table. Usage: tools/ptxas_report.sh [build-cuda]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$here/build-cuda}"
export PATH="/usr/local/cuda/bin:$PATH"
[[ -f "$build/CMakeCache.txt" ]] || { echo "ptxas_report: $build is not a configured build folder" >&2; exit 2; }
rm -f "$build"/CMakeFiles/betadose_cuda.dir/kernels/*.cu.o
log="$build/ptxas_build.log"
cmake --build "$build" --target betadose_cuda -- -j1 >"$log" 2>&1 || { tail -30 "$log"; exit 1; }
grep -E "^ptxas info +: (Compiling entry function|Function properties for|Used)|bytes stack frame" "$log" \
  >"$build/ptxas_report.txt" || true
[[ -s "$build/ptxas_report.txt" ]] || { echo "ptxas_report: no ptxas lines in $log" >&2; exit 1; }
# One row per kernel entry and architecture.
/usr/bin/python3 - "$build/ptxas_report.txt" <<'PY'
import re, sys
rows, name, arch, stack, spills = [], None, "", "?", "?"
for line in open(sys.argv[1]):
    m = re.search(r"Compiling entry function '([^']+)' for '([^']+)'", line)
    if m:
        name, arch = m.group(1), m.group(2)
        continue
    m = re.search(r"(\d+) bytes stack frame, (\d+) bytes spill stores, (\d+) bytes spill loads", line)
    if m:
        stack, spills = m.group(1), m.group(2) + "/" + m.group(3)
        continue
    m = re.search(r"Used (\d+) registers", line)
    if m and name:
        # Itanium-mangled names: <length><identifier>; keep the types after the kernel's name.
        ids, k = [], 0
        while k < len(name):
            m2 = re.match(r"(\d+)", name[k:])
            if m2:
                n = int(m2.group(1)); k += len(m2.group(1)); ids.append(name[k:k + n]); k += n
            else:
                k += 1
        types = [t for t in ids if t not in ("bd", "history_kernel", "reduced_history_kernel", "PrimaryEnergy")]
        short = "<" + ",".join(types) + ">"
        rows.append((short, arch, m.group(1), stack, spills))
        name = None
print("[ptxas] kernel (functor types) | arch | registers | stack bytes | spill stores/loads bytes")
for r in rows:
    print("[ptxas] " + " | ".join(r))
PY
echo "[ptxas] full report: $build/ptxas_report.txt"
