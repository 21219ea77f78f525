#!/usr/bin/python3
"""Writes a small quantitative DICOM PET series (pydicom) with a known 90Y activity, for the
tests of --activity-units auto.

usage: make_pet_series.py DIR UNITS DECAY [--omit KEYWORD ...] [--time-only] [--half-life-s S]
                          [--transfer-syntax explicit|implicit|big|rle|deflate] [--lossy-flag]
                          [--shear-mm-per-slice Y] [--slice3-pixel-mm S] [--series-time-later-h H]

Activity at administration (2026-12-01 09:30:00): 2.0e5 Bq/ml in a 4x4x4-voxel cube, 1.0e3
Bq/ml elsewhere, on 8 x 8 x 6 voxels of 4 mm (0.064 ml). Administered 3.2e9 Bq, patient
72.5 kg, RadionuclideHalfLife 230760 s (64.1 h). The series starts 2026-12-02 11:30:00 (26 h
later); slice k is acquired 30 k minutes after that.
UNITS BQML or GML (or any other text, written as is); DECAY START, ADMIN or NONE: the stored
values are the concentration at the series start, at administration, or at each slice's own
acquisition time, divided for GML by the SUVbw factor A_inj(t_ref) / (1000 W). DECAY is written
as given (e.g. lower case) and read in upper case. --series-time-later-h H writes a Series Time H
hours after the scan start (a series reconstructed later; the values still refer to the start).
--injected-bq A writes A as the RadionuclideTotalDose of a BQML series. --dynamic adds a second
time frame of every slice (Number of Time Slices 2).
"""
import argparse
import datetime as dt
import os

import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileDataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import (DeflatedExplicitVRLittleEndian, ExplicitVRBigEndian, ExplicitVRLittleEndian,
                         ImplicitVRLittleEndian, RLELossless, generate_uid)

