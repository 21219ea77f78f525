#!/usr/bin/python3
"""Picture of a betadose dose file: axial and coronal slices of CT, activity and dose, and the
cumulative DVH of every ROI stored in the file.

usage: tools/plot_dose.py dose.h5 [--ct ct.mha] [--out dose.png]

Needs only numpy, h5py and matplotlib (Debian's python3). The CT (MetaImage .mha/.mhd, as the
bundled example writes) is optional; without it the density map of the dose file is shown.
Slices pass through the voxel of maximum dose, drawn in physical LPS coordinates [mm]; the CT
and dose grids may differ. Any grid whose axes are permuted or flipped (a direction matrix of
0 and +-1, e.g. diag(1, 1, -1) of a SPECT whose z runs backwards) is drawn exactly; an oblique
grid is drawn in its nearest axis-aligned orientation (the script says by how many degrees).
"""
import argparse
import os

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def to_physical_axes(arr, spacing, origin, direction, what):
    """The array, spacing and origin with numpy axes (z, y, x) along the physical axes, increasing.

    `direction` is the ITK direction matrix (row-major: direction[3*r + c] is the physical
    component r of index axis c). Each index axis goes to the physical axis it is closest to.
    """
    d = np.asarray(direction, dtype=float).reshape(3, 3)
    phys_of = [int(np.argmax(np.abs(d[:, c]))) for c in range(3)]
    if sorted(phys_of) != [0, 1, 2]:
        raise SystemExit(f"{what}: direction {d.tolist()} maps two axes onto one physical axis")
    cos = [abs(d[phys_of[c], c]) / np.linalg.norm(d[:, c]) for c in range(3)]
    tilt = float(np.degrees(np.arccos(np.clip(min(cos), -1.0, 1.0))))
    if tilt > 0.01:
        print(f"{what}: oblique by {tilt:.2f} degrees, drawn in the nearest axis-aligned orientation")
    index_of = [phys_of.index(r) for r in range(3)]  # index axis along physical axis r
    # numpy axis of index axis c is 2 - c; new numpy axis 2 - r takes index axis index_of[r].
    out = np.transpose(arr, [2 - index_of[2 - k] for k in range(3)])
    n = arr.shape[::-1]  # (nx, ny, nz)
    corner = np.zeros(3)
    for r in range(3):
        c = index_of[r]
        if d[r, c] < 0:
            out = np.flip(out, axis=2 - r)
            corner[c] = n[c] - 1
    new_origin = np.asarray(origin, dtype=float) + d @ (np.asarray(spacing, dtype=float) * corner)
    new_spacing = np.array([spacing[index_of[r]] for r in range(3)], dtype=float)
    return np.ascontiguousarray(out), new_spacing, new_origin


def read_metaimage(path):
    """(array[z][y][x], spacing[3], origin[3]) of a MetaImage, along the physical axes."""
    with open(path, "rb") as f:
        raw = f.read()
    header, pos = {}, 0
    while True:
        end = raw.index(b"\n", pos)
        line = raw[pos:end].decode("ascii").strip()
        pos = end + 1
        key, _, value = line.partition("=")
        header[key.strip()] = value.strip()
        if key.strip() == "ElementDataFile":
            break
    dims = [int(v) for v in header["DimSize"].split()]
    types = {"MET_SHORT": "<i2", "MET_USHORT": "<u2", "MET_FLOAT": "<f4", "MET_UCHAR": "u1",
             "MET_INT": "<i4", "MET_DOUBLE": "<f8"}
    dtype = np.dtype(types[header["ElementType"]])
    if header["ElementDataFile"] == "LOCAL":
        data = raw[pos:]
    else:
        with open(os.path.join(os.path.dirname(path), header["ElementDataFile"]), "rb") as f:
            data = f.read()
    arr = np.frombuffer(data, dtype=dtype, count=int(np.prod(dims))).reshape(dims[::-1])
    spacing = [float(v) for v in header["ElementSpacing"].split()]
    origin = [float(v) for v in header.get("Offset", header.get("Origin", "0 0 0")).split()]
    # MetaIO's TransformMatrix lists the direction of index axis 0, then 1, then 2.
    t = np.array([float(v) for v in header.get("TransformMatrix", "1 0 0 0 1 0 0 0 1").split()]).reshape(3, 3)
    return to_physical_axes(arr.astype(np.float32), spacing, origin, t.T.ravel(), path)


def extent(spacing, origin, shape_zyx, plane):
    """imshow extent [left, right, bottom, top] in mm for an axial (x-y) or coronal (x-z) slice."""
    lo = origin - spacing / 2
    hi = origin + spacing * (np.array(shape_zyx[::-1]) - 0.5)
    if plane == "axial":
        return [lo[0], hi[0], hi[1], lo[1]]  # y grows downwards (posterior at the bottom)
    return [lo[0], hi[0], lo[2], hi[2]]      # z up


