#!/usr/bin/python3
"""Writes small DICOM folders that exercise how betadose chooses and checks a series
(tests/host/dicom_series_choice_test.cpp).

usage: make_ct_series.py DIR [--modality M] [--slices N] [--slice-mm S] [--ipp-decimals D] [--oblique-deg A]
                         [--padding V [--padding-range-limit L] [--unsigned]] [--localizer]
                         [--localizer-only] [--duplicate K] [--duplicate-different K] [--duplicate-other-export K]
                         [--with-pet] [--nest]

Default: a CT series of 8 x 8 pixels of 4 mm, 6 slices 4 mm apart along +z, origin
(-14, -14, 4k); stored int16 with Rescale Intercept -1024: 0 HU everywhere, 1000 HU in the
4 x 4 block at the centre of slices 1-4, air (-1000 HU) in the last slice; files
DIR/ct_%03d.dcm.
--oblique-deg A tilts the slices by A degrees about x (an oblique reconstruction).
--modality M writes Modality M (MR, PT, NM) with its SOP class; PT adds Units BQML.
--padding V writes Pixel Padding Value V and stores V in the 2-pixel border of every slice
(--unsigned: US pixels, e.g. 63536; else SS, e.g. -2000); --padding-range-limit L spreads
the border over V..L. --localizer adds a coronal CT scout (DIR/scout.dcm, its own series);
--localizer-only writes only that. --duplicate K copies slice K byte for byte; --duplicate-
different K writes another file with slice K's SOP Instance UID and other pixels;
--duplicate-other-export K the same instance with another file meta group (another PACS). --with-pet
adds a PT series on the same grid (100 Bq/ml, 5000 in the block; DIR/pt_%03d.dcm), as a
flattened PET/CT export. --nest writes the files and DIR/DICOMDIR with pydicom's FileSet, in
its own layout (DIR/PT000000/ST000000/SE00000n/IM00000k: patient, study, series folders; no
image at the top level), as a CD export; --duplicate options do not apply to it. Padding and
--unsigned apply to CT images only.
"""
import argparse
import math
import os
import shutil

import numpy as np
from pydicom.uid import generate_uid

from dicom_dataset import new_dataset

SOP = {"CT": "1.2.840.10008.5.1.4.1.1.2", "MR": "1.2.840.10008.5.1.4.1.1.4",
       "PT": "1.2.840.10008.5.1.4.1.1.128", "NM": "1.2.840.10008.5.1.4.1.1.20"}
N, PIXEL = 8, 4.0


