#!/bin/bash
# Times `betadose kernel` (ldm, dpk, vsv with density correction) on a 256x256x128 grid of
# 2.4 mm voxels (a tabulated Lanconelli size, so all three methods run on the same grid):
# body of soft tissue (40 HU), liver ellipsoid (60 HU) with uniform activity, lungs (-800 HU).
# Usage: tools/bench_kernel_methods.sh BUILD_DIR   (prints one line per method: wall time)
set -euo pipefail
build=${1:?usage: bench_kernel_methods.sh BUILD_DIR}
dir="$build/bench_kernel"
mkdir -p "$dir"
/usr/bin/python3 - "$dir" <<'PY'
import sys
import numpy as np
out = sys.argv[1]
nx, ny, nz, s = 256, 256, 128, 2.4
def write_mha(path, a, etype):
    hdr = ("ObjectType = Image\nNDims = 3\nBinaryData = True\nBinaryDataByteOrderMSB = False\n"
           "CompressedData = False\nTransformMatrix = 1 0 0 0 1 0 0 0 1\nOffset = 0 0 0\n"
           "CenterOfRotation = 0 0 0\nAnatomicalOrientation = RAI\n"
           f"ElementSpacing = {s} {s} {s}\nDimSize = {nx} {ny} {nz}\nElementType = {etype}\n"
           "ElementDataFile = LOCAL\n")
    with open(path, "wb") as f:
        f.write(hdr.encode())
        f.write(np.ascontiguousarray(a).tobytes())
z, y, x = np.meshgrid(np.arange(nz) * s, np.arange(ny) * s, np.arange(nx) * s, indexing="ij")
cx, cy, cz = nx * s / 2, ny * s / 2, nz * s / 2
ct = np.full((nz, ny, nx), -1000, np.int16)
body = ((x - cx) / 280) ** 2 + ((y - cy) / 200) ** 2 <= 1
ct[body] = 40
lungs = body & (z > cz + 20) & ((np.abs(x - cx) - 80) ** 2 / 70 ** 2 + (y - cy) ** 2 / 110 ** 2 <= 1)
ct[lungs] = -800
liver = ((x - cx + 80) / 110) ** 2 + ((y - cy) / 100) ** 2 + ((z - cz + 30) / 70) ** 2 <= 1
liver &= z <= cz + 20
ct[liver] = 60
act = np.where(liver, 1.0, 0.0).astype(np.float32)
write_mha(out + "/ct.mha", ct, "MET_SHORT")
write_mha(out + "/activity.mha", act, "MET_FLOAT")
PY
for m in ldm dpk vsv; do
  extra=""
  [ "$m" != ldm ] && extra="--density-correction density"
  start=$(date +%s.%N)
  "$build/betadose" kernel --method "$m" $extra --ct "$dir/ct.mha" --activity "$dir/activity.mha" \
    --activity-units counts --total-activity-gbq 2 --out "$dir/$m.h5" > "$dir/$m.log" 2>&1
  end=$(date +%s.%N)
  method_s=$(grep -o "(method [0-9.e+-]*" "$dir/$m.log" | awk "{print \$2}")
  printf '%s: %.2f s total (reading CT/activity, HU calibration, method %s s, HDF5 write)\n' \
    "$m" "$(echo "$end - $start" | bc)" "$method_s"
done
