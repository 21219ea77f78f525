// 3D Slicer segmentations (.seg.nrrd; implementation: src/io/segmentation_io.cpp, ITK's NRRD
// reader). A .seg.nrrd is an NRRD whose voxels hold segment label values, in one layer (3-D)
// or several (4-D, first axis of kind "list": overlapping segments sit in different layers),
// with key/value lines per segment N = 0, 1, ...:
//   SegmentN_ID, SegmentN_Name, SegmentN_LabelValue (default 1), SegmentN_Layer (default 0, or
//   N when the file has one layer per segment, as older Slicer versions wrote).
// Geometry comes from the NRRD space, space directions and space origin; ITK converts a
// right-anterior-superior (RAS) space to betadose's LPS frame.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "betadose/grid.hh"

namespace bd {

struct Segment {
  std::string id, name;
  int layer = 0;
  int label_value = 1;
  Volume<std::uint8_t> mask;  // on the file's grid: voxels of this segment
};

struct SegmentationFile {
  std::string path;
  Grid grid;
  std::string space;  // the NRRD space as written (e.g. "left-posterior-superior")
  int layers = 1;
  std::vector<Segment> segments;
};

// Throws InputError naming the file and the key for a file that is not a segmentation (no
// Segment0_Name), a segment whose layer/label is out of range, or unreadable data.
SegmentationFile read_segmentation(const std::string& path);

}  // namespace bd
