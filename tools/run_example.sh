#!/usr/bin/env bash
# Main job on the bundled example: set up and build, then run.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$here/tools/setup.sh" "$here/build"
"$here/build/betadose" info
