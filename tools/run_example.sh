#!/usr/bin/env bash
# Main job on the bundled example: set up and build, then run.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$here/tools/setup.sh" "$here/build"
# Synthetic patient (CT in HU + SPECT-like counts + masks), 2 GBq 90Y with a 5 % lung shunt,
# Monte Carlo dose on the SPECT grid, then a picture (slices + DVH). Under a minute on 2 cores.
ex="$here/build/example"
/usr/bin/python3 "$here/tools/make_example_phantom.py" "$ex"
"$here/build/betadose" mc --ct "$ex/ct.mha" --activity "$ex/spect.mha" --activity-units counts \
  --total-activity-gbq 2.0 --activity-mask liver --lung-shunt 0.05 --lung-mask lungs \
  --mask liver="$ex/liver.mha" --mask tumours="$ex/tumours.mha" \
  --mask normal_liver="$ex/normal_liver.mha" --mask lungs="$ex/lungs.mha" \
  --histories "${BETADOSE_EXAMPLE_HISTORIES:-10000000}" --seed 1 \
  --out "$ex/dose.h5" --export "$ex/dose.nii.gz"
/usr/bin/python3 "$here/tools/plot_dose.py" "$ex/dose.h5" --ct "$ex/ct.mha" --out "$ex/dose.png"
# The physicist's report (tables, EANM 2022 flags for glass microspheres in HCC, slices, DVHs,
# 3-D viewer, TG-268 record) and the RT Dose for a planning system.
"$here/build/betadose" report "$ex/dose.h5" --ct "$ex/ct.mha" --device-type glass --indication HCC \
  --roi-lq normal_liver=2.5,2.5 --out "$ex/report.html"
"$here/build/betadose" export "$ex/dose.h5" --rtdose "$ex/dose.dcm"
