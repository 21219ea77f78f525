#!/usr/bin/python3
"""Synthetic patient-like 90Y radioembolization case for the README's main job.

Writes into OUTDIR (default build/example), as MetaImage (.mha, header + data in one file,
readable by ITK, 3D Slicer and betadose):
  ct.mha          CT in HU (int16), 2.5 mm voxels: body (soft tissue ~40 HU with a fat
                  layer), liver (60 HU) with two hypodense tumours, lungs (-800 HU), spine (700 HU)
  spect.mha       SPECT-like activity map in counts (float32), 4.8 mm voxels on a different
                  grid (other origin and extent, same frame of reference): liver background,
                  tumours at T/N = 4, blurred by a 12 mm FWHM Gaussian (collimator/scatter
                  resolution of 90Y bremsstrahlung SPECT is worse; this is a friendly case),
                  Poisson noise at ~2e6 total counts
  liver.mha, tumours.mha, normal_liver.mha, lungs.mha   uint8 masks on the CT grid

Coordinates follow the ITK/DICOM LPS convention: +x towards the patient's left, +y posterior,
+z superior; the liver is on the patient's right (x < 0). Only numpy is needed.
"""
import argparse
import os

import numpy as np


def write_mha(path, array_zyx, spacing, origin, element_type):
    """MetaImage with the data in the same file (ElementDataFile = LOCAL)."""
    nz, ny, nx = array_zyx.shape
    header = (
        "ObjectType = Image\nNDims = 3\nBinaryData = True\nBinaryDataByteOrderMSB = False\n"
        "CompressedData = False\nTransformMatrix = 1 0 0 0 1 0 0 0 1\n"
        f"Offset = {origin[0]:.6f} {origin[1]:.6f} {origin[2]:.6f}\n"
        "CenterOfRotation = 0 0 0\nAnatomicalOrientation = RAI\n"
        f"ElementSpacing = {spacing[0]:.6f} {spacing[1]:.6f} {spacing[2]:.6f}\n"
        f"DimSize = {nx} {ny} {nz}\nElementType = {element_type}\nElementDataFile = LOCAL\n"
    )
    dtype = {"MET_SHORT": "<i2", "MET_FLOAT": "<f4", "MET_UCHAR": "u1"}[element_type]
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(header.encode("ascii"))
        f.write(np.ascontiguousarray(array_zyx, dtype=dtype).tobytes())
    os.replace(tmp, path)


def centres(n, spacing, origin):
    return origin + spacing * np.arange(n)


def ellipsoid(x, y, z, c, r):
    return ((x - c[0]) / r[0]) ** 2 + ((y - c[1]) / r[1]) ** 2 + ((z - c[2]) / r[2]) ** 2 <= 1.0


# Geometry of the synthetic patient [mm].
BODY_AXES = (150.0, 110.0)       # elliptic cylinder semi-axes (x, y)
FAT_MM = 12.0                    # subcutaneous fat layer
LIVER_C, LIVER_R = (-55.0, 5.0, -10.0), (85.0, 70.0, 62.0)
TUMOURS = [((-75.0, 15.0, 0.0), 16.0), ((-30.0, -20.0, -35.0), 11.0)]
LUNG_C = [(-70.0, 10.0, 90.0), (70.0, 10.0, 80.0)]
LUNG_R = (52.0, 62.0, 55.0)
SPINE_C, SPINE_R = (0.0, 85.0), 16.0


def tissues(x, y, z):
    """Boolean maps of each structure at points (x, y, z) (broadcastable arrays)."""
    body = (x / BODY_AXES[0]) ** 2 + (y / BODY_AXES[1]) ** 2 <= 1.0
    inner = (x / (BODY_AXES[0] - FAT_MM)) ** 2 + (y / (BODY_AXES[1] - FAT_MM)) ** 2 <= 1.0
    lungs = (ellipsoid(x, y, z, LUNG_C[0], LUNG_R) | ellipsoid(x, y, z, LUNG_C[1], LUNG_R)) & inner
    liver = ellipsoid(x, y, z, LIVER_C, LIVER_R) & inner & ~lungs
    tumours = np.zeros(np.broadcast(x, y, z).shape, dtype=bool)
    for c, r in TUMOURS:
        tumours |= ellipsoid(x, y, z, c, (r, r, r))
    tumours &= liver
    spine = ((x - SPINE_C[0]) ** 2 + (y - SPINE_C[1]) ** 2 <= SPINE_R ** 2) & np.ones_like(z, dtype=bool)
    return body, inner, lungs, liver, tumours, spine


