#!/usr/bin/python3
"""Writes one classic multi-frame NM Image Storage file (a reconstructed SPECT, RECON TOMO;
pydicom): 8 x 8 pixels of 4 mm, 6 slices, a 4 x 4 hot square of 1000 counts in slice 3, the
first slice's corner at (-14, -14, 100) mm in the Detector Information Sequence.

usage: make_nm_spect.py FILE [--spacing-mm S | --no-spacing] [--thickness-mm T] [--no-detector]
                        [--windows N] [--no-slice-count] [--image-type T] [--reversed-slices]
                        [--header-windows N] [--rwvm SLOPE,INTERCEPT,UNITS ...]

--windows N writes N energy windows' frames interleaved (slice 1 of each window, then slice 2,
...), as an acquisition-style export does, with Number of Energy Windows N and an Energy Window
Vector; --no-slice-count leaves Number of Slices out; --header-windows N only claims N windows
(the frames stay one window's, the Energy Window Vector all 1); --reversed-slices writes the
Slice Vector N..1 (frames in reverse slice order); --rwvm adds an item to the Real World Value
Mapping Sequence (0040,9096) with that slope, intercept and UCUM unit code (e.g. Bq/ml,
{counts}, g/ml), or "lut,UNITS" for an item given only as a lookup table (repeatable).
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
    ap.add_argument("--windows", type=int, default=1)
    ap.add_argument("--header-windows", type=int, default=0)
    ap.add_argument("--no-slice-count", action="store_true")
    ap.add_argument("--image-type", default="RECON TOMO")
    ap.add_argument("--reversed-slices", action="store_true")
    ap.add_argument("--rwvm", action="append", default=[])
    a = ap.parse_args()
    ds = new_dataset(NM, "NM", "betadose^spect", "4")
    ds.ImageType = ["ORIGINAL", "PRIMARY", a.image_type, "EMISSION"]
    nw = a.windows
    ds.Rows, ds.Columns, ds.NumberOfFrames = 8, 8, 6 * nw
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 0
    ds.PixelSpacing, ds.SliceThickness = [4.0, 4.0], a.thickness_mm
    if not a.no_spacing:
        ds.SpacingBetweenSlices = a.spacing_mm
    slices = list(range(6, 0, -1)) if a.reversed_slices else list(range(1, 7))
    if nw > 1:
        ds.FrameIncrementPointer = [(0x0054, 0x0010), (0x0054, 0x0080)]
        ds.EnergyWindowVector = [w + 1 for _ in range(6) for w in range(nw)]
        ds.SliceVector = [k for k in slices for _ in range(nw)]
    else:
        ds.FrameIncrementPointer = (0x0054, 0x0080)
        ds.SliceVector = slices
    if a.header_windows:
        ds.EnergyWindowVector = [1] * 6
    ds.NumberOfEnergyWindows = max(nw, a.header_windows)
    if not a.no_slice_count:
        ds.NumberOfSlices = 6
    if not a.no_detector:
        detector = Dataset()
        detector.ImagePositionPatient = [-14.0, -14.0, 100.0]
        detector.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
        ds.DetectorInformationSequence = Sequence([detector])
    items = []
    for spec in a.rwvm:
        parts = spec.split(",")
        item = Dataset()
        item.RealWorldValueFirstValueMapped, item.RealWorldValueLastValueMapped = 0, 65535
        if parts[0] == "lut":
            item.RealWorldValueLUTData = [float(v) for v in range(4)]
        else:
            item.RealWorldValueSlope, item.RealWorldValueIntercept = float(parts[0]), float(parts[1])
        unit = Dataset()
        unit.CodeValue, unit.CodingSchemeDesignator, unit.CodeMeaning = parts[-1], "UCUM", parts[-1]
        item.MeasurementUnitsCodeSequence = Sequence([unit])
        item.LUTLabel = "betadose"
        items.append(item)
    if items:
        ds.RealWorldValueMappingSequence = Sequence(items)
    counts = np.zeros((6 * nw, 8, 8), np.uint16)
    counts[3 * nw, 2:6, 2:6] = 1000  # window 1, slice 4
    for w in range(1, nw):
        counts[3 * nw + w, :, :] = 300  # a scatter window: counts everywhere in slice 4
    ds.PixelData = counts.tobytes()
    ds.save_as(a.file, write_like_original=False)


if __name__ == "__main__":
    main()
