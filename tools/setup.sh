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
          libfftw3-dev libxrl-dev libdcmtk-dev zlib1g-dev
          clang libclang-rt-dev libomp-dev ccache
          python3 python3-numpy python3-h5py python3-matplotlib python3-pydicom)
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

jobs=$(nproc 2>/dev/null || echo 2)
cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Release -DBETADOSE_CUDA="${BETADOSE_CUDA:-OFF}" >/dev/null
cmake --build "$build" -j "$jobs"
