#!/usr/bin/env python3
"""DICOM RT Dose export (`betadose export --rtdose`): pydicom round trip and dciodvfy.

For axial, oblique and flipped grids: every voxel centre the RT Dose object describes
(ImagePositionPatient + column/row steps along ImageOrientationPatient + GridFrameOffsetVector
along the slice normal) must be the dose file's voxel centre within 1e-6 mm, and
pixel x DoseGridScaling must equal the dose within half a scaling quantum (plus float32
rounding of the stored dose). With --ct the Patient, Study and Frame of Reference are the
CT's; without it they are new UIDs. dciodvfy (dicom3tools) must report no error.
Usage: rtdose_test.py BETADOSE WORKDIR"""
import os
import shutil
import sys
import zlib

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fixtures  # noqa: E402

try:
    import pydicom
except ImportError:
    fixtures.skip("python3-pydicom is not installed (tools/setup.sh installs it)")
DCIODVFY = shutil.which("dciodvfy")
if DCIODVFY is None:
    fixtures.skip("dciodvfy (Debian dicom3tools) is not installed (tools/setup.sh installs it)")

BETADOSE, WORK = fixtures.start()
check = fixtures.check


def dose_volume(shape, rng):
    """Doses over six decades (1e-3 .. 500 Gy) and exact zeros: the scaling must hold them all."""
    d = 10.0 ** rng.uniform(-3, np.log10(500.0), size=shape)
    d[rng.uniform(size=shape) < 0.2] = 0.0
    d.flat[0] = 500.0
    return d.astype(np.float32)


def dicom_positions(ds):
    """Voxel centres [frame][row][column][3] as a reader computes them from the RT Dose object."""
    r = np.array(ds.ImageOrientationPatient[:3], float)
    c = np.array(ds.ImageOrientationPatient[3:], float)
    n = np.cross(r, c)
    row_spacing, col_spacing = (float(x) for x in ds.PixelSpacing)
    ipp = np.array(ds.ImagePositionPatient, float)
    offsets = np.array(ds.GridFrameOffsetVector, float)
    f, j, i = np.meshgrid(np.arange(int(ds.NumberOfFrames)), np.arange(ds.Rows), np.arange(ds.Columns),
                          indexing="ij")
    return (ipp + i[..., None] * col_spacing * r + j[..., None] * row_spacing * c
            + offsets[f][..., None] * n)


def dciodvfy_errors(path):
    """Error lines of dciodvfy; a validator that did not run to its end is an error too."""
    code, out = fixtures.run([DCIODVFY, path], expect=None)
    errors = [line for line in out.splitlines() if line.startswith("Error")]
    if code < 0 or "Assertion" in out or "Abort" in out:
        errors.append("dciodvfy did not complete (exit %d): %s" % (code, out.strip()[-300:]))
    return errors, out


