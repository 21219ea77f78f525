#!/usr/bin/python3
"""Copies a betadose dose file and breaks one thing in the copy (for the bad-input catalogue,
tests/host/bad_input_catalogue_test.cpp): betadose's own writer refuses to write such files.

usage: break_dose_file.py GOOD.h5 OUT.h5 MODE
  nan | inf | negative        one /dose voxel NaN, +Inf or negative
  uncertainty-nan             one /dose_rel_uncertainty voxel NaN
  shape                       /dose_rel_uncertainty with another shape than /dose
  spacing-zero | spacing-nan  spacing_mm with a 0 or NaN entry
  spacing-string              spacing_mm as a string
  no-dose                     /dose removed
  huge                        /dose declared 4000^3 (chunked, never written)
"""
import shutil
import sys

import h5py
import numpy as np


def main():
    good, out, mode = sys.argv[1:4]
    shutil.copyfile(good, out)
    with h5py.File(out, "r+") as f:
        if mode in ("nan", "inf", "negative"):
            d = f["dose"][...]
            d.flat[5] = {"nan": np.nan, "inf": np.inf, "negative": -1.0}[mode]
            f["dose"][...] = d
        elif mode == "uncertainty-nan":
            u = f["dose_rel_uncertainty"][...]
            u.flat[3] = np.nan
            f["dose_rel_uncertainty"][...] = u
        elif mode == "shape":
            del f["dose_rel_uncertainty"]
            f["dose_rel_uncertainty"] = np.zeros((2, 2, 2), "f4")
        elif mode == "spacing-zero":
            f.attrs["spacing_mm"] = np.array([4.0, 0.0, 4.0])
        elif mode == "spacing-nan":
            f.attrs["spacing_mm"] = np.array([4.0, np.nan, 4.0])
        elif mode == "spacing-string":
            f.attrs["spacing_mm"] = np.bytes_("4 4 4")
        elif mode == "no-dose":
            del f["dose"]
        elif mode == "huge":
            for name in list(f.keys()):
                del f[name]
            f.create_dataset("dose", shape=(4000, 4000, 4000), dtype="f4", chunks=(1, 100, 100))
        else:
            raise SystemExit("unknown mode " + mode)


if __name__ == "__main__":
    main()