PET = "1.2.840.10008.5.1.4.1.1.128"
ADMIN = dt.datetime(2026, 12, 1, 9, 30, 0)
SERIES = dt.datetime(2026, 12, 2, 11, 30, 0)
DOSE_BQ, WEIGHT_KG = 3.2e9, 72.5
NX, NY, NZ, VOXEL = 8, 8, 6, 4.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("units")
    ap.add_argument("decay")
    ap.add_argument("--omit", nargs="*", default=[])
    ap.add_argument("--time-only", action="store_true", help="only (0018,1072), no (0018,1078)")
    ap.add_argument("--half-life-s", type=float, default=230760.0)
    # How PACS exports store the same pixels: explicit/implicit VR little endian, explicit big
    # endian (retired, still met), RLE Lossless (encapsulated, compressed per frame), deflated.
    ap.add_argument("--transfer-syntax", default="explicit", choices=["explicit", "implicit", "big", "rle", "deflate"])
    # Lossy Image Compression (0028,2110) = 01, as a series keeps it after a lossy step.
    ap.add_argument("--lossy-flag", action="store_true")
    # Each slice's origin moved by Y mm along the rows as well (a gantry-tilted acquisition).
    ap.add_argument("--shear-mm-per-slice", type=float, default=0.0)
    # Slice 3 written with another Pixel Spacing (0028,0030), as text "S\\S".
    ap.add_argument("--slice3-pixel-mm")
    ap.add_argument("--series-time-later-h", type=float, default=0.0)
    # (0018,1074) RadionuclideTotalDose written for a BQML series (GML uses 3.2e9 Bq).
    ap.add_argument("--injected-bq", type=float)
    # A dynamic series: a second time frame of every slice (same positions, 1 h later),
    # Number of Time Slices 2.
    ap.add_argument("--dynamic", action="store_true")
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    half = a.half_life_s
    conc = np.full((NZ, NY, NX), 1.0e3)
    conc[1:5, 2:6, 2:6] = 2.0e5  # Bq/ml at administration
    study, series, frame = generate_uid(), generate_uid(), generate_uid()
    for k in range(NZ):
        acq = SERIES + dt.timedelta(minutes=30 * k)
        t_ref = {"START": SERIES, "ADMIN": ADMIN, "NONE": acq}.get(a.decay.upper(), SERIES)
        decay = 2.0 ** (-(t_ref - ADMIN).total_seconds() / half)
        values = conc[k] * decay  # Bq/ml at t_ref
        if a.units == "GML":
            values = values / (DOSE_BQ * decay / (1000.0 * WEIGHT_KG))
        slope = float(values.max()) / 30000.0
        stored = np.round(values / slope).astype(np.int16)
        meta = FileMetaDataset()
        meta.MediaStorageSOPClassUID = PET
        meta.MediaStorageSOPInstanceUID = generate_uid()
        meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds = FileDataset(None, {}, file_meta=meta, preamble=b"\0" * 128)
        ds.SOPClassUID, ds.SOPInstanceUID = PET, meta.MediaStorageSOPInstanceUID
        ds.Modality = "PT"
        ds.PatientName, ds.PatientID = "betadose^pet", "1"
        ds.PatientWeight = f"{WEIGHT_KG}"
        ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.FrameOfReferenceUID = study, series, frame
        written = SERIES + dt.timedelta(hours=a.series_time_later_h)
        ds.SeriesDate, ds.SeriesTime = written.strftime("%Y%m%d"), written.strftime("%H%M%S")
        ds.AcquisitionDate, ds.AcquisitionTime = acq.strftime("%Y%m%d"), acq.strftime("%H%M%S")
        ds.Units = a.units
        ds.DecayCorrection = a.decay
        ds.CorrectedImage = ["DECY", "ATTN"] if a.decay != "NONE" else ["ATTN"]
        rp = Dataset()
        rp.Radiopharmaceutical = "Y-90 microspheres"
        rp.RadiopharmaceuticalStartTime = ADMIN.strftime("%H%M%S")
        if not a.time_only:
            rp.RadiopharmaceuticalStartDateTime = ADMIN.strftime("%Y%m%d%H%M%S")
        injected = a.injected_bq if a.injected_bq and a.units != "GML" else DOSE_BQ
        rp.RadionuclideTotalDose = f"{injected:.6g}"
        rp.RadionuclideHalfLife = f"{half:.6g}"
        ds.RadiopharmaceuticalInformationSequence = Sequence([rp])
        ds.InstanceNumber = k + 1
        ds.ImagePositionPatient = [-14.0, -14.0 + a.shear_mm_per_slice * k, 100.0 + VOXEL * k]
        ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
        ds.PixelSpacing = [a.slice3_pixel_mm] * 2 if (a.slice3_pixel_mm and k == 3) else [VOXEL, VOXEL]
        ds.SliceThickness = VOXEL
        ds.Rows, ds.Columns = NY, NX
        ds.SamplesPerPixel = 1
        ds.PhotometricInterpretation = "MONOCHROME2"
        ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 1
        ds.RescaleSlope, ds.RescaleIntercept = f"{slope:.10g}", "0"
        ds.PixelData = stored.tobytes()
        if a.lossy_flag:
            ds.LossyImageCompression = "01"
            ds.LossyImageCompressionRatio = "8.5"
            ds.LossyImageCompressionMethod = "ISO_15444_1"
        for kw in a.omit:
            if kw in ds:
                delattr(ds, kw)
            if kw in rp:
                delattr(rp, kw)
        ds.is_little_endian, ds.is_implicit_VR = True, False
        if a.transfer_syntax == "rle":
            ds.compress(RLELossless, stored)
        elif a.transfer_syntax == "implicit":
            meta.TransferSyntaxUID = ImplicitVRLittleEndian
            ds.is_implicit_VR = True
        elif a.transfer_syntax == "big":
            meta.TransferSyntaxUID = ExplicitVRBigEndian
            ds.is_little_endian = False
            ds.PixelData = stored.astype(">i2").tobytes()
        elif a.transfer_syntax == "deflate":
            meta.TransferSyntaxUID = DeflatedExplicitVRLittleEndian
        if a.dynamic:
            ds.NumberOfTimeSlices = 2
        ds.save_as(os.path.join(a.dir, f"pt{k:03d}.dcm"), write_like_original=False)
        if a.dynamic:
            ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID = generate_uid()
            ds.InstanceNumber = NZ + k + 1
            ds.AcquisitionTime = (acq + dt.timedelta(hours=1)).strftime("%H%M%S")
            ds.save_as(os.path.join(a.dir, f"pt{NZ + k:03d}.dcm"), write_like_original=False)


if __name__ == "__main__":
    main()