def gaussian_blur(a, sigma_vox):
    """Periodic FFT Gaussian blur (the map has an empty border, so wrap-around is harmless)."""
    k = [np.fft.fftfreq(n) for n in a.shape]
    kz, ky, kx = np.meshgrid(*k, indexing="ij")
    h = np.exp(-2.0 * np.pi ** 2 * ((sigma_vox[0] * kz) ** 2 + (sigma_vox[1] * ky) ** 2 + (sigma_vox[2] * kx) ** 2))
    return np.real(np.fft.ifftn(np.fft.fftn(a) * h))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("outdir", nargs="?", default="build/example")
    ap.add_argument("--ct-mm", type=float, default=2.5)
    ap.add_argument("--spect-mm", type=float, default=4.8)
    ap.add_argument("--seed", type=int, default=20)
    args = ap.parse_args()
    os.makedirs(args.outdir, exist_ok=True)
    rng = np.random.default_rng(args.seed)

    # ---- CT: 320 x 240 x 220 mm field of view --------------------------------------------------
    s = args.ct_mm
    n_ct = (int(round(320 / s)), int(round(240 / s)), int(round(220 / s)))  # nx, ny, nz
    o_ct = np.array([-(n_ct[0] - 1) * s / 2, -(n_ct[1] - 1) * s / 2, -(n_ct[2] - 1) * s / 2])
    x = centres(n_ct[0], s, o_ct[0])[None, None, :]
    y = centres(n_ct[1], s, o_ct[1])[None, :, None]
    z = centres(n_ct[2], s, o_ct[2])[:, None, None]
    body, inner, lungs, liver, tumours, spine = tissues(x, y, z)
    shape = (n_ct[2], n_ct[1], n_ct[0])
    ct = np.full(shape, -1000.0)
    ct[np.broadcast_to(body, shape)] = -90.0        # fat
    ct[np.broadcast_to(inner, shape)] = 40.0        # soft tissue
    ct[lungs] = -800.0
    ct[liver] = 60.0
    ct[tumours] = 45.0
    ct[np.broadcast_to(spine & inner, shape)] = 700.0
    ct += rng.normal(0.0, 12.0, shape) * np.broadcast_to(body, shape)  # CT noise inside the body
    write_mha(os.path.join(args.outdir, "ct.mha"), np.round(ct), (s, s, s), o_ct, "MET_SHORT")
    for name, m in (("liver", liver), ("tumours", tumours), ("normal_liver", liver & ~tumours), ("lungs", lungs)):
        write_mha(os.path.join(args.outdir, f"{name}.mha"), m.astype(np.uint8), (s, s, s), o_ct, "MET_UCHAR")

    # ---- SPECT-like counts on a coarser, shifted grid -------------------------------------------
    S = args.spect_mm
    n_sp = (int(np.ceil(340 / S)), int(np.ceil(260 / S)), int(np.ceil(230 / S)))
    o_sp = np.array([-170.0 + S / 2 + 1.3, -130.0 + S / 2 - 0.7, -115.0 + S / 2 + 2.1])
    sub = 4  # activity concentration sampled on a 4^3 sub-grid per SPECT voxel
    fs = S / sub
    xf = centres(n_sp[0] * sub, fs, o_sp[0] - S / 2 + fs / 2)[None, None, :]
    yf = centres(n_sp[1] * sub, fs, o_sp[1] - S / 2 + fs / 2)[None, :, None]
    zf = centres(n_sp[2] * sub, fs, o_sp[2] - S / 2 + fs / 2)[:, None, None]
    _, _, _, liver_f, tumour_f, _ = tissues(xf, yf, zf)
    conc = liver_f.astype(np.float64) + 3.0 * tumour_f  # tumour 4, normal liver 1: T/N = 4
    nz, ny, nx = n_sp[2], n_sp[1], n_sp[0]
    act = conc.reshape(nz, sub, ny, sub, nx, sub).sum(axis=(1, 3, 5))
    fwhm_mm = 12.0
    sigma = fwhm_mm / 2.3548 / S
    act = np.clip(gaussian_blur(act, (sigma, sigma, sigma)), 0.0, None)
    total_counts = 2.0e6
    counts = rng.poisson(act * total_counts / act.sum()).astype(np.float32)
    write_mha(os.path.join(args.outdir, "spect.mha"), counts, (S, S, S), o_sp, "MET_FLOAT")

    vox_ml = s ** 3 * 1e-3
    print(f"wrote {args.outdir}: CT {n_ct[0]}x{n_ct[1]}x{n_ct[2]} at {s} mm, SPECT "
          f"{n_sp[0]}x{n_sp[1]}x{n_sp[2]} at {S} mm; liver {liver.sum() * vox_ml:.0f} ml, "
          f"tumours {tumours.sum() * vox_ml:.0f} ml, lungs {lungs.sum() * vox_ml:.0f} ml")


if __name__ == "__main__":
    main()
