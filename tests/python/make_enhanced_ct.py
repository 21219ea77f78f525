#!/usr/bin/python3
"""Writes one Enhanced CT Image Storage file (multi-frame, functional groups; pydicom): 8 x 8
pixels of 2 mm, water (0 HU) except one frame of air (-1000 HU), frames at the given positions
along z, for the tests of enhanced multi-frame geometry.

usage: make_enhanced_ct.py FILE Z0,Z1,... AIR_Z

Each frame's Image Position (Patient) is (-7, -7, Zk) mm in its Plane Position functional
group; the orientation (axial) and the pixel measures (2 x 2 mm, 5 mm thick) are shared.
"""
import sys

import numpy as np
from pydicom.dataset import Dataset
from pydicom.sequence import Sequence

from dicom_dataset import new_dataset

ENHANCED_CT = "1.2.840.10008.5.1.4.1.1.2.1"


def main():
    path, zs, air_z = sys.argv[1], [float(z) for z in sys.argv[2].split(",")], float(sys.argv[3])
    ds = new_dataset(ENHANCED_CT, "CT", "betadose^enhanced", "3")
    ds.Rows, ds.Columns, ds.NumberOfFrames = 8, 8, len(zs)
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 1
    measures = Dataset()
    measures.PixelSpacing, measures.SliceThickness = [2.0, 2.0], 5.0
    orientation = Dataset()
    orientation.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    rescale = Dataset()
    rescale.RescaleIntercept, rescale.RescaleSlope, rescale.RescaleType = "-1024", "1", "HU"
    shared = Dataset()
    shared.PixelMeasuresSequence = Sequence([measures])
    shared.PlaneOrientationSequence = Sequence([orientation])
    shared.PixelValueTransformationSequence = Sequence([rescale])
    ds.SharedFunctionalGroupsSequence = Sequence([shared])
    frames, pixels = [], np.full((len(zs), 8, 8), 1024, np.int16)
    for k, z in enumerate(zs):
        position = Dataset()
        position.ImagePositionPatient = [-7.0, -7.0, z]
        content = Dataset()
        content.InStackPositionNumber, content.StackID = k + 1, "1"
        group = Dataset()
        group.PlanePositionSequence = Sequence([position])
        group.FrameContentSequence = Sequence([content])
        frames.append(group)
        if z == air_z:
            pixels[k] = 24
    ds.PerFrameFunctionalGroupsSequence = Sequence(frames)
    ds.PixelData = pixels.tobytes()
    ds.save_as(path, write_like_original=False)


if __name__ == "__main__":
    main()
