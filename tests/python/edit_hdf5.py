#!/usr/bin/env python3
"""Edits one value of an HDF5 file in place, as a careless script or a damaged disk would
(tests of the integrity checks of betadose checkpoints and parts, tests/host/scale_out_cli_test.cpp).

  edit_hdf5.py FILE attr OBJECT NAME VALUE   set attribute NAME of OBJECT ("/" = root) to VALUE
                                             (the attribute keeps its type: int, float or str)
  edit_hdf5.py FILE step OBJECT NAME            change integer attribute NAME by one (down when > 1,
                                             else up): always a different, in-range value
  edit_hdf5.py FILE bump DATASET             add 1 to the largest element of DATASET
"""
import sys

import h5py
import numpy as np


def main(argv):
    path, mode = argv[1], argv[2]
    with h5py.File(path, "r+") as f:
        if mode == "attr":
            obj, name, value = f[argv[3]], argv[4], argv[5]
            old = obj.attrs[name]
            if isinstance(old, (bytes, str)):
                obj.attrs[name] = value
            else:
                obj.attrs.modify(name, np.array(value, dtype=np.asarray(old).dtype))
        elif mode == "step":
            obj, name = f[argv[3]], argv[4]
            old = np.asarray(obj.attrs[name])
            obj.attrs.modify(name, np.array(old - 1 if old > 1 else old + 1, dtype=old.dtype))
        elif mode == "bump":
            ds = f[argv[3]]
            data = ds[()]
            flat = data.reshape(-1)
            flat[int(np.argmax(flat))] += 1
            ds[...] = data
        else:
            raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main(sys.argv)