def export_and_check(name, spacing, origin, direction, ct=None, expect_frames_reversed=None, bits=16):
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    shape = (5, 6, 7)  # nz, ny, nx: all different so that no axis can be swapped unnoticed
    dose = dose_volume(shape, rng)
    h5 = os.path.join(WORK, name + ".h5")
    dcm = os.path.join(WORK, name + ".dcm")
    fixtures.write_dose_file(h5, dose, spacing, origin, direction)
    argv = [BETADOSE, "export", h5, "--rtdose", dcm] + (["--ct", ct] if ct else [])
    if bits != 16:
        argv += ["--rtdose-bits", str(bits)]
    fixtures.run(argv)
    ds = pydicom.dcmread(dcm)
    check(ds.SOPClassUID == "1.2.840.10008.5.1.4.1.1.481.2", name + ": SOP class is not RT Dose")
    check(ds.Modality == "RTDOSE", name + ": Modality " + str(ds.Modality))
    check(ds.DoseUnits == "GY" and ds.DoseType == "PHYSICAL", name + ": DoseUnits/DoseType")
    check(ds.DoseSummationType == "PLAN", name + ": DoseSummationType " + str(ds.DoseSummationType))
    check(ds.BitsAllocated == bits and ds.BitsStored == bits and ds.PixelRepresentation == 0,
          name + ": pixel format")
    check(int(ds.NumberOfFrames) == shape[0] and ds.Rows == shape[1] and ds.Columns == shape[2],
          name + ": frames/rows/columns")
    check(float(ds.GridFrameOffsetVector[0]) == 0.0, name + ": GridFrameOffsetVector[0] is not 0")
    check(np.all(np.diff(np.array(ds.GridFrameOffsetVector, float)) > 0),
          name + ": GridFrameOffsetVector is not increasing")

    # Geometry: map each DICOM voxel centre back to the dose grid's continuous index; it must be
    # an integer index (within 1e-6 voxel) and, with the pixel value, reproduce that voxel's dose.
    pos = dicom_positions(ds)
    expected = fixtures.voxel_positions(spacing, origin, direction, shape)
    m = np.asarray(direction, float) * np.asarray(spacing, float)  # columns scaled by spacing
    idx = np.linalg.solve(m, (pos - np.asarray(origin, float)).reshape(-1, 3).T).T.reshape(pos.shape)
    nearest = np.rint(idx).astype(int)
    check(np.max(np.abs(idx - nearest)) < 1e-6, name + ": DICOM voxel centres are not grid voxel "
          "centres (max index error %.3g)" % np.max(np.abs(idx - nearest)))
    i, j, k = nearest[..., 0], nearest[..., 1], nearest[..., 2]
    inside = (i >= 0) & (i < shape[2]) & (j >= 0) & (j < shape[1]) & (k >= 0) & (k < shape[0])
    check(inside.all(), name + ": DICOM voxels outside the dose grid")
    if not inside.all():
        return ds
    err_mm = np.max(np.abs(pos - expected[k, j, i]))
    check(err_mm < 1e-6, name + ": voxel positions differ by %.3g mm" % err_mm)
    check(len(np.unique(k)) == shape[0], name + ": frames do not map to distinct slices")
    if expect_frames_reversed is not None:
        reversed_ = k[0, 0, 0] == shape[0] - 1
        check(reversed_ == expect_frames_reversed,
              name + ": frame order reversed=%s, expected %s" % (reversed_, expect_frames_reversed))
    scaling = float(ds.DoseGridScaling)
    stored = ds.pixel_array.astype(np.float64) * scaling
    ref = dose[k, j, i].astype(np.float64)
    tol = 0.5 * scaling + np.spacing(np.float32(ref)).astype(np.float64)
    worst = np.max(np.abs(stored - ref) - tol)
    check(worst <= 0, name + ": dose differs by more than half a quantum (%.3g Gy over)" % worst)
    check(scaling <= 500.0 / (2.0 ** bits - 1) * (1 + 1e-8),
          name + ": DoseGridScaling %.6g wastes range (max 500 Gy)" % scaling)
    check(ds.pixel_array.max() > 0.99 * (2 ** bits - 1), name + ": the maximum does not use the range")
    if bits == 32:
        # dicom3tools 2022 (Debian 12) aborts on 32-bit OW pixel data (an assertion in
        # attrothr.cc), although PS3.3 C.8.8.3.4.1 allows 32 bits: the IOD is validated on the
        # 16-bit encodings, which differ only in the pixel module.
        print("%-22s ok (pydicom; dciodvfy cannot read 32-bit pixels), quantum %.3g Gy, position "
              "error %.2g mm" % (name, scaling, err_mm))
        return ds
    check_plan(name, ds, dcm[:-4] + ".rtplan.dcm")
    errors, out = dciodvfy_errors(dcm)
    check(not errors, name + ": dciodvfy errors:\n" + "\n".join(errors))
    print("%-22s ok: %d warnings from dciodvfy, quantum %.3g Gy, position error %.2g mm" %
          (name, sum(1 for line in out.splitlines() if line.startswith("Warning")), scaling, err_mm))
    return ds


def check_plan(name, dose_ds, plan_path):
    """The RT Plan written beside the dose: referenced by it, same patient/study/frame, valid."""
    check(os.path.exists(plan_path), name + ": no RT Plan written at " + plan_path)
    if not os.path.exists(plan_path):
        return
    plan = pydicom.dcmread(plan_path)
    refs = dose_ds.ReferencedRTPlanSequence
    check(len(refs) == 1 and refs[0].ReferencedSOPInstanceUID == plan.SOPInstanceUID
          and refs[0].ReferencedSOPClassUID == plan.SOPClassUID == "1.2.840.10008.5.1.4.1.1.481.5",
          name + ": the RT Dose does not reference the RT Plan written beside it")
    for attr in ("PatientID", "PatientName", "StudyInstanceUID", "FrameOfReferenceUID"):
        check(str(getattr(plan, attr)) == str(getattr(dose_ds, attr)), name + ": plan and dose differ in " + attr)
    errors, _ = dciodvfy_errors(plan_path)
    check(not errors, name + ": dciodvfy errors in the RT Plan:\n" + "\n".join(errors))


spacing = (2.0, 3.0, 4.0)
origin = (-10.5, 20.25, -100.0)
oblique = fixtures.rotation([0.3, -0.5, 0.8], 0.7)
flip_z = np.diag([1.0, 1.0, -1.0])
flip_x = np.diag([-1.0, 1.0, 1.0])

