"""Shared helpers of the clinic-output tests (RT Dose, report): synthetic dose files written
with h5py straight from the contract of DESIGN.md §4 (an independent producer of the format,
so the tests also exercise betadose's reader), DICOM CT series written with pydicom, and
running betadose with an argument vector (never through a shell)."""
import os
import subprocess
import sys

import h5py
import numpy as np

SKIP = 77  # ctest SKIP_RETURN_CODE
failures = []


def skip(message):
    print("SKIPPED: " + message)
    sys.exit(SKIP)


def start():
    """(betadose executable, empty work directory) from argv[1:3]."""
    import shutil
    betadose, work = sys.argv[1], sys.argv[2]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    return betadose, work


def check(cond, message):
    """Records a failed check (the test goes on, so one run lists every problem)."""
    if not cond:
        failures.append(message)
        print("FAIL: " + message)


def finish(what):
    if failures:
        print("%d failure(s)" % len(failures))
        sys.exit(1)
    print("all %s checks passed" % what)


def run(argv, expect=0, **kw):
    """Runs argv (a list), returns (exit code, stdout+stderr); fails the test when the exit code
    is not `expect` (None: any)."""
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)
    if expect is not None and p.returncode != expect:
        raise AssertionError("%s exited %d (expected %d):\n%s" % (argv, p.returncode, expect, p.stdout))
    return p.returncode, p.stdout


def rotation(axis, angle_rad):
    """Right-handed rotation matrix about `axis` (Rodrigues)."""
    a = np.asarray(axis, float)
    a /= np.linalg.norm(a)
    k = np.array([[0, -a[2], a[1]], [a[2], 0, -a[0]], [-a[1], a[0], 0]])
    return np.eye(3) + np.sin(angle_rad) * k + (1 - np.cos(angle_rad)) * k @ k


def write_dose_file(path, dose_zyx, spacing, origin, direction=np.eye(3), rel_unc=None,
                    density=None, activity=None, rois=None, method="mc", nuclide="Y-90",
                    total_activity_bq=2e9, histories=1000000, extra=None):
    """A betadose dose file: /dose float32 [nz][ny][nx], root attributes of DESIGN.md §4."""
    with h5py.File(path, "w") as f:
        f.attrs["filetype"] = "betadose-dose"
        f.attrs["version"] = np.uint64(1)
        f.attrs["betadose_version"] = "test-fixture"
        f.attrs["spacing_mm"] = np.asarray(spacing, float)
        f.attrs["origin_mm"] = np.asarray(origin, float)
        f.attrs["direction"] = np.asarray(direction, float).reshape(9)
        f.attrs["nuclide"] = nuclide
        f.attrs["method"] = method
        f.attrs["device"] = "cpu"
        f.attrs["total_activity_bq"] = float(total_activity_bq)
        f.attrs["histories"] = np.uint64(histories)
        f.attrs["seed"] = np.uint64(1)
        for k, v in (extra or {}).items():
            f.attrs[k] = float(v)
        f.create_dataset("dose", data=np.asarray(dose_zyx, np.float32))
        if rel_unc is not None:
            f.create_dataset("dose_rel_uncertainty", data=np.asarray(rel_unc, np.float32))
        if density is not None:
            f.create_dataset("density_g_cm3", data=np.asarray(density, np.float32))
        if activity is not None:
            f.create_dataset("activity_bq", data=np.asarray(activity, np.float32))
        for name, mask in (rois or {}).items():
            f.create_dataset("roi/" + name, data=np.asarray(mask, np.uint8))


def voxel_positions(spacing, origin, direction, shape_zyx):
    """Physical centre [mm] of every voxel, array [nz][ny][nx][3] (ITK convention)."""
    nz, ny, nx = shape_zyx
    k, j, i = np.meshgrid(np.arange(nz), np.arange(ny), np.arange(nx), indexing="ij")
    idx = np.stack([i, j, k], axis=-1).astype(float) * np.asarray(spacing, float)
    return np.asarray(origin, float) + idx @ np.asarray(direction, float).T


def write_ct_series(directory, hu_zyx, spacing, origin, direction=np.eye(3), patient_name="Test^Patient",
                    patient_id="BD-0001", study_uid=None, frame_uid=None):
    """A CT series, one file per slice, with pydicom (int16 HU, rescale 1/0)."""
    import pydicom
    from pydicom.dataset import FileDataset, FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian, generate_uid
    os.makedirs(directory, exist_ok=True)
    study_uid = study_uid or generate_uid()
    frame_uid = frame_uid or generate_uid()
    series_uid = generate_uid()
    d = np.asarray(direction, float)
    for k in range(hu_zyx.shape[0]):
        meta = FileMetaDataset()
        meta.MediaStorageSOPClassUID = pydicom.uid.CTImageStorage
        meta.MediaStorageSOPInstanceUID = generate_uid()
        meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds = FileDataset(None, {}, file_meta=meta, preamble=b"\0" * 128)
        ds.is_little_endian = True
        ds.is_implicit_VR = False
        ds.SOPClassUID = meta.MediaStorageSOPClassUID
        ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
        ds.PatientName = patient_name
        ds.PatientID = patient_id
        ds.PatientBirthDate = "19500101"
        ds.PatientSex = "O"
        ds.StudyInstanceUID = study_uid
        ds.StudyDate = "20240102"
        ds.StudyTime = "101112"
        ds.StudyID = "S1"
        ds.AccessionNumber = "ACC1"
        ds.ReferringPhysicianName = "Ref^Doc"
        ds.SeriesInstanceUID = series_uid
        ds.FrameOfReferenceUID = frame_uid
        ds.PositionReferenceIndicator = ""
        ds.Modality = "CT"
        ds.SeriesNumber = 2
        ds.InstanceNumber = k + 1
        pos = np.asarray(origin, float) + d[:, 2] * spacing[2] * k
        ds.ImagePositionPatient = [float(x) for x in pos]
        ds.ImageOrientationPatient = [float(x) for x in list(d[:, 0]) + list(d[:, 1])]
        ds.PixelSpacing = [float(spacing[1]), float(spacing[0])]
        ds.SliceThickness = float(spacing[2])
        ds.Rows, ds.Columns = hu_zyx.shape[1], hu_zyx.shape[2]
        ds.SamplesPerPixel = 1
        ds.PhotometricInterpretation = "MONOCHROME2"
        ds.BitsAllocated = 16
        ds.BitsStored = 16
        ds.HighBit = 15
        ds.PixelRepresentation = 1
        ds.RescaleSlope = 1
        ds.RescaleIntercept = 0
        ds.PixelData = np.asarray(hu_zyx[k], np.int16).tobytes()
        ds.save_as(os.path.join(directory, "ct%04d.dcm" % k), write_like_original=False)
    return study_uid, frame_uid
