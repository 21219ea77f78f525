#!/usr/bin/python3
"""Micro-DVH bands of a `betadose spheres` result file (HDF5) -> PNG.

Usage: /usr/bin/python3 tools/plot_spheres.py RESULT.h5 OUT.png
For each product: the median cumulative micro-DVH over the realisations and the band between
the lowest and highest realisation (the 5th-95th percentiles when there are 20 or more).
Called by `betadose spheres --png` with an argument vector (no shell).
"""
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def scalar(a):
    """An HDF5 attribute written as a 1-element array or a scalar."""
    return float(np.ravel(a)[0])


def main(path, out):
    with h5py.File(path, "r") as f:
        if f.attrs.get("filetype", b"") not in (b"betadose-spheres", "betadose-spheres"):
            sys.exit(f"{path}: not a betadose spheres file")
        dose = f["dvh_dose_gy"][()]
        mean_rx = scalar(f.attrs["mean_dose_gy"])
        model = f.attrs["model"]
        model = model.decode() if isinstance(model, bytes) else str(model)
        spacing = scalar(f.attrs["spacing_mm"]) * 1e3
        fig, ax = plt.subplots(figsize=(6.4, 4.2), dpi=110)
        top = 0.0
        for name in f["products"]:
            g = f["products"][name]
            v = g["dvh_volume_fraction"][()]
            n = v.shape[0]
            lo, hi = (np.percentile(v, 5, axis=0), np.percentile(v, 95, axis=0)) if n >= 20 else (v.min(0), v.max(0))
            med = np.median(v, axis=0)
            spm = float(np.mean(g["spheres_per_ml"][()]))
            md = float(np.mean(g["mean_dose_gy"][()]))
            line, = ax.plot(dose, 100 * med, lw=1.6,
                            label=f"{name}: {spm:,.0f} spheres/mL, {scalar(g.attrs['activity_per_sphere_bq']):.0f} Bq, mean {md:.0f} Gy")
            ax.fill_between(dose, 100 * lo, 100 * hi, color=line.get_color(), alpha=0.25, lw=0)
            above = np.nonzero(med > 0.01)[0]
            if len(above):
                top = max(top, dose[above[-1]])
        ref = mean_rx if mean_rx > 0 else top / 3
        ax.set_xlim(0, min(top, 3 * ref) if top > 0 else dose[-1])
        ax.set_ylim(0, 101)
        ax.set_xlabel("absorbed dose [Gy]")
        ax.set_ylabel("tissue volume receiving at least the dose [%]")
        band = "5-95 %" if n >= 20 else "min-max"
        ax.set_title(f"micro-DVH, {model}, {spacing:.0f} µm voxels, {n} realisations (band {band})", fontsize=9)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7.5, loc="upper right")
        fig.tight_layout()
        fig.savefig(out, format="png")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
