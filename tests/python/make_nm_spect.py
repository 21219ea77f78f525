#!/usr/bin/python3
"""Writes one classic multi-frame NM Image Storage file (a reconstructed SPECT, RECON TOMO;
pydicom): 8 x 8 pixels of 4 mm, 6 slices, a 4 x 4 hot square of 1000 counts in slice 3, the
first slice's corner at (-14, -14, 100) mm in the Detector Information Sequence.

usage: make_nm_spect.py FILE [--spacing-mm S | --no-spacing] [--thickness-mm T] [--no-detector]
"""
import argparse

import numpy as np
from pydicom.dataset import Dataset
from pydicom.sequence import Sequence

from dicom_dataset import new_dataset

NM = "1.2.840.10008.5.1.4.1.1.20"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--spacing-mm", type=float, default=4.0)
    ap.add_argument("--no-spacing", action="store_true")
    ap.add_argument("--thickness-mm", type=float, default=4.0)
    ap.add_argument("--no-detector", action="store_true")
    a = ap.parse_args()
    ds = new_dataset(NM, "NM", "betadose^spect", "4")
    ds.ImageType = ["ORIGINAL", "PRIMARY", "RECON TOMO", "EMISSION"]
    ds.Rows, ds.Columns, ds.NumberOfFrames = 8, 8, 6
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 0
    ds.PixelSpacing, ds.SliceThickness = [4.0, 4.0], a.thickness_mm
    if not a.no_spacing:
        ds.SpacingBetweenSlices = a.spacing_mm
    ds.FrameIncrementPointer = (0x0054, 0x0080)
    ds.SliceVector, ds.NumberOfSlices = list(range(1, 7)), 6
    if not a.no_detector:
        detector = Dataset()
        detector.ImagePositionPatient = [-14.0, -14.0, 100.0]
        detector.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
        ds.DetectorInformationSequence = Sequence([detector])
    counts = np.zeros((6, 8, 8), np.uint16)
    counts[3, 2:6, 2:6] = 1000
    ds.PixelData = counts.tobytes()
    ds.save_as(a.file, write_like_original=False)


if __name__ == "__main__":
    main()
