#!/usr/bin/python3
"""DVH overlay of two dose files, from the CSV written by `betadose compare --dvh-csv`.

Usage: plot_dvh_compare.py DVH.csv OUT.png LABEL_A LABEL_B
The CSV has a dose_Gy column and <roi>_A_volume_fraction / <roi>_B_volume_fraction columns
(cumulative DVH, see include/betadose/dose_metrics.hh). A is drawn solid, B dashed, one colour
per ROI.
"""
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    csv, out, label_a, label_b = sys.argv[1:]
    with open(csv) as f:
        lines = [l for l in f if not l.startswith("#")]
    header = lines[0].strip().split(",")
    data = np.array([[float(x) for x in l.strip().split(",")] for l in lines[1:]])
    dose = data[:, 0]
    rois = []
    for name in header[1:]:
        base = name.rsplit("_", 2)[0]  # "<roi>_A_volume_fraction" -> "<roi>_A"
        roi = base[:-2]
        if roi not in rois:
            rois.append(roi)
    fig, ax = plt.subplots(figsize=(7, 4.5))
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for i, roi in enumerate(rois):
        c = colours[i % len(colours)]
        for tag, style, lab in (("A", "-", label_a), ("B", "--", label_b)):
            col = [k for k, n in enumerate(header) if n.startswith(roi + "_" + tag + "_")]
            if col:
                ax.plot(dose, 100 * data[:, col[0]], style, color=c, label=f"{roi} ({lab})")
    ax.set_xlabel("dose [Gy]")
    ax.set_ylabel("volume [%]")
    ax.set_ylim(0, 101)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(out, dpi=120)


if __name__ == "__main__":
    main()