export_and_check("axial", spacing, origin, np.eye(3), expect_frames_reversed=False)
export_and_check("oblique", spacing, origin, oblique, expect_frames_reversed=False)
export_and_check("flipped_z", spacing, origin, flip_z, expect_frames_reversed=True)
export_and_check("flipped_x", spacing, origin, flip_x, expect_frames_reversed=True)
export_and_check("oblique_flipped", spacing, origin, oblique @ flip_z, expect_frames_reversed=True)
export_and_check("oblique_flipped_32", spacing, origin, oblique @ flip_z, expect_frames_reversed=True, bits=32)
a = export_and_check("new_uids_a", spacing, origin, np.eye(3))
b = export_and_check("new_uids_b", spacing, origin, np.eye(3))
for attr in ("StudyInstanceUID", "FrameOfReferenceUID", "SeriesInstanceUID", "SOPInstanceUID"):
    check(getattr(a, attr) != getattr(b, attr), "without --ct, two exports share " + attr)

# With the CT: identity from the CT series, new series and instance.
ct_dir = os.path.join(WORK, "ct")
hu = np.zeros((12, 16, 14), np.int16)
study_uid, frame_uid = fixtures.write_ct_series(ct_dir, hu, (2.5, 2.5, 3.0), (-20.0, 10.0, -110.0))
ds = export_and_check("with_ct", spacing, origin, np.eye(3), ct=ct_dir)
check(str(ds.PatientName) == "Test^Patient" and ds.PatientID == "BD-0001", "patient not copied from the CT")
check(ds.PatientBirthDate == "19500101" and ds.PatientSex == "O", "patient birth date/sex not copied")
check(ds.StudyInstanceUID == study_uid and ds.StudyDate == "20240102" and ds.AccessionNumber == "ACC1",
      "study not copied from the CT")
check(ds.FrameOfReferenceUID == frame_uid, "frame of reference not copied from the CT")
ct0 = pydicom.dcmread(os.path.join(ct_dir, "ct0000.dcm"))
check(ds.SeriesInstanceUID != ct0.SeriesInstanceUID, "RT Dose reuses the CT's SeriesInstanceUID")

# Refusals (exit 2, nothing written): a CT that the dose grid does not overlap, a CT given as a
# file, negative dose, an unknown summation type.
far = os.path.join(WORK, "far.h5")
fixtures.write_dose_file(far, np.ones((2, 2, 2), np.float32), (1, 1, 1), (1000.0, 1000.0, 1000.0))
code, out = fixtures.run([BETADOSE, "export", far, "--rtdose", os.path.join(WORK, "far.dcm"), "--ct", ct_dir],
                         expect=2)
check("outside the DICOM series" in out and not os.path.exists(os.path.join(WORK, "far.dcm")),
      "dose grid outside the CT was not refused clearly: " + out)
code, out = fixtures.run([BETADOSE, "export", far, "--rtdose", os.path.join(WORK, "x.dcm"), "--ct",
                          os.path.join(ct_dir, "ct0000.dcm")], expect=2)
check("DICOM CT series" in out, "--ct FILE not refused clearly: " + out)
neg = os.path.join(WORK, "neg.h5")
fixtures.write_dose_file(neg, -np.ones((2, 2, 2), np.float32), (1, 1, 1), (0, 0, 0))
code, out = fixtures.run([BETADOSE, "export", neg, "--rtdose", os.path.join(WORK, "neg.dcm")], expect=2)
check("negative" in out and "neg.h5" in out and not os.path.exists(os.path.join(WORK, "neg.dcm")),
      "negative dose not refused clearly: " + out)
check(not os.path.exists(os.path.join(WORK, "neg.rtplan.dcm")), "a failed export left its RT Plan behind")

# --rtplan: reference an existing plan of the same patient and study instead of writing one.
h5 = os.path.join(WORK, "with_ct.h5")
ref_dcm = os.path.join(WORK, "with_existing_plan.dcm")
fixtures.run([BETADOSE, "export", h5, "--rtdose", ref_dcm, "--ct", ct_dir, "--rtplan",
              os.path.join(WORK, "with_ct.rtplan.dcm")])
ds = pydicom.dcmread(ref_dcm)
plan = pydicom.dcmread(os.path.join(WORK, "with_ct.rtplan.dcm"))
check(ds.ReferencedRTPlanSequence[0].ReferencedSOPInstanceUID == plan.SOPInstanceUID,
      "--rtplan: the given plan is not referenced")
check(not os.path.exists(os.path.join(WORK, "with_existing_plan.rtplan.dcm")), "--rtplan: a plan was written anyway")
# ... and refuse a plan of another patient/study (no CT: the dose gets new UIDs).
code, out = fixtures.run([BETADOSE, "export", h5, "--rtdose", os.path.join(WORK, "mismatch.dcm"), "--rtplan",
                          os.path.join(WORK, "with_ct.rtplan.dcm")], expect=2)
check("another patient or study" in out and not os.path.exists(os.path.join(WORK, "mismatch.dcm")),
      "--rtplan of another study not refused: " + out)
code, out = fixtures.run([BETADOSE, "export", h5, "--rtdose", os.path.join(WORK, "notplan.dcm"), "--rtplan",
                          ref_dcm], expect=2)
check("is not RT Plan" in out, "--rtplan with an RT Dose file not refused: " + out)

fixtures.finish("RT Dose")
