#!/usr/bin/env bash
# Installs the Debian packages betadose needs (when missing), then configures and builds.
# Usage: tools/setup.sh [build-dir]   (default: build; BETADOSE_CUDA=AUTO|ON|OFF passes through)
# Works on a fresh Debian 12 machine as root; CUDA 13, when preinstalled in /usr/local/cuda,
# is found even if nvcc is not on PATH.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$here/build}"

packages=(build-essential cmake pkg-config
          libhdf5-dev libinsighttoolkit5-dev libcli11-dev libgtest-dev librandom123-dev
          libfftw3-dev libxrl-dev libdcmtk-dev libpng-dev zlib1g-dev libnifti2-dev
          libssl-dev libopenmpi-dev openmpi-bin
          nlohmann-json3-dev
          clang libclang-rt-dev libomp-dev ccache
          python3 python3-numpy python3-h5py python3-matplotlib python3-pil
          python3-pydicom dicom3tools libgdcm-tools chromium
          linux-perf)  # perf stat/record: profiling betadose_bench (validation/BENCHMARKS.md)
# npm fetches the report's 3-D viewer (below); Debian's nodejs/npm only when none is installed
# (a machine's own Node.js, e.g. NodeSource's, ships npm and conflicts with Debian's).
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "[setup] installing: ${missing[*]}"
  if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The 3-D viewer embedded in `betadose report` pages: NiiVue's prebuilt UMD bundle, version and
# sha512 pinned in tools/viewer/package-lock.json (npm ci verifies the tarball), the file's
# sha256 in tools/viewer/niivue.umd.js.sha256; installed into <build>/viewer (not the source tree).
viewer="$build/viewer"
mkdir -p "$viewer"
if ! cmp -s "$here/tools/viewer/package-lock.json" "$viewer/package-lock.json" ||
   ! (cd "$viewer" && sha256sum --status -c "$here/tools/viewer/niivue.umd.js.sha256" 2>/dev/null); then
  echo "[setup] fetching the report viewer (npm ci, @niivue/niivue pinned)"
  cp "$here/tools/viewer/package.json" "$here/tools/viewer/package-lock.json" "$viewer/"
  (cd "$viewer" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
  (cd "$viewer" && sha256sum -c "$here/tools/viewer/niivue.umd.js.sha256" >/dev/null) || {
    echo "[setup] error: $viewer/node_modules/@niivue/niivue/dist/niivue.umd.js does not match tools/viewer/niivue.umd.js.sha256" >&2
    exit 1
  }
fi

jobs=$(nproc 2>/dev/null || echo 2)
cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Release -DBETADOSE_CUDA="${BETADOSE_CUDA:-OFF}" >/dev/null
cmake --build "$build" -j "$jobs"
