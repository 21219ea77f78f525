#!/usr/bin/env bash
# What a lent GPU machine lacks for tools/device-check.sh's build (it reaches no package
# registry; its image has nvcc, CMake and a C++ compiler, but not Debian's Random123 headers or
# GoogleTest): copies both from this machine (tools/setup.sh installs them) into .device-deps/
# (ignored by git; about 4 MB). CMake takes them from there only where the system has none.
# Then, with the device tool: run tools/device-check.sh with carry [".device-deps"].
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
deps="$here/.device-deps"
for p in /usr/include/Random123/philox.h /usr/src/googletest/CMakeLists.txt; do
  [[ -f "$p" ]] || { echo "[device-bundle] $p not found: run tools/setup.sh first" >&2; exit 2; }
done
rm -rf "$deps.tmp"
mkdir -p "$deps.tmp/include"
cp -r /usr/include/Random123 "$deps.tmp/include/"
cp -r /usr/src/googletest "$deps.tmp/googletest"
rm -rf "$deps"
mv "$deps.tmp" "$deps"
echo "[device-bundle] $deps: $(du -sh "$deps" | cut -f1) (Random123 headers, GoogleTest sources)"