def slice_at(arr, spacing, origin, plane, point):
    idx = np.clip(np.round((point - origin) / spacing).astype(int), 0, np.array(arr.shape[::-1]) - 1)
    return arr[idx[2], :, :] if plane == "axial" else arr[:, idx[1], :]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dose_file")
    ap.add_argument("--ct", help="CT image (.mha/.mhd) to show under the dose")
    ap.add_argument("--out", default=None, help="PNG path (default: dose file with .png)")
    args = ap.parse_args()
    out = args.out or os.path.splitext(args.dose_file)[0] + ".png"

    with h5py.File(args.dose_file, "r") as f:
        dose = f["dose"][...]
        unc = f["dose_rel_uncertainty"][...]
        activity = f["activity_bq"][...] if "activity_bq" in f else None
        density = f["density_g_cm3"][...] if "density_g_cm3" in f else None
        rois = {k: f["roi"][k][...].astype(bool) for k in f["roi"]} if "roi" in f else {}
        spacing = np.array(f.attrs["spacing_mm"], dtype=float)
        origin = np.array(f.attrs["origin_mm"], dtype=float)
        direction = np.array(f.attrs["direction"], dtype=float)
        total_gbq = float(f.attrs["total_activity_bq"]) * 1e-9
        histories = int(f.attrs["histories"])
    grid_spacing, grid_origin = spacing, origin
    dose_raw = dose  # index order of the file: what the ROI masks use
    dose, spacing, origin = to_physical_axes(dose, grid_spacing, grid_origin, direction, args.dose_file)
    if activity is not None:
        activity = to_physical_axes(activity, grid_spacing, grid_origin, direction, args.dose_file)[0]
    if density is not None:
        density = to_physical_axes(density, grid_spacing, grid_origin, direction, args.dose_file)[0]

    kmax = np.unravel_index(np.argmax(dose), dose.shape)
    hot = origin + spacing * np.array(kmax[::-1])
    if args.ct:
        ct, ct_sp, ct_org = read_metaimage(args.ct)
        under, under_sp, under_org, under_label, cmap_u, vr = ct, ct_sp, ct_org, "CT [HU]", "gray", (-400, 400)
    else:
        under, under_sp, under_org, under_label, cmap_u, vr = density, spacing, origin, "density [g/cm3]", "gray", (0, 2)

    fig = plt.figure(figsize=(16, 8.5), constrained_layout=True)
    gs = fig.add_gridspec(2, 4, width_ratios=[1, 1, 1, 1.15])
    dmax = float(np.percentile(dose[dose > 0], 99.9)) if np.any(dose > 0) else 1.0
    for r, plane in enumerate(("axial", "coronal")):
        panels = [fig.add_subplot(gs[r, c]) for c in range(3)]
        ax = panels[0]
        im = ax.imshow(slice_at(under, under_sp, under_org, plane, hot), cmap=cmap_u, vmin=vr[0], vmax=vr[1],
                       extent=extent(under_sp, under_org, under.shape, plane), origin="upper" if plane == "axial" else "lower")
        ax.set_title(f"{under_label}, {plane}")
        fig.colorbar(im, ax=ax, shrink=0.8)
        ax = panels[1]
        if activity is not None:
            a = slice_at(activity, spacing, origin, plane, hot) / (np.prod(spacing) * 1e-3) * 1e-6  # MBq/ml
            im = ax.imshow(a, cmap="inferno", extent=extent(spacing, origin, dose.shape, plane),
                           origin="upper" if plane == "axial" else "lower")
            fig.colorbar(im, ax=ax, shrink=0.8, label="MBq/ml")
        ax.set_title(f"activity, {plane}")
        ax = panels[2]
        ax.imshow(slice_at(under, under_sp, under_org, plane, hot), cmap="gray", vmin=vr[0], vmax=vr[1],
                  extent=extent(under_sp, under_org, under.shape, plane), origin="upper" if plane == "axial" else "lower")
        d = np.ma.masked_less(slice_at(dose, spacing, origin, plane, hot), 0.02 * dmax)
        im = ax.imshow(d, cmap="jet", alpha=0.6, vmin=0, vmax=dmax, extent=extent(spacing, origin, dose.shape, plane),
                       origin="upper" if plane == "axial" else "lower")
        fig.colorbar(im, ax=ax, shrink=0.8, label="Gy")
        ax.set_title(f"dose, {plane}")
        for ax in panels:
            ax.set_xlabel("x [mm]")
            ax.set_ylabel("y [mm]" if plane == "axial" else "z [mm]")

    ax = fig.add_subplot(gs[:, 3])
    for name, mask in sorted(rois.items()):
        dd = np.sort(dose_raw[mask])[::-1]
        if dd.size == 0:
            continue
        frac = (np.arange(dd.size) + 0.5) / dd.size
        u = unc[mask]
        mean_u = np.mean(u[dose_raw[mask] > 0]) if np.any(dose_raw[mask] > 0) else float("nan")
        ax.plot(dd, 100 * frac, label=f"{name}: mean {dd.mean():.1f} Gy (unc {100 * mean_u:.1f} %)")
    ax.set_xlabel("dose [Gy]")
    ax.set_ylabel("volume receiving at least this dose [%]")
    ax.set_title("cumulative DVH (volume-weighted)")
    ax.grid(alpha=0.3)
    if rois:
        ax.legend(fontsize=8)
    fig.suptitle(f"{os.path.basename(args.dose_file)}: {total_gbq:.2f} GBq, {histories:.3g} decays, "
                 f"slices through the dose maximum at ({hot[0]:.0f}, {hot[1]:.0f}, {hot[2]:.0f}) mm")
    tmp = out + ".tmp.png"
    fig.savefig(tmp, dpi=90)
    os.replace(tmp, out)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
