#!/usr/bin/python3
"""Writes a DICOM RT Structure Set for the tests (pydicom), in the patient frame (LPS, mm):

  ROI 1 "Sphere GTV": a sphere of radius 15 mm centred at (3.3, -4.1, 21.7), contoured on the
        planes z = 0.25 + 2 m (2 mm slices) as 720-point circles;
  ROI 2 "Ring wall":  a ring (outer radius 20 mm, inner 10 mm) centred at (-5.2, 6.9), on the
        6 planes z = -15.75 ... -5.75 (two contours per plane: outer, and the hole inside it);
  ROI 3 "Marker":     one POINT contour (encloses no volume);
  ROI 4 "Two lesions" (with --overlap): two circles of radius 6 mm centred at (15, -15) and
        (23, -15) on each ring plane, overlapping over 24.78 mm2 without nesting.

usage: make_rtstruct.py OUT.dcm [POINTS_PER_CIRCLE] [--ring-spacing-mm S] [--frame-from FILE] [--overlap]
  POINTS_PER_CIRCLE: default 720 (the fuzz seed uses 6);
  --ring-spacing-mm S: the ring on planes S apart over the same 12 mm (S = 4: 3 planes), as an
      ROI drawn on the slices of another series beside the 2 mm sphere;
  --frame-from FILE: reference FILE's Frame of Reference UID (default: a new one);
  --bad-x V: the first point of the sphere's first contour at x = V (nan, 1e8: a stray point);
  --overlap: add ROI 4.
"""
import argparse
import math
import sys

import pydicom
from pydicom.dataset import Dataset, FileDataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

RT_STRUCT = "1.2.840.10008.5.1.4.1.1.481.3"
SPHERE = (15.0, (3.3, -4.1, 21.7))
RING = (20.0, 10.0, (-5.2, 6.9), [-15.75 + 2 * m for m in range(6)])


def circle(r, cx, cy, z, n=720, reverse=False):
    pts = []
    for i in range(n):
        t = 2 * math.pi * i / n * (-1 if reverse else 1)
        pts += [cx + r * math.cos(t), cy + r * math.sin(t), z]
    return pts


def contour(points, kind="CLOSED_PLANAR"):
    c = Dataset()
    c.ContourGeometricType = kind
    c.NumberOfContourPoints = len(points) // 3
    c.ContourData = [f"{v:.6f}" for v in points]
    return c


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("points", nargs="?", type=int, default=720)
    ap.add_argument("--ring-spacing-mm", type=float, default=2.0)
    ap.add_argument("--frame-from")
    ap.add_argument("--bad-x")
    ap.add_argument("--overlap", action="store_true")
    a = ap.parse_args()
    out, n = a.out, a.points
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = RT_STRUCT
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset(out, {}, file_meta=meta, preamble=b"\0" * 128)
    ds.SOPClassUID = RT_STRUCT
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.Modality = "RTSTRUCT"
    ds.PatientName = "betadose^test"
    ds.PatientID = "0"
    ds.StudyInstanceUID = generate_uid()
    ds.SeriesInstanceUID = generate_uid()
    ds.StructureSetLabel = "test structures"
    ds.StructureSetDate = "20261201"
    ds.StructureSetTime = "120000"
    frame = pydicom.dcmread(a.frame_from).FrameOfReferenceUID if a.frame_from else generate_uid()
    ref = Dataset()
    ref.FrameOfReferenceUID = frame
    ds.ReferencedFrameOfReferenceSequence = Sequence([ref])

    rois, contours = [], []
    r, (cx, cy, cz) = SPHERE
    sphere = []
    for m in range(-20, 40):
        z = 0.25 + 2 * m
        if abs(z - cz) < r:
            sphere.append(contour(circle(math.sqrt(r * r - (z - cz) ** 2), cx, cy, z, n)))
    if a.bad_x:
        sphere[0].ContourData = [a.bad_x] + list(sphere[0].ContourData[1:])
    ro, ri, (rx, ry), planes = RING
    if a.ring_spacing_mm != 2.0:  # the same 12 mm slab stack, centred at z = -10.75
        k = int(round(12 / a.ring_spacing_mm))
        planes = [-10.75 + a.ring_spacing_mm * (m - (k - 1) / 2) for m in range(k)]
    ring = []
    for z in planes:
        ring.append(contour(circle(ro, rx, ry, z, n)))
        ring.append(contour(circle(ri, rx, ry, z, n, reverse=True)))
    marker = [contour([10.0, 10.0, 10.0], "POINT")]
    structures = [("Sphere GTV", sphere), ("Ring wall", ring), ("Marker", marker)]
    if a.overlap:
        lesions = []
        for z in planes:
            lesions.append(contour(circle(6.0, 15.0, -15.0, z, n)))
            lesions.append(contour(circle(6.0, 23.0, -15.0, z, n)))
        structures.append(("Two lesions", lesions))
    for number, (name, cs) in enumerate(structures, 1):
        item = Dataset()
        item.ROINumber = number
        item.ReferencedFrameOfReferenceUID = frame
        item.ROIName = name
        item.ROIGenerationAlgorithm = "MANUAL"
        rois.append(item)
        rc = Dataset()
        rc.ReferencedROINumber = number
        rc.ROIDisplayColor = [255, 0, 0]
        rc.ContourSequence = Sequence(cs)
        contours.append(rc)
    ds.StructureSetROISequence = Sequence(rois)
    ds.ROIContourSequence = Sequence(contours)
    obs = []
    for number in range(1, len(structures) + 1):
        o = Dataset()
        o.ObservationNumber = number
        o.ReferencedROINumber = number
        o.RTROIInterpretedType = "ORGAN"
        o.ROIInterpreter = ""
        obs.append(o)
    ds.RTROIObservationsSequence = Sequence(obs)
    ds.is_little_endian = True
    ds.is_implicit_VR = False
    ds.save_as(out, write_like_original=False)


if __name__ == "__main__":
    main()
