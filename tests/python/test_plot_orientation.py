#!/usr/bin/python3
"""tools/plot_dose.py draws any axis-permuted or flipped grid: after to_physical_axes every
voxel sits at the physical position it had, and the numpy axes run along +z, +y, +x.

Checked for all 48 signed permutations of the axes with distinct spacings: the value of each
voxel is compared at its physical centre (ITK convention p = origin + D diag(s) index)."""
import itertools
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools"))
import plot_dose  # noqa: E402


def centres(shape_zyx, spacing, origin, d):
    k, j, i = np.meshgrid(*[np.arange(n) for n in shape_zyx], indexing="ij")
    idx = np.stack([i, j, k], axis=-1).astype(float) * spacing
    return origin + idx @ d.T


def main():
    rng = np.random.default_rng(1)
    shape = (4, 5, 6)  # nz, ny, nx
    spacing = np.array([1.0, 2.0, 3.0])
    origin = np.array([-7.0, 11.0, 3.5])
    arr = rng.random(shape)
    checked = 0
    for perm in itertools.permutations(range(3)):
        for signs in itertools.product((1, -1), repeat=3):
            d = np.zeros((3, 3))
            for c in range(3):
                d[perm[c], c] = signs[c]
            out, sp, org = plot_dose.to_physical_axes(arr, spacing, origin, d.ravel(), "test")
            before = centres(arr.shape, spacing, origin, d).reshape(-1, 3)
            after = centres(out.shape, sp, org, np.eye(3)).reshape(-1, 3)
            # Same set of (position, value) pairs.
            key_b = {tuple(np.round(p, 6)): v for p, v in zip(before, arr.ravel())}
            key_a = {tuple(np.round(p, 6)): v for p, v in zip(after, out.ravel())}
            assert key_a == key_b, (perm, signs)
            checked += 1
    # Oblique grids are drawn in the nearest orientation (a 10 degree tilt about z).
    t = np.radians(10)
    d = np.array([[np.cos(t), -np.sin(t), 0], [np.sin(t), np.cos(t), 0], [0, 0, 1]])
    out, _, _ = plot_dose.to_physical_axes(arr, spacing, origin, d.ravel(), "oblique")
    assert out.shape == arr.shape
    print(f"ok: {checked} signed permutations")


if __name__ == "__main__":
    main()