def image(modality, series_uid, frame_uid, study_uid, k, z, stored, a, image_type="ORIGINAL\\PRIMARY\\AXIAL",
          orientation=(1, 0, 0, 0, 1, 0), intercept=None):
    ds = new_dataset(SOP.get(modality, SOP["CT"]), modality, "Test^CT", "CT1")
    ds.SeriesInstanceUID, ds.FrameOfReferenceUID, ds.StudyInstanceUID = series_uid, frame_uid, study_uid
    ds.ImageType = image_type
    # What a DICOMDIR's patient, study and series records need (PS3.3 F.5).
    ds.StudyDate, ds.StudyTime, ds.StudyID, ds.AccessionNumber = "20261202", "110000", "1", ""
    ds.PatientBirthDate, ds.PatientSex, ds.ReferringPhysicianName = "", "", ""
    ds.InstanceNumber = k + 1
    ds.SeriesNumber = 2 if modality == "PT" else 1
    position = [-14.0, -14.0, z]
    if a.oblique_deg and image_type.endswith("AXIAL"):
        # Rows along x, columns tilted by the angle about x: the slices step along the normal.
        c, s = math.cos(math.radians(a.oblique_deg)), math.sin(math.radians(a.oblique_deg))
        orientation = (1, 0, 0, 0, c, s)
        position = [-14.0, -14.0 - z * s, z * c]
    if a.ipp_decimals is not None:
        position = ["%.*f" % (a.ipp_decimals, p) for p in position]
    ds.ImagePositionPatient = position
    ds.ImageOrientationPatient = list(orientation)
    ds.PixelSpacing = [PIXEL, PIXEL]
    ds.SliceThickness = a.slice_mm
    ds.Rows = ds.Columns = N
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit = 16, 16, 15
    unsigned = a.unsigned and modality == "CT"
    ds.PixelRepresentation = 0 if unsigned else 1
    ds.RescaleSlope = 1
    ds.RescaleIntercept = (-1024 if modality != "PT" else 0) if intercept is None else intercept
    if modality == "PT":
        ds.Units, ds.DecayCorrection = "BQML", "ADMIN"
        ds.SeriesDate, ds.SeriesTime = "20261202", "113000"
    if a.padding is not None and modality == "CT":
        vr = "US" if unsigned else "SS"
        ds.add_new(0x00280120, vr, a.padding)
        if a.padding_range_limit is not None:
            ds.add_new(0x00280121, vr, a.padding_range_limit)
    ds.PixelData = stored.astype(np.uint16 if unsigned else np.int16).tobytes()
    return ds


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--modality", default="CT")
    ap.add_argument("--slices", type=int, default=6)
    ap.add_argument("--slice-mm", type=float, default=4.0)
    ap.add_argument("--ipp-decimals", type=int)
    ap.add_argument("--oblique-deg", type=float, default=0.0)
    ap.add_argument("--padding", type=int)
    ap.add_argument("--padding-range-limit", type=int)
    ap.add_argument("--unsigned", action="store_true")
    ap.add_argument("--localizer", action="store_true")
    ap.add_argument("--localizer-only", action="store_true")
    ap.add_argument("--duplicate", type=int)
    ap.add_argument("--duplicate-different", type=int)
    ap.add_argument("--duplicate-other-export", type=int)
    ap.add_argument("--with-pet", action="store_true")
    ap.add_argument("--nest", action="store_true")
    a = ap.parse_args()
    study, frame = generate_uid(), generate_uid()
    datasets = []  # (name, dataset, group)

    def volume(modality, background, block):
        series = generate_uid()
        for k in range(a.slices):
            stored = np.full((N, N), background, dtype=np.int64)
            if 1 <= k <= 4:
                stored[2:6, 2:6] = block
            if modality == "CT" and k == a.slices - 1:
                stored[:, :] = 24  # -1000 HU: a CT has air
            if a.padding is not None and modality == "CT":
                border = np.zeros((N, N), bool)
                border[:2, :], border[-2:, :], border[:, :2], border[:, -2:] = True, True, True, True
                values = [a.padding]
                if a.padding_range_limit is not None:
                    values = [a.padding, (a.padding + a.padding_range_limit) // 2, a.padding_range_limit]
                cycle = np.resize(np.array(values), border.sum())
                stored[border] = cycle
            prefix = "pt" if modality == "PT" else "ct"
            datasets.append(("%s_%03d.dcm" % (prefix, k),
                             image(modality, series, frame, study, k, a.slice_mm * k, stored, a), prefix))

    if not a.localizer_only:
        if a.modality == "PT":
            volume("PT", 1024, 2024)
        else:
            volume(a.modality, 1024, 2024)
    if a.localizer or a.localizer_only:
        stored = np.full((N, N), 1024, dtype=np.int64)
        datasets.append(("scout.dcm", image("CT", generate_uid(), frame, study, 0, 0.0, stored, a,
                                            "ORIGINAL\\PRIMARY\\LOCALIZER", (1, 0, 0, 0, 0, -1)), "ct"))
    if a.with_pet:
        volume("PT", 100, 5000)

    if a.nest:
        from pydicom.fileset import FileSet
        fs = FileSet()
        for _, ds, _ in datasets:
            fs.add(ds)
        os.makedirs(a.dir, exist_ok=True)
        fs.write(a.dir)  # DICOMDIR plus nested folders of extension-less files
        return
    os.makedirs(a.dir, exist_ok=True)
    for name, ds, _ in datasets:
        ds.save_as(os.path.join(a.dir, name), write_like_original=False)
    if a.duplicate is not None:
        shutil.copyfile(os.path.join(a.dir, "ct_%03d.dcm" % a.duplicate),
                        os.path.join(a.dir, "copy_of_ct_%d.dcm" % a.duplicate))
    if a.duplicate_other_export is not None:
        # The same instance as another export writes it: another file meta group only.
        import pydicom
        ds = pydicom.dcmread(os.path.join(a.dir, "ct_%03d.dcm" % a.duplicate_other_export))
        ds.file_meta.ImplementationVersionName = "OTHER_PACS_2"
        ds.file_meta.SourceApplicationEntityTitle = "ARCHIVE"
        ds.save_as(os.path.join(a.dir, "export2_ct_%d.dcm" % a.duplicate_other_export), write_like_original=False)
    if a.duplicate_different is not None:
        name, ds, _ = datasets[a.duplicate_different]
        other = np.frombuffer(ds.PixelData, np.int16).astype(np.int64) + 100
        ds.PixelData = other.astype(np.int16).tobytes()
        ds.save_as(os.path.join(a.dir, "conflict_ct_%d.dcm" % a.duplicate_different), write_like_original=False)


if __name__ == "__main__":
    main()
