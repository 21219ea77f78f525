#!/usr/bin/python3
"""Writes the small seed corpus of the libFuzzer harnesses (tests/fuzz/corpus/<harness>/).

Usage: make_fuzz_seeds.py [OUT_DIR]   (default: tests/fuzz/corpus next to this script's tools/)

Each seed is a valid (or nearly valid) input of its reader, a few hundred bytes to a few kB,
so a short CI smoke run starts from files that reach deep into the parsers. Needs Debian
python3-numpy, python3-h5py and python3-pydicom. The harnesses whose first input byte picks a
variant (image_nifti: .nii / .nii.gz; image_metaimage: .mha / .mhd + data.raw; image_nrrd:
.nrrd / .nhdr + data.raw) get that byte prepended; a detached header doubles as its own
data.raw, so its length is padded to the declared data size.
"""
import gzip
import io
import os
import struct
import subprocess
import sys
import tempfile

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def put(out, harness, name, data):
    d = os.path.join(out, harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def nifti(nx, ny, nz, spacing=(2.0, 2.0, 2.0)):
    h = bytearray(352)
    struct.pack_into("<i", h, 0, 348)
    struct.pack_into("<8h", h, 40, 3, nx, ny, nz, 1, 1, 1, 1)
    struct.pack_into("<hh", h, 70, 16, 32)
    struct.pack_into("<8f", h, 76, 1, *spacing, 1, 1, 1, 1)
    struct.pack_into("<fff", h, 108, 352.0, 1.0, 0.0)
    struct.pack_into("<hh", h, 252, 1, 1)
    struct.pack_into("<6f", h, 256, 0, 0, 0, -5, 3, 1)  # quatern_b,c,d, qoffset
    struct.pack_into("<12f", h, 280, spacing[0], 0, 0, -5, 0, spacing[1], 0, 3, 0, 0, spacing[2], 1)
    h[344:348] = b"n+1\0"
    data = np.arange(nx * ny * nz, dtype="<f4").tobytes()
    return bytes(h) + data


def images(out):
    nii = nifti(3, 2, 2)
    put(out, "fuzz_image_nifti", "small.nii", b"\x00" + nii)
    put(out, "fuzz_image_nifti", "small.nii.gz", b"\x01" + gzip.compress(nii))
    mha = ("ObjectType = Image\nNDims = 3\nBinaryData = True\nBinaryDataByteOrderMSB = False\n"
           "CompressedData = False\nTransformMatrix = 1 0 0 0 1 0 0 0 1\nOffset = -4 2.5 0\n"
           "ElementSpacing = 2 2 3\nDimSize = 3 2 2\nElementType = MET_FLOAT\nElementDataFile = LOCAL\n").encode()
    put(out, "fuzz_image_metaimage", "local.mha", b"\x00" + mha + np.ones(12, "<f4").tobytes())
    packed = __import__("zlib").compress(np.ones(12, "<i2").tobytes())
    mhaz = mha.replace(b"CompressedData = False", b"CompressedData = True\nCompressedDataSize = %d" % len(packed))
    mhaz = mhaz.replace(b"MET_FLOAT", b"MET_SHORT")
    put(out, "fuzz_image_metaimage", "compressed.mha", b"\x00" + mhaz + packed)
    # A detached header that is also its own 4 x 64-float data file (256 floats = 1024 bytes).
    head = ("ObjectType = Image\nNDims = 3\nBinaryData = True\nElementSpacing = 1 1 1\n"
            "DimSize = 64 2 2\nElementType = MET_FLOAT\n")
    tail = "ElementDataFile = data.raw\n"
    pad = 64 * 2 * 2 * 4 - len(head) - len(tail) - len("Comment = \n")
    put(out, "fuzz_image_metaimage", "detached.mhd", b"\x01" + (head + "Comment = " + "x" * pad + "\n" + tail).encode())
    nrrd = ("NRRD0004\ntype: float\ndimension: 3\nspace: left-posterior-superior\nsizes: 3 2 2\n"
            "space directions: (2,0,0) (0,2,0) (0,0,3)\nkinds: domain domain domain\nendian: little\n"
            "encoding: raw\nspace origin: (-4,2.5,0)\n\n").encode()
    put(out, "fuzz_image_nrrd", "raw.nrrd", b"\x00" + nrrd + np.ones(12, "<f4").tobytes())
    put(out, "fuzz_image_nrrd", "gzip.nrrd",
        b"\x00" + nrrd.replace(b"encoding: raw", b"encoding: gzip") + gzip.compress(np.ones(12, "<f4").tobytes()))
    put(out, "fuzz_image_nrrd", "ascii.nrrd",
        b"\x00" + nrrd.replace(b"encoding: raw", b"encoding: ascii") + b"1 2 3 4 5 6\n7 8 9 10 11 12\n")
    head = ("NRRD0004\ntype: uchar\ndimension: 3\nsizes: 16 8 4\nspacings: 1 1 2\nencoding: raw\n"
            "data file: data.raw\n")
    pad = 16 * 8 * 4 - len(head) - 3
    put(out, "fuzz_image_nrrd", "detached.nhdr", b"\x01" + (head + "# " + "x" * pad + "\n").encode())


def segmentation(out):
    with tempfile.TemporaryDirectory() as t:
        path = os.path.join(t, "s.seg.nrrd")
        subprocess.run([sys.executable, os.path.join(ROOT, "tests/python/make_seg_nrrd.py"), path, "lps"], check=True,
                       stdout=subprocess.DEVNULL)
        data = open(path, "rb").read()
    put(out, "fuzz_segmentation", "two_layers.seg.nrrd", data)


def dicom(out):
    with tempfile.TemporaryDirectory() as t:
        d = os.path.join(t, "pet")
        subprocess.run([sys.executable, os.path.join(ROOT, "tests/python/make_pet_series.py"), d, "BQML", "START"],
                       check=True, stdout=subprocess.DEVNULL)
        slice0 = open(os.path.join(d, sorted(os.listdir(d))[0]), "rb").read()
        put(out, "fuzz_dicom_header", "pet_slice.dcm", slice0)
        put(out, "fuzz_dicom_image", "pet_slice.dcm", slice0)
        rs = os.path.join(t, "rs.dcm")
        subprocess.run([sys.executable, os.path.join(ROOT, "tests/python/make_rtstruct.py"), rs, "6"], check=True,
                       stdout=subprocess.DEVNULL)
        put(out, "fuzz_rtstruct", "rtstruct.dcm", open(rs, "rb").read())


def dose_file(out):
    buf = io.BytesIO()
    with h5py.File(buf, "w") as f:
        f.attrs["filetype"] = np.bytes_("betadose-dose")
        f.attrs["version"] = np.uint64(1)
        f.attrs["spacing_mm"] = np.array([2.0, 2.0, 3.0])
        f.attrs["origin_mm"] = np.array([0.0, 0.0, 0.0])
        f.attrs["direction"] = np.eye(3).ravel()
        f.attrs["nuclide"] = np.bytes_("Y-90")
        f.attrs["total_activity_bq"] = 1e9
        f.attrs["histories"] = np.uint64(1000)
        f.attrs["provenance"] = np.bytes_("dose_grid = 3x2x2  [test]\n")
        f["dose"] = np.arange(12, dtype="<f4").reshape(2, 2, 3)
        f["dose_rel_uncertainty"] = np.full((2, 2, 3), 0.1, "<f4")
        f["density_g_cm3"] = np.ones((2, 2, 3), "<f4")
        m = f.create_dataset("material_id", data=np.zeros((2, 2, 3), "u1"))
        m.attrs.create("material_names", ["water"], dtype=h5py.string_dtype())
        f["roi/liver"] = np.ones((2, 2, 3), "u1")
    put(out, "fuzz_dose_file", "small.h5", buf.getvalue())


def text_files(out):
    for name in ("water.material", "liver.material"):
        put(out, "fuzz_material_file", name, open(os.path.join(ROOT, "materials", name), "rb").read())
    nuc = os.path.join(ROOT, "materials", "nuclides")
    for name in sorted(os.listdir(nuc))[:1]:
        data = open(os.path.join(nuc, name), "rb").read()
        put(out, "fuzz_nuclide_file", name, data)
    cal = os.path.join(ROOT, "materials", "calibration")
    for name in ("schneider2000_density.csv", "schneider2000_materials.csv"):
        put(out, "fuzz_hu_calibration", name, open(os.path.join(cal, name), "rb").read())
    put(out, "fuzz_material_table", "table.csv",
        b"# labels\nlabel,material,density_g_cm3\n0,air,0.0012\n1,liver,1.06\n2,lung,\n3,cortical-bone,1.85\n")
    put(out, "fuzz_kernel_csv", "dpk.csv",
        b"# betadose dpk: Y-90 in water at 1 g/cm3, 1000 histories, seed 1, device cpu\n"
        b"r_inner_mm,r_outer_mm,r_mid_mm,energy_per_decay_MeV,dose_per_decay_Gy,rel_uncertainty\n"
        b"0,0.5,0.25,0.1,1e-9,0.01\n0.5,1,0.75,0.2,4e-10,0.01\n1,1.5,1.25,0.15,1e-10,0.02\n")
    put(out, "fuzz_kernel_csv", "vsv.csv",
        b"# betadose vsv: Y-90 in soft-tissue at 1.04 g/cm3, voxel 4 mm, 1000 histories, seed 1, device cpu\n"
        b"i,j,k,s_mGy_per_MBq_s,energy_fraction,rel_uncertainty\n0,0,0,0.2,0.5,0.01\n1,0,0,0.02,0.05,0.02\n"
        b"1,1,0,0.005,0.01,0.03\n1,1,1,0.002,0.005,0.04\n2,0,0,0.001,0.002,0.05\n")
    put(out, "fuzz_toml_config", "mc.toml",
        b'ct = "ct.nii.gz"\nactivity = "spect.nii.gz"\nactivity-units = "counts"\ntotal-activity-gbq = 2.0\n'
        b'mask = ["liver=liver.nii.gz", "tumour=labels.nii.gz:3"]\nhistories = 2e6\nseed = 7\nthreads = 2\n'
        b'lung-shunt = 0.05\nlung-mask = "lungs"\nout = "dose.h5"\nquiet = true\n')
    put(out, "fuzz_microsphere_product", "glass.sphere",
        open(os.path.join(ROOT, "materials", "microspheres", "glass.sphere"), "rb").read())
    put(out, "fuzz_plan_json", "plan.json",
        b'{"method": "partition", "target": "normal-liver", "activity_gbq": 2.1, "liver_activity_gbq": 1.995,'
        b' "lung_activity_gbq": 0.105, "tumour_dose_gy": 160.5, "normal_liver_dose_gy": 40, "liver_dose_gy": null,'
        b' "lung_shunt": 0.05, "mass_source": "volumes", "lung_dose_gy": 5.2, "lung_dose_limit_exceeded": false,'
        b' "clinical_constant_J_per_GBq": 49.67, "physics_J_per_GBq": 49.76, "notes": ["from images"]}\n')
    put(out, "fuzz_toml_config", "sections.toml",
        b'[mc]\nhistories = 1000\n[kernel]\nmethod = "dpk"\nvoxel-mm = "4,4,5"\n[analyze]\nd-percent = [70, 90]\n')


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "tests", "fuzz", "corpus")
    images(out)
    segmentation(out)
    dicom(out)
    dose_file(out)
    text_files(out)


if __name__ == "__main__":
    main()
