// DICOM RT structure sets (implementation: src/io/rtstruct_io.cpp, DCMTK's dcmrt): every ROI
// of the Structure Set ROI Sequence (3006,0020) by its ROIName (3006,0026), with the contours
// of its ROI Contour Sequence (3006,0039) item (matched by Referenced ROI Number (3006,0084)).
// Contour Data (3006,0050) are triplets in the patient frame (LPS, mm), which is betadose's
// physical frame. CLOSED_PLANAR contours are kept; POINT and OPEN_* contours are counted and
// skipped (they enclose no volume).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "betadose/contour_raster.hh"

namespace bd {

struct RtStructRoi {
  int number = 0;                       // ROI Number (3006,0022)
  std::string name;                     // ROI Name (3006,0026)
  std::vector<PlanarContour> contours;  // CLOSED_PLANAR only
  std::size_t skipped_contours = 0;     // POINT / OPEN_PLANAR / OPEN_NONPLANAR
  std::string frame_of_reference_uid;   // Referenced Frame of Reference UID (3006,0024)
  // Contours that repeat an earlier one of the ROI point for point (an export fault): the
  // even-odd rule would cancel the slice, so the repeat is dropped and counted.
  std::size_t duplicate_contours = 0;
};

struct StructureSet {
  std::string path;
  std::string label;                  // Structure Set Label (3006,0002)
  std::string frame_of_reference_uid; // (3006,0024) of the first ROI
  std::vector<RtStructRoi> rois;
};

// Throws InputError naming the file (and the element) when it is not a readable DICOM file,
// not an RT Structure Set, or a contour is malformed (point count vs data length, a coordinate
// not finite or beyond 1e6 mm). Text is converted to UTF-8 from the file's Specific Character
// Set (0008,0005); Contour Data stored as VR UN (explicit VR beyond 64 KiB) is read as DS.
StructureSet read_rtstruct(const std::string& path);

}  // namespace bd
